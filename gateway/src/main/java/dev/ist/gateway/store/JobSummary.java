package dev.ist.gateway.store;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.event.Progress;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The summary columns of one job row, read under a row lock, folded over events in memory and written back with one
 * UPDATE: the per-record path writes after every event, the batch path once per job per poll.
 */
final class JobSummary {

    private static final JsonCodec CODEC = JsonCodec.shared();
    private static final String SELECT = """
            SELECT job_id, state, last_seq, terminal_seq, trimmed_through, event_count, timings, progress,
                   preview_key, network, failure, result_key, total_ms, updated_at, worker_id
            FROM jobs""";

    final String jobId;
    String state;
    long lastSeq;
    Long terminalSeq;
    long trimmedThrough;
    int eventCount;
    private String timingsJson;
    private Map<String, Long> timings; // decoded only when an event carries timings
    private String progressJson;
    private Progress progress; // the latest tick's, encoded once at the write (not once per tick)
    String previewKey;
    String network;
    String failure;
    String resultKey;
    Long totalMs;
    Timestamp updatedAt;
    String workerId;

    private JobSummary(ResultSet rs) throws SQLException {
        jobId = rs.getString(1);
        state = rs.getString(2);
        lastSeq = rs.getLong(3);
        terminalSeq = (Long) rs.getObject(4);
        trimmedThrough = rs.getLong(5);
        eventCount = rs.getInt(6);
        timingsJson = rs.getString(7);
        progressJson = rs.getString(8);
        previewKey = rs.getString(9);
        network = rs.getString(10);
        failure = rs.getString(11);
        resultKey = rs.getString(12);
        totalMs = (Long) rs.getObject(13);
        updatedAt = rs.getTimestamp(14);
        workerId = rs.getString(15);
    }

    /** The job's row, locked for this transaction (events of one job are applied one at a time). */
    static JobSummary lock(Connection c, String jobId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SELECT + " WHERE job_id = ? FOR UPDATE")) {
            s.setString(1, jobId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new JobSummary(rs);
            }
        }
    }

    /** Several rows, locked in id order (two replicas locking overlapping sets cannot deadlock). */
    static Map<String, JobSummary> lockAll(Connection c, Collection<String> jobIds) throws SQLException {
        Map<String, JobSummary> out = new LinkedHashMap<>();
        Array ids = c.createArrayOf("text", jobIds.toArray());
        try (PreparedStatement s = c.prepareStatement(SELECT + " WHERE job_id = ANY (?) ORDER BY job_id FOR UPDATE")) {
            s.setArray(1, ids);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    JobSummary h = new JobSummary(rs);
                    out.put(h.jobId, h);
                }
            }
        }
        return out;
    }

    /** Whether a PROGRESS tick was compacted (the job finished after it) or trimmed away (the cap) before. */
    boolean dropsTick(JobEvent e) {
        return e.type() == EventType.PROGRESS
                && ((terminalSeq != null && e.seq() < terminalSeq) || e.seq() <= trimmedThrough);
    }

    /** Folds a new event in: the latest event by seq is the job's latest word, a terminal event decides for good. */
    void fold(JobEvent e) {
        boolean latest = e.seq() >= lastSeq;
        if (e.timingsMs() != null) {
            Map<String, Long> t = timings();
            e.timingsMs().forEach((k, v) -> {
                if (latest) {
                    t.put(k, v);
                } else {
                    t.putIfAbsent(k, v);
                }
            });
        }
        if (e.progress() != null && (latest || (progress == null && progressJson == null))) {
            progress = e.progress();
        }
        if (e.progress() != null && e.progress().previewKey() != null && (latest || previewKey == null)) {
            previewKey = e.progress().previewKey();
        }
        if (e.network() != null && (latest || network == null)) {
            network = CODEC.encodeToString(e.network());
        }
        if (e.isTerminal() && (terminalSeq == null || e.seq() > terminalSeq)) {
            terminalSeq = e.seq();
            state = JobState.of(e.type()).name();
            failure = e.failure() == null ? null : CODEC.encodeToString(e.failure());
            resultKey = e.type() == EventType.SUCCEEDED ? e.resultKey() : null;
            totalMs = e.type() == EventType.SUCCEEDED && e.timingsMs() != null ? e.timingsMs().get("total") : null;
        } else if (terminalSeq == null && latest) {
            state = JobState.of(e.type()).name();
        }
        if (latest) {
            lastSeq = e.seq();
            updatedAt = Timestamp.from(e.at());
            workerId = e.workerId();
        }
    }

    static final String UPDATE = """
            UPDATE jobs SET state = ?, last_seq = ?, terminal_seq = ?, updated_at = ?, worker_id = ?,
                progress = ?, preview_key = ?, result_key = ?, failure = ?, timings = ?, network = ?, total_ms = ?,
                event_count = ?
            WHERE job_id = ?""";

    /** Binds this summary to {@link #UPDATE}. */
    void bind(PreparedStatement s) throws SQLException {
        s.setString(1, state);
        s.setLong(2, lastSeq);
        setLong(s, 3, terminalSeq);
        s.setTimestamp(4, updatedAt);
        s.setString(5, workerId);
        s.setString(6, progress == null ? progressJson : CODEC.encodeToString(progress));
        s.setString(7, previewKey);
        s.setString(8, resultKey);
        s.setString(9, failure);
        s.setString(10, timingsJson());
        s.setString(11, network);
        setLong(s, 12, totalMs);
        s.setInt(13, eventCount);
        s.setString(14, jobId);
    }

    void write(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(UPDATE)) {
            bind(s);
            s.executeUpdate();
        }
    }

    private Map<String, Long> timings() {
        if (timings == null) {
            timings = timingsJson == null ? new LinkedHashMap<>() : readTimings(timingsJson);
        }
        return timings;
    }

    private String timingsJson() {
        if (timings == null) {
            return timingsJson;
        }
        return timings.isEmpty() ? null : CODEC.encodeToString(timings);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> readTimings(String json) {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            Map<String, Object> raw = CODEC.mapper().readValue(json, Map.class);
            raw.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable timings in the job row: " + e.getMessage(), e);
        }
        return out;
    }

    private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, v);
        }
    }
}
