package dev.ist.gateway.store;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.ControlMessage;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;

/**
 * Applies one record of the topics to the rows, on the caller's connection and transaction. Idempotent: a request per
 * job id once (unless a worker forwarded it to another pool more often), an event per (job id, seq) once, so
 * re-applying records (a crash before the offsets were committed, a replay from offset 0) leaves the same rows.
 * The rules are those of the job lifecycle: the latest event by seq is the job's latest word, a terminal event decides
 * the state for good, a finished job keeps a summary of its ticks.
 */
public final class JobProjection {

    static final String GATEWAY_WORKER = "gateway";

    private final JsonCodec codec = JsonCodec.shared();
    private final int maxEventsPerJob;

    public JobProjection(int maxEventsPerJob) {
        if (maxEventsPerJob < 8) {
            throw new IllegalArgumentException("ist.gateway.view.max-events-per-job must be >= 8");
        }
        this.maxEventsPerJob = maxEventsPerJob;
    }

    int maxEventsPerJob() {
        return maxEventsPerJob;
    }

    /**
     * A request as read from a jobs topic with its {@link dev.ist.common.capacity.JobForwards} count: the first one
     * of the job, or one forwarded more often than the one held (the job moved to another pool). Whether it changed
     * the row.
     */
    public boolean applyRequest(Connection c, JobRequest r, int forwards) throws SQLException {
        boolean changed = upsertRequest(c, r, forwards);
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE jobs SET projected = true WHERE job_id = ? AND NOT projected")) {
            s.setString(1, r.jobId());
            s.executeUpdate();
        }
        // the request is the job's QUEUED statement (no gateway writes events): a replica that did not admit it, or a
        // rebuild from the topics, gets the same seq-0 event the admitting replica stored; a no-op where it exists
        changed |= applyEvent(c, JobEvent.queued(r.jobId(), r.submittedAt()));
        return changed;
    }

    /** A request this gateway admits before publishing it: the row exists at once, but is not yet projected. */
    boolean admitRequest(Connection c, JobRequest r) throws SQLException {
        return upsertRequest(c, r, 0);
    }

    private boolean upsertRequest(Connection c, JobRequest r, int forwards) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO jobs (job_id, owner, request, forwards, pool, lane, submitted_at, deadline, quoted_seconds,
                                  updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (job_id) DO UPDATE SET owner = EXCLUDED.owner, request = EXCLUDED.request,
                    forwards = EXCLUDED.forwards, pool = EXCLUDED.pool, lane = EXCLUDED.lane,
                    submitted_at = EXCLUDED.submitted_at, deadline = EXCLUDED.deadline,
                    quoted_seconds = EXCLUDED.quoted_seconds,
                    updated_at = COALESCE(jobs.updated_at, EXCLUDED.updated_at)
                WHERE jobs.request IS NULL OR jobs.forwards < EXCLUDED.forwards""")) {
            s.setString(1, r.jobId());
            s.setString(2, r.owner());
            s.setString(3, codec.encodeToString(r));
            s.setInt(4, forwards);
            s.setString(5, r.workerPool());
            s.setString(6, r.lane().name());
            s.setTimestamp(7, Timestamp.from(r.submittedAt()));
            setTimestamp(s, 8, r.deadline());
            if (r.quotedSeconds() == null) {
                s.setNull(9, Types.DOUBLE);
            } else {
                s.setDouble(9, r.quotedSeconds());
            }
            s.setTimestamp(10, Timestamp.from(r.submittedAt()));
            return s.executeUpdate() > 0;
        }
    }

    /** A cancel request on the control topic: the job shows {@code cancelRequested} until the worker answers. */
    public boolean applyControl(Connection c, ControlMessage m) throws SQLException {
        if (m.action() != ControlMessage.Action.CANCEL) {
            return false;
        }
        ensureRow(c, m.jobId());
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE jobs SET cancel_requested = true WHERE job_id = ? AND NOT cancel_requested")) {
            s.setString(1, m.jobId());
            return s.executeUpdate() > 0;
        }
    }

    /** An event; whether it was new (a re-delivered one changes nothing). */
    public boolean applyEvent(Connection c, JobEvent e) throws SQLException {
        ensureRow(c, e.jobId());
        JobSummary held = JobSummary.lock(c, e.jobId());
        boolean fresh;
        if (isForwardNote(c, held, e)) {
            // a worker that forwarded the job restates its QUEUED event with a note; the state stays QUEUED
            try (PreparedStatement s = c.prepareStatement("UPDATE job_events SET body = ? WHERE job_id = ? AND seq = 0")) {
                s.setString(1, codec.encodeToString(e));
                s.setString(2, e.jobId());
                s.executeUpdate();
            }
            fresh = true;
        } else {
            if (held.dropsTick(e)) {
                return false; // a tick compacted or trimmed away earlier stays away
            }
            fresh = insertEvent(c, e);
            if (!fresh) {
                return false;
            }
            held.eventCount++;
        }
        updateSummary(c, held, e);
        return true;
    }

    private boolean insertEvent(Connection c, JobEvent e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO job_events (job_id, seq, type, body, preview) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (job_id, seq) DO NOTHING""")) {
            s.setString(1, e.jobId());
            s.setLong(2, e.seq());
            s.setString(3, e.type().name());
            s.setString(4, codec.encodeToString(e));
            s.setBoolean(5, e.progress() != null && e.progress().previewKey() != null);
            return s.executeUpdate() > 0;
        }
    }

    /** A worker's restated QUEUED event with a note (a forward): applied per record, it may rewrite seq 0. */
    static boolean mayBeForwardNote(JobEvent e) {
        return e.type() == EventType.QUEUED && e.seq() == 0 && !GATEWAY_WORKER.equals(e.workerId())
                && e.failure() != null;
    }

    private boolean isForwardNote(Connection c, JobSummary held, JobEvent e) throws SQLException {
        if (!mayBeForwardNote(e) || held.terminalSeq != null || held.lastSeq > 0) {
            return false;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT body FROM job_events WHERE job_id = ? AND seq = 0")) {
            s.setString(1, e.jobId());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && !rs.getString(1).equals(codec.encodeToString(e));
            }
        }
    }

    /** Folds {@code e} into the job's summary columns, then compacts (finished) or trims (over the cap) its ticks. */
    private void updateSummary(Connection c, JobSummary h, JobEvent e) throws SQLException {
        h.fold(e);
        h.write(c);
        tidy(c, h);
    }

    /** Compacts a finished job's ticks, or trims a running job's ticks over the cap. */
    void tidy(Connection c, JobSummary h) throws SQLException {
        if (h.terminalSeq != null) {
            compactFinished(c, h.jobId);
        } else if (h.eventCount > maxEventsPerJob) {
            trim(c, h.jobId, h.eventCount - maxEventsPerJob);
        }
    }

    /** A finished job keeps its lifecycle events, its last tick and its last tick with a preview. */
    private static void compactFinished(Connection c, String jobId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                WITH gone AS (
                    DELETE FROM job_events WHERE job_id = ? AND type = 'PROGRESS'
                      AND seq < (SELECT max(seq) FROM job_events WHERE job_id = ? AND type = 'PROGRESS')
                      AND seq IS DISTINCT FROM
                          (SELECT max(seq) FROM job_events WHERE job_id = ? AND type = 'PROGRESS' AND preview)
                    RETURNING seq)
                UPDATE jobs SET event_count = event_count - (SELECT count(*) FROM gone)
                WHERE job_id = ? AND EXISTS (SELECT 1 FROM gone)""")) {
            s.setString(1, jobId);
            s.setString(2, jobId);
            s.setString(3, jobId);
            s.setString(4, jobId);
            s.executeUpdate();
        }
    }

    /** Drops the {@code excess} oldest PROGRESS ticks of a running job over the cap; lifecycle events stay. */
    private static void trim(Connection c, String jobId, int excess) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                WITH gone AS (
                    DELETE FROM job_events WHERE job_id = ? AND seq IN (
                        SELECT seq FROM job_events WHERE job_id = ? AND type = 'PROGRESS' ORDER BY seq LIMIT ?)
                    RETURNING seq)
                UPDATE jobs SET event_count = event_count - (SELECT count(*) FROM gone),
                    trimmed_through = GREATEST(trimmed_through, (SELECT max(seq) FROM gone))
                WHERE job_id = ? AND EXISTS (SELECT 1 FROM gone)""")) {
            s.setString(1, jobId);
            s.setString(2, jobId);
            s.setInt(3, excess);
            s.setString(4, jobId);
            s.executeUpdate();
        }
    }

    static void ensureRow(Connection c, String jobId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO jobs (job_id) VALUES (?) ON CONFLICT (job_id) DO NOTHING")) {
            s.setString(1, jobId);
            s.executeUpdate();
        }
    }

    private static void setTimestamp(PreparedStatement s, int i, java.time.Instant v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            s.setTimestamp(i, Timestamp.from(v));
        }
    }
}
