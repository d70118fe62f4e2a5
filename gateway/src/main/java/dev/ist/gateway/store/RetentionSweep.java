package dev.ist.gateway.store;

import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;

/**
 * Deletes finished jobs last updated longer than {@code ist.retention.jobs} ago (their events go with them), in
 * batches claimed with {@code FOR UPDATE SKIP LOCKED}, so replicas never fight over the same rows and no
 * transaction holds many locks. Rows that only ever had events (their request never arrived) go after the same time.
 *
 * <p>A job admitted by a gateway that died before publishing it has a row the projector never confirms: after
 * {@link #UNPUBLISHED_GRACE} it is deleted too. Should the request reach Kafka after all (a projector more than
 * that far behind), the projector writes the row again from the topics, so nothing published is lost.
 */
public final class RetentionSweep implements Runnable {

    private static final Logger LOG = Logger.getLogger(RetentionSweep.class);
    static final int BATCH = 500;
    static final Duration UNPUBLISHED_GRACE = Duration.ofHours(1);

    private final Database db;
    private final Duration retention;
    private final Clock clock;

    public RetentionSweep(Database db, Duration retention, Clock clock) {
        this.db = db;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            int total = 0;
            int n;
            do {
                n = deleteBatch();
                total += n;
            } while (n == BATCH);
            int unpublished = deleteUnpublished();
            if (unpublished > 0) {
                LOG.warnf("deleted %d admitted jobs whose request never reached Kafka", unpublished);
            }
            if (total > 0) {
                LOG.infof("deleted %d finished jobs older than %s", total, retention);
            }
        } catch (RuntimeException e) {
            LOG.warnf("retention sweep failed (retried): %s", e.getMessage());
        }
    }

    int deleteUnpublished() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(UNPUBLISHED_GRACE));
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    DELETE FROM jobs WHERE job_id IN (
                        SELECT job_id FROM jobs WHERE NOT projected AND request IS NOT NULL AND submitted_at < ?
                        LIMIT ? FOR UPDATE SKIP LOCKED)""")) {
                s.setTimestamp(1, cutoff);
                s.setInt(2, BATCH);
                return s.executeUpdate();
            }
        });
    }

    int deleteBatch() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(retention));
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    DELETE FROM jobs WHERE job_id IN (
                        SELECT job_id FROM jobs
                        WHERE (state IN ('SUCCEEDED', 'FAILED', 'CANCELLED') OR request IS NULL)
                          AND updated_at < ?
                        LIMIT ? FOR UPDATE SKIP LOCKED)""")) {
                s.setTimestamp(1, cutoff);
                s.setInt(2, BATCH);
                return s.executeUpdate();
            }
        });
    }
}
