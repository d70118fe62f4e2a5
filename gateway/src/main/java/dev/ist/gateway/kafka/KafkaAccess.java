package dev.ist.gateway.kafka;

import dev.ist.common.kafka.KafkaAccessProblem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The gateway's Kafka clients that meet a refused login or a missing ACL: each says so in one line when the problem
 * starts or changes, counts it ({@code ist_kafka_access_failures_total{client}}), waits a growing pause (1 s to 60 s)
 * and tries again, so the gateway stays live, reports not ready ({@code kafka-access}) and recovers by itself once the
 * broker's side is fixed. Any other failure is the caller's to handle.
 */
public final class KafkaAccess {

    private static final Logger LOG = Logger.getLogger(KafkaAccess.class);

    private final MeterRegistry registry;
    private final Map<String, KafkaAccessProblem> clients = new ConcurrentHashMap<>();

    /** @param registry where the failures are counted; null counts nothing (tests) */
    public KafkaAccess(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * When {@code e} is a login or permission failure of {@code client}: logs it if new, counts it, waits the back-off
     * while {@code running} holds, and returns true (try again). False for any other failure.
     */
    public boolean waitOut(String client, Throwable e, BooleanSupplier running) {
        Optional<String> problem = KafkaAccessProblem.describe(e);
        if (problem.isEmpty()) {
            return false;
        }
        KafkaAccessProblem.Meeting m = clients.computeIfAbsent(client, KafkaAccessProblem::new).met(problem.get());
        m.log().ifPresent(LOG::error);
        if (registry != null) {
            Counter.builder("ist.kafka.access.failures")
                    .description("Kafka logins or requests refused (bad credentials or a missing ACL), per client")
                    .tag("client", client).register(registry).increment();
        }
        KafkaAccessProblem.sleepWhile(m.retryIn(), running);
        return true;
    }

    /**
     * Runs one Kafka call of {@code client}: on success clears its problem; a refused login or ACL is waited out (logged,
     * counted, the back-off slept) and answered with {@code ifRefused}, so the caller's loop simply tries again; any other
     * failure (a wake-up included) propagates.
     */
    public <T> T attempt(String client, Supplier<T> call, T ifRefused, BooleanSupplier running) {
        try {
            T result = call.get();
            ok(client);
            return result;
        } catch (KafkaException e) {
            if (waitOut(client, e, running)) {
                return ifRefused;
            }
            throw e;
        }
    }

    /** {@code consumer.poll(timeout)} through {@link #attempt}: no records while the access is refused. */
    public <K, V> ConsumerRecords<K, V> poll(String client, Consumer<K, V> consumer, Duration timeout,
                                             BooleanSupplier running) {
        return attempt(client, () -> consumer.poll(timeout), ConsumerRecords.empty(), running);
    }

    /** {@code client} got through: logs that it works again if it had a problem. */
    public void ok(String client) {
        KafkaAccessProblem p = clients.get(client);
        if (p != null) {
            p.cleared().ifPresent(LOG::info);
        }
    }

    /** The clients with a problem now, and the problem of each. */
    public Map<String, String> problems() {
        Map<String, String> now = new TreeMap<>();
        clients.forEach((client, p) -> {
            String current = p.current();
            if (current != null) {
                now.put(client, current);
            }
        });
        return now;
    }
}
