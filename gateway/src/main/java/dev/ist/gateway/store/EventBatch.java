package dev.ist.gateway.store;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.EventType;
import dev.ist.common.event.JobEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The events of one poll applied per job, not per record: every job row of the batch is created and locked with one
 * statement each, its events are folded into its summary in memory (arrival order, the per-record rules of
 * {@link JobProjection}), the new events go in with one multi-row INSERT, and each job's row is written and its ticks
 * compacted or trimmed once. The rows left are those the per-record path leaves for the same records.
 *
 * <p>Coalescing: a job that finishes in this batch would have its older ticks compacted away at once, so they are not
 * inserted at all (only its newest tick and newest tick with a preview are). A job that would have been trimmed
 * before finishing (over the per-job cap within the batch) takes the per-record path instead, to stay exact.
 */
final class EventBatch {

    private static final JsonCodec CODEC = JsonCodec.shared();

    private final JobProjection projection;
    private final int maxEventsPerJob;
    private final Map<String, List<JobEvent>> byJob = new TreeMap<>(); // id order: the lock order
    private int size;

    EventBatch(JobProjection projection) {
        this.projection = projection;
        this.maxEventsPerJob = projection.maxEventsPerJob();
    }

    void add(JobEvent e) {
        byJob.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e);
        size++;
    }

    void flush(Connection c) throws SQLException {
        if (byJob.isEmpty()) {
            return;
        }
        ensureRows(c);
        Map<String, JobSummary> held = JobSummary.lockAll(c, byJob.keySet());
        Set<String> stored = storedKeys(c, held);
        Rows rows = new Rows(size);
        List<JobSummary> changed = new ArrayList<>();
        for (Map.Entry<String, List<JobEvent>> job : byJob.entrySet()) {
            JobSummary h = held.get(job.getKey());
            int before = h.eventCount;
            List<JobEvent> fresh = fold(h, job.getValue(), stored);
            if (fresh.isEmpty()) {
                continue;
            }
            if (h.terminalSeq != null && wouldTrimBeforeFinishing(before, fresh)) {
                for (JobEvent e : job.getValue()) {
                    projection.applyEvent(c, e); // rare: keep the per-record result exactly
                }
                continue;
            }
            if (h.terminalSeq != null) {
                h.eventCount -= coalesce(fresh);
            }
            fresh.forEach(rows::add);
            changed.add(h);
        }
        rows.insert(c);
        try (PreparedStatement s = c.prepareStatement(JobSummary.UPDATE)) {
            for (JobSummary h : changed) {
                h.bind(s);
                s.addBatch();
            }
            s.executeBatch();
        }
        for (JobSummary h : changed) {
            projection.tidy(c, h);
        }
        byJob.clear();
        size = 0;
    }

    /** The job's new events in arrival order, folded into {@code h}: duplicates and dropped ticks left out. */
    private static List<JobEvent> fold(JobSummary h, List<JobEvent> events, Set<String> stored) {
        List<JobEvent> fresh = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (JobEvent e : events) {
            if (h.dropsTick(e) || stored.contains(key(e.jobId(), e.seq())) || !seen.add(e.seq())) {
                continue;
            }
            h.eventCount++;
            h.fold(e);
            fresh.add(e);
        }
        return fresh;
    }

    /** Whether the per-record path would have trimmed ticks over the cap before the terminal event arrived. */
    private boolean wouldTrimBeforeFinishing(int countBefore, List<JobEvent> fresh) {
        int count = countBefore;
        for (JobEvent e : fresh) {
            if (e.isTerminal()) {
                return false;
            }
            if (++count > maxEventsPerJob) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drops the fresh ticks the compaction of a finished job would delete anyway: all but the newest tick and the
     * newest tick with a preview. How many were dropped.
     */
    private static int coalesce(List<JobEvent> fresh) {
        long newest = -1;
        long newestPreview = -1;
        for (JobEvent e : fresh) {
            if (e.type() == EventType.PROGRESS) {
                newest = Math.max(newest, e.seq());
                if (e.progress() != null && e.progress().previewKey() != null) {
                    newestPreview = Math.max(newestPreview, e.seq());
                }
            }
        }
        long keep = newest;
        long keepPreview = newestPreview;
        int before = fresh.size();
        fresh.removeIf(e -> e.type() == EventType.PROGRESS && e.seq() != keep && e.seq() != keepPreview);
        return before - fresh.size();
    }

    private void ensureRows(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO jobs (job_id) SELECT unnest(?::text[]) ON CONFLICT (job_id) DO NOTHING")) {
            s.setArray(1, c.createArrayOf("text", byJob.keySet().toArray()));
            s.executeUpdate();
        }
    }

    /**
     * Which (job, seq) of this batch are stored already (a redelivery after a crash, a replay). Only events at or
     * below the job's last_seq can be: every stored event was folded into it, so newer ones need no look-up.
     */
    private Set<String> storedKeys(Connection c, Map<String, JobSummary> held) throws SQLException {
        List<String> ids = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        byJob.forEach((id, events) -> events.forEach(e -> {
            if (e.seq() <= held.get(id).lastSeq) {
                ids.add(id);
                seqs.add(e.seq());
            }
        }));
        Set<String> out = new HashSet<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT e.job_id, e.seq FROM job_events e
                JOIN unnest(?::text[], ?::bigint[]) AS k(job_id, seq) ON e.job_id = k.job_id AND e.seq = k.seq""")) {
            s.setArray(1, c.createArrayOf("text", ids.toArray()));
            s.setArray(2, c.createArrayOf("bigint", seqs.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(key(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return out;
    }

    private static String key(String jobId, long seq) {
        return jobId + '\u0000' + seq;
    }

    /** The new events as column arrays: one INSERT … SELECT FROM unnest(…) for the whole batch. */
    private static final class Rows {
        final List<Object> ids;
        final List<Object> seqs;
        final List<Object> types;
        final List<Object> bodies;
        final List<Object> previews;

        Rows(int capacity) {
            ids = new ArrayList<>(capacity);
            seqs = new ArrayList<>(capacity);
            types = new ArrayList<>(capacity);
            bodies = new ArrayList<>(capacity);
            previews = new ArrayList<>(capacity);
        }

        void add(JobEvent e) {
            ids.add(e.jobId());
            seqs.add(e.seq());
            types.add(e.type().name());
            bodies.add(CODEC.encodeToString(e));
            previews.add(e.progress() != null && e.progress().previewKey() != null);
        }

        void insert(Connection c) throws SQLException {
            if (ids.isEmpty()) {
                return;
            }
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO job_events (job_id, seq, type, body, preview)
                    SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::boolean[])
                    ON CONFLICT (job_id, seq) DO NOTHING""")) {
                s.setArray(1, c.createArrayOf("text", ids.toArray()));
                s.setArray(2, c.createArrayOf("bigint", seqs.toArray()));
                s.setArray(3, c.createArrayOf("text", types.toArray()));
                s.setArray(4, c.createArrayOf("text", bodies.toArray()));
                s.setArray(5, c.createArrayOf("boolean", previews.toArray()));
                s.executeUpdate();
            }
        }
    }
}
