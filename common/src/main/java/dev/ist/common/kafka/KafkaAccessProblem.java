package dev.ist.common.kafka;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

import java.time.Duration;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A Kafka client that cannot log in or is not allowed what it asks is a configuration problem, not a crash: this turns
 * the client's exception into one line that names the setting or the missing permission, and paces how often a
 * client that keeps meeting it says so and tries again (1 s doubling to 60 s). The broker's side can be fixed while
 * the component waits, live and not ready.
 */
public final class KafkaAccessProblem {

    static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(60);

    private final String who;
    private String current;
    private long waitMs = FIRST_WAIT.toMillis();

    /** @param who the client, as log lines name it ("the jobs consumer") */
    public KafkaAccessProblem(String who) {
        this.who = who;
    }

    /** The line for {@code e} when it is a login or permission failure; empty for any other failure. */
    public static Optional<String> describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SslAuthenticationException) {
                return Optional.of("TLS handshake with Kafka failed (" + t.getMessage() + "): check ssl.truststore.*"
                        + " / ssl.keystore.* in ist.kafka.client-config");
            }
            if (t instanceof AuthenticationException) {
                return Optional.of("Kafka refused the login (" + t.getMessage() + "): check security.protocol,"
                        + " sasl.mechanism and sasl.jaas.config (user and password) in ist.kafka.client-config");
            }
            if (t instanceof TopicAuthorizationException ta) {
                return Optional.of("missing Kafka ACL: this user may not use topic(s) "
                        + new TreeSet<>(ta.unauthorizedTopics()) + " (see the README's ACL table for what it needs)");
            }
            if (t instanceof GroupAuthorizationException ga) {
                return Optional.of("missing Kafka ACL: this user may not READ consumer group '" + ga.groupId()
                        + "' (see the README's ACL table)");
            }
            if (t instanceof ClusterAuthorizationException) {
                return Optional.of("missing Kafka ACL on the cluster (" + t.getMessage() + ")");
            }
            if (t instanceof AuthorizationException) {
                return Optional.of("missing Kafka ACL: " + t.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Records that the client met {@code problem} again: returns the line to log (the first time, and whenever the
     * problem changes) or empty while it repeats, and how long to wait before trying again.
     */
    public synchronized Meeting met(String problem) {
        boolean news = !problem.equals(current);
        if (news) {
            current = problem;
            waitMs = FIRST_WAIT.toMillis();
        }
        Duration wait = Duration.ofMillis(waitMs);
        waitMs = Math.min(LONGEST_WAIT.toMillis(), waitMs * 2);
        return new Meeting(news ? Optional.of(who + ": " + problem + "; retrying, next in " + wait.toSeconds()
                + " s, then less often") : Optional.empty(), wait);
    }

    /** The client got through: returns the line saying so when there was a problem. */
    public synchronized Optional<String> cleared() {
        if (current == null) {
            return Optional.empty();
        }
        current = null;
        waitMs = FIRST_WAIT.toMillis();
        return Optional.of(who + ": Kafka access works again");
    }

    /**
     * Waits {@code d} in short naps while {@code running} holds, so a client that is told to stop does not sit out a
     * minute's back-off; false when the thread was interrupted.
     */
    public static boolean sleepWhile(Duration d, java.util.function.BooleanSupplier running) {
        long until = System.nanoTime() + d.toNanos();
        while (running.getAsBoolean() && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The problem now, or null. */
    public synchronized String current() {
        return current;
    }

    /** What to log (maybe nothing) and how long to wait. */
    public record Meeting(Optional<String> log, Duration retryIn) {
    }
}
