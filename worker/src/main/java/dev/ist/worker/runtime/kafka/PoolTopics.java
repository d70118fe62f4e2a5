package dev.ist.worker.runtime.kafka;

import dev.ist.common.Topics;
import dev.ist.common.kafka.KafkaClientConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the lane topics of a worker pool other than the default one when they are missing, with as many
 * partitions as the default pool's NORMAL topic (the broker's default when that one does not exist either), so a
 * pool's first worker can subscribe at once instead of waiting for a metadata refresh to find topics created later.
 * Off with {@code ist.kafka.create-topics=false}, where an operator (kafka-init, Strimzi) owns the topics.
 */
public final class PoolTopics {
    private static final Logger LOG = LoggerFactory.getLogger(PoolTopics.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private PoolTopics() {
    }

    /** @param base the default pool's topics; {@code pool} the worker's */
    public static void ensure(KafkaClientConfig kafka, Topics base, Topics pool) {
        if (pool.equals(base)) {
            return; // the default pool's topics are the gateway's (or the operator's) to create
        }
        try (Admin admin = Admin.create(kafka.base())) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<String> missing = pool.jobLanes().stream().filter(t -> !existing.contains(t)).toList();
            if (missing.isEmpty()) {
                return;
            }
            Optional<Integer> partitions = Optional.empty();
            if (existing.contains(base.jobs())) {
                TopicDescription d = admin.describeTopics(List.of(base.jobs())).allTopicNames()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(base.jobs());
                partitions = Optional.of(d.partitions().size());
            }
            Optional<Integer> count = partitions;
            admin.createTopics(missing.stream().map(t -> new NewTopic(t, count, Optional.empty())).toList()).all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created the pool's topics {}", missing);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warn("could not create the pool's topics {}: {}", pool.jobLanes(), e.getCause().toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("creating the pool's topics {} timed out", pool.jobLanes());
        }
    }
}
