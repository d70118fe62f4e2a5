package dev.ist.gateway.bench;

import dev.ist.common.codec.JsonCodec;
import dev.ist.common.event.JobEvent;
import dev.ist.common.job.JobRequest;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import javax.sql.DataSource;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Fills a migrated job store with COPY: {@code finished} finished jobs (one in ten of the owner {@link #OWNER}, at
 * most 100 000, the rest spread over other owners), each with the rows the projector leaves for a finished job
 * (QUEUED, RUNNING, the last tick, the terminal event), plus {@link #RUNNING} running and {@link #QUEUED} queued jobs
 * of {@link #OWNER}. Then VACUUM ANALYZE, as autovacuum would have done on a store that grew over months.
 */
final class BulkJobs {

    static final String OWNER = "bench";
    static final int RUNNING = 100;
    static final int QUEUED = 1000;
    private static final String PLACEHOLDER = "00000000-0000-0000-0000-000000000000";
    private static final int CHUNK = 20_000;
    private static final JsonCodec CODEC = JsonCodec.shared();

    // inside the retention (7 days): the gateway's sweep must not delete them; 20 ms apart (1 M jobs: 5.6 h)
    private final Instant t0 = Instant.now().minus(java.time.Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private final StringBuilder jobs = new StringBuilder();
    private final StringBuilder events = new StringBuilder();
    private final Map<String, String> templates;
    private int ownerJobs;

    private BulkJobs() {
        Instant at = t0;
        templates = Map.of(
                "QUEUED", CODEC.encodeToString(JobEvent.queued(PLACEHOLDER, at)),
                "RUNNING", CODEC.encodeToString(JobEvent.running(PLACEHOLDER, 1, at, "w-1", Map.of("queueWait", 10L))),
                "PROGRESS", CODEC.encodeToString(JobEvent.progress(PLACEHOLDER, RealisticJobs.TICKS + 1, at, "w-1",
                        RealisticJobs.tick(PLACEHOLDER, RealisticJobs.TICKS))),
                "SUCCEEDED", CODEC.encodeToString(RealisticJobs.end(PLACEHOLDER, 0, at)),
                "FAILED", CODEC.encodeToString(RealisticJobs.end(PLACEHOLDER, 9, at)),
                "progress", CODEC.encodeToString(RealisticJobs.tick(PLACEHOLDER, RealisticJobs.TICKS)),
                "failure", CODEC.encodeToString(RealisticJobs.end(PLACEHOLDER, 9, at).failure()));
    }

    /** Loads the rows; how many jobs {@link #OWNER} holds. */
    static int load(DataSource ds, int finished) throws Exception {
        BulkJobs b = new BulkJobs();
        long start = System.nanoTime();
        int ownerEvery = Math.max(10, (int) Math.ceil(finished / 100_000.0));
        try (Connection c = ds.getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            int total = finished + RUNNING + QUEUED;
            for (int i = 0; i < total; i++) {
                b.job(i, finished, ownerEvery);
                if ((i + 1) % CHUNK == 0 || i == total - 1) {
                    b.flush(copy);
                }
                if ((i + 1) % 200_000 == 0) {
                    System.out.printf(Locale.ROOT, "  loaded %,d jobs (%.0f s)%n", i + 1, (System.nanoTime() - start) / 1e9);
                }
            }
            double loaded = (System.nanoTime() - start) / 1e9;
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE jobs");
                s.execute("VACUUM ANALYZE job_events");
            }
            System.out.printf(Locale.ROOT, "bulk load: %,d jobs (%,d of owner %s) by COPY in %.0f s, VACUUM ANALYZE %.0f s%n",
                    total, b.ownerJobs, OWNER, loaded, (System.nanoTime() - start) / 1e9 - loaded);
        }
        return b.ownerJobs;
    }

    private void job(int i, int finished, int ownerEvery) {
        String id = new UUID(0x1570000000004000L | (i & 0xfff), 0x8000000000000000L | i).toString();
        boolean done = i < finished;
        boolean running = !done && i < finished + RUNNING;
        String owner = !done || i % ownerEvery == 0 ? OWNER : "owner-" + (i % 9973);
        if (owner.equals(OWNER)) {
            ownerJobs++;
        }
        // finished jobs are the oldest; the running and queued ones came last
        Instant submitted = t0.plusMillis(i * 20L);
        JobRequest r = RealisticJobs.request(id, owner, submitted);
        boolean failed = done && (i / 10) % 10 == 9; // one in ten, the owner's jobs (every tenth) included
        String state = done ? (failed ? "FAILED" : "SUCCEEDED") : running ? "RUNNING" : "QUEUED";
        long lastSeq = done ? RealisticJobs.TICKS + 2 : running ? RealisticJobs.TICKS + 1 : 0;
        String progress = done || running ? fill("progress", id) : null;
        int eventCount = done ? 4 : running ? 3 : 1;
        row(jobs, id, owner, CODEC.encodeToString(r), "t", r.workerPool(), r.lane().name(), ts(submitted), "60",
                state, Long.toString(lastSeq), done ? Long.toString(lastSeq) : null,
                ts(submitted.plusSeconds(done ? 70 : 5)), done || running ? "w-1" : "gateway", progress,
                done && !failed ? "jobs/" + id + "/previews/" + RealisticJobs.TICKS + ".jpg" : null,
                done && !failed ? "jobs/" + id + "/result.png" : null, failed ? fill("failure", id) : null,
                done ? (failed ? "{\"total\":61000}" : "{\"total\":60000,\"upload\":40}") : null,
                done && !failed ? "60000" : null, Integer.toString(eventCount));
        event(id, 0, "QUEUED");
        if (done || running) {
            event(id, 1, "RUNNING");
            event(id, RealisticJobs.TICKS + 1, "PROGRESS");
        }
        if (done) {
            event(id, RealisticJobs.TICKS + 2, failed ? "FAILED" : "SUCCEEDED");
        }
    }

    private void event(String id, long seq, String type) {
        row(events, id, Long.toString(seq), type, fill(type, id), type.equals("PROGRESS") ? "t" : "f");
    }

    private String fill(String template, String id) {
        return templates.get(template).replace(PLACEHOLDER, id);
    }

    private static String ts(Instant t) {
        return t.toString();
    }

    /** One line of COPY's text format: tab-separated, \N for null, backslashes escaped. */
    private static void row(StringBuilder out, String... values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            out.append(values[i] == null ? "\\N" : values[i].replace("\\", "\\\\"));
        }
        out.append('\n');
    }

    private void flush(CopyManager copy) throws Exception {
        copy.copyIn("COPY jobs (job_id, owner, request, projected, pool, lane, submitted_at, quoted_seconds, state, "
                + "last_seq, terminal_seq, updated_at, worker_id, progress, preview_key, result_key, failure, timings, "
                + "total_ms, event_count) FROM STDIN", new StringReader(jobs.toString()));
        copy.copyIn("COPY job_events (job_id, seq, type, body, preview) FROM STDIN", new StringReader(events.toString()));
        jobs.setLength(0);
        events.setLength(0);
    }
}
