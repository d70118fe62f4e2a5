package dev.ist.gateway.store;

import dev.ist.common.event.ControlMessage;
import dev.ist.common.job.JobRequest;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cancels jobs whose deadline passed unfinished: a cancel on the control topic (requested by {@code deadline}) that
 * reaches whichever worker holds or will take the job. The overdue rows are claimed with {@code FOR UPDATE SKIP
 * LOCKED}, so with several replicas each overdue job is cancelled by one of them, and the row records the cancel
 * in the same transaction.
 */
public final class DeadlineSweep implements Runnable {

    private static final Logger LOG = Logger.getLogger(DeadlineSweep.class);
    private static final int BATCH = 100;

    private final Database db;
    private final Consumer<ControlMessage> publisher;
    private final Clock clock;

    public DeadlineSweep(Database db, Consumer<ControlMessage> publisher, Clock clock) {
        this.db = db;
        this.publisher = publisher;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            int n;
            do {
                n = sweepOnce();
            } while (n == BATCH);
        } catch (RuntimeException e) {
            LOG.warnf("deadline sweep failed (retried): %s", e.getMessage());
        }
    }

    /** Cancels up to one batch of overdue jobs; how many it claimed. */
    int sweepOnce() {
        Instant now = clock.instant();
        return db.inTransaction(c -> {
            List<String> overdue = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT job_id FROM jobs
                    WHERE deadline <= ? AND state IN ('QUEUED', 'RUNNING') AND NOT cancel_requested
                      AND request IS NOT NULL
                    ORDER BY deadline LIMIT ? FOR UPDATE SKIP LOCKED""")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setInt(2, BATCH);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        overdue.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE jobs SET cancel_requested = true WHERE job_id = ?")) {
                for (String jobId : overdue) {
                    // published before the commit: a failed publish rolls back the mark and the next sweep retries
                    publisher.accept(ControlMessage.cancel(jobId, now, JobRequest.DEADLINE_REASON));
                    s.setString(1, jobId);
                    s.executeUpdate();
                    LOG.infof("job %s passed its deadline unfinished; cancel published", jobId);
                }
            }
            return overdue.size();
        });
    }
}
