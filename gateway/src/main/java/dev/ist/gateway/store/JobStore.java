package dev.ist.gateway.store;

import dev.ist.common.codec.InvalidMessageException;
import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.Priority;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's access to job state in PostgreSQL: every read of the API, and the two writes a gateway makes before
 * the projector has seen its records (an admitted job and a cancel request), so a client reads its own writes. Rows
 * whose request is not known yet (only events were read) are invisible here.
 */
public class JobStore {

    private final Database db;
    private final JobProjection projection;
    private final StoreMetrics metrics;

    public JobStore(Database db, JobProjection projection, StoreMetrics metrics) {
        this.db = db;
        this.projection = projection;
        this.metrics = metrics;
    }

    public Database database() {
        return db;
    }

    public Optional<JobSnapshot> find(String jobId) {
        return metrics.timed("find", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + JobRows.COLUMNS
                    + " FROM jobs WHERE job_id = ? AND request IS NOT NULL")) {
                s.setString(1, jobId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(JobRows.snapshot(rs)) : Optional.empty();
                }
            }
        }));
    }

    /**
     * Admits a new job: its row (with the caller's Idempotency-Key, unique per owner) and its QUEUED event, in one
     * transaction. False when a job with this id or key already exists (another replica, or an earlier try, won).
     */
    public boolean admit(JobRequest request, JobEvent queued, String idempotencyKey) {
        return metrics.timed("admit", () -> db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO jobs (job_id, owner, idempotency_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING""")) {
                s.setString(1, request.jobId());
                s.setString(2, request.owner());
                s.setString(3, idempotencyKey);
                if (s.executeUpdate() == 0) {
                    return false;
                }
            }
            projection.admitRequest(c, request);
            projection.applyEvent(c, queued);
            return true;
        }));
    }

    /** Removes a job admitted here whose records never reached Kafka (the publish failed): it must not linger. */
    public void forgetUnpublished(String jobId) {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM jobs WHERE job_id = ?")) {
                s.setString(1, jobId);
                return s.executeUpdate();
            }
        });
    }

    /** A cancel this gateway published: shown at once, before the projector reads it back. */
    public void cancelRequested(ControlMessage message) {
        db.inTransaction(c -> projection.applyControl(c, message));
    }

    /** One page of an owner's jobs, newest first (then by id), after {@code after} (null: the first page). */
    public List<JobSnapshot> list(String owner, JobState state, ListCursor after, int offset, int limit) {
        return metrics.timed("list", () -> db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT " + JobRows.COLUMNS + ", submitted_at, job_id FROM jobs "
                    + "WHERE owner = ? AND request IS NOT NULL");
            if (state != null) {
                sql.append(" AND state = ?");
            }
            if (after != null) {
                // "submitted_at <= ?" bounds the index range scan; the OR alone would only filter rows, so a deep
                // page read (and threw away) every newer job of the owner
                sql.append(" AND submitted_at <= ? AND (submitted_at < ? OR job_id > ?)");
            }
            sql.append(" ORDER BY submitted_at DESC, job_id LIMIT ? OFFSET ?");
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                int i = 1;
                s.setString(i++, owner);
                if (state != null) {
                    s.setString(i++, state.name());
                }
                if (after != null) {
                    s.setTimestamp(i++, Timestamp.from(after.submittedAt()));
                    s.setTimestamp(i++, Timestamp.from(after.submittedAt()));
                    s.setString(i++, after.jobId());
                }
                s.setInt(i++, limit);
                s.setInt(i, offset);
                List<JobSnapshot> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(JobRows.snapshot(rs));
                    }
                }
                return out;
            }
        }));
    }

    /** Where the next page starts after {@code last}, with the database's own precision of the submission time. */
    public ListCursor cursorAfter(String jobId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT submitted_at FROM jobs WHERE job_id = ?")) {
                s.setString(1, jobId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? new ListCursor(rs.getTimestamp(1).toInstant(), jobId) : null;
                }
            }
        });
    }

    /** How many jobs of {@code owner} (in {@code state}, or all) there are. */
    public int count(String owner, JobState state) {
        return count(owner, state, Integer.MAX_VALUE);
    }

    /**
     * How many jobs of {@code owner} (in {@code state}, or all) there are, counted up to {@code limit}: what a list
     * call can afford (an owner's 100 000 jobs cost a full count on every page).
     */
    public int count(String owner, JobState state, int limit) {
        return metrics.timed("count", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM jobs WHERE owner = ? "
                    + "AND request IS NOT NULL" + (state == null ? "" : " AND state = ?") + " LIMIT ?) AS counted")) {
                int i = 1;
                s.setString(i++, owner);
                if (state != null) {
                    s.setString(i++, state.name());
                }
                s.setInt(i, limit);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }));
    }

    /** Jobs of {@code owner} that have not reached a terminal state. */
    public int inFlight(String owner) {
        return metrics.timed("in_flight", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT count(*) FROM jobs WHERE owner = ? AND state IN ('QUEUED', 'RUNNING')")) {
                s.setString(1, owner);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }));
    }

    /** The stored events of a job with seq > {@code afterSeq}, in seq order. */
    public List<JobEvent> eventsAfter(String jobId, long afterSeq) {
        return metrics.timed("events", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT body FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq")) {
                s.setString(1, jobId);
                s.setLong(2, afterSeq);
                List<JobEvent> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(decodeEvent(rs.getString(1)));
                    }
                }
                return out;
            }
        }));
    }

    public Map<JobState, Integer> countByState() {
        return metrics.timed("count_by_state", () -> db.read(c -> {
            Map<JobState, Integer> counts = new EnumMap<>(JobState.class);
            for (JobState st : JobState.values()) {
                counts.put(st, 0);
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT state, count(*) FROM jobs WHERE request IS NOT NULL GROUP BY state");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(JobState.valueOf(rs.getString(1)), rs.getInt(2));
                }
            }
            return counts;
        }));
    }

    /** A queued job as the queue estimate needs it. */
    public record QueuedJob(String jobId, Priority lane, Double quotedSeconds) {
    }

    /**
     * The QUEUED jobs without a cancel request, per pool (all pools when {@code pool} is null), each pool's oldest
     * submission first.
     */
    public Map<String, List<QueuedJob>> queued(String pool) {
        return metrics.timed("queued", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT pool, job_id, lane, quoted_seconds FROM jobs "
                    + "WHERE state = 'QUEUED' AND NOT cancel_requested AND request IS NOT NULL"
                    + (pool == null ? "" : " AND pool = ?") + " ORDER BY submitted_at, job_id")) {
                if (pool != null) {
                    s.setString(1, pool);
                }
                Map<String, List<QueuedJob>> out = new LinkedHashMap<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), p -> new ArrayList<>()).add(new QueuedJob(
                                rs.getString(2), Priority.valueOf(rs.getString(3)), (Double) rs.getObject(4)));
                    }
                }
                return out;
            }
        }));
    }

    /** Measured run time (ms) and quote (s, or null) of the {@code limit} most recently finished successful jobs. */
    public List<double[]> recentRuns(int limit) {
        return metrics.timed("recent_runs", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT total_ms, quoted_seconds FROM jobs WHERE state = "
                    + "'SUCCEEDED' AND total_ms IS NOT NULL ORDER BY updated_at DESC LIMIT ?")) {
                s.setInt(1, limit);
                List<double[]> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Object quote = rs.getObject(2);
                        out.add(new double[] {rs.getLong(1), quote == null ? Double.NaN : ((Number) quote).doubleValue()});
                    }
                }
                return out;
            }
        }));
    }

    /**
     * Workers that reported on a job of {@code pool} after {@code since} (the latest event of the job is theirs):
     * derived from the jobs alone, so it never depends on the order in which topics were projected.
     */
    public int liveWorkers(String pool, Instant since) {
        return metrics.timed("live_workers", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(DISTINCT worker_id) FROM jobs WHERE pool = ? "
                    + "AND updated_at > ? AND worker_id IS NOT NULL AND worker_id <> ?")) {
                s.setString(1, pool);
                s.setTimestamp(2, Timestamp.from(since));
                s.setString(3, JobProjection.GATEWAY_WORKER);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }));
    }

    /** How many rows hold jobs (with a known request): the readiness check's figure. */
    public long size() {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM jobs");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static JobEvent decodeEvent(String body) throws SQLException {
        try {
            return JsonCodec.shared().decodeEvent(body.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidMessageException e) {
            throw new SQLException("unreadable event in job_events: " + e.getMessage(), e);
        }
    }
}
