package dev.ist.gateway.bench;

import dev.ist.gateway.support.RunTopics;
import dev.ist.testkit.KafkaBroker;
import dev.ist.common.Topics;
import dev.ist.gateway.support.FreshProjection;
import dev.ist.testkit.PostgresServer;
import dev.ist.testkit.S3Server;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static dev.ist.gateway.bench.JobStoreBench.row;

/**
 * The read side with a large store: the packaged gateway (-Xmx256m) on a database bulk-loaded with {@code jobs}
 * finished jobs; its ready time after kill -9, its live heap, and the latencies of the calls clients make most.
 */
final class ReadSide {

    private static final int CALLS = 1000;

    private ReadSide() {
    }

    static List<String[]> run(int jobs) throws Exception {
        PostgresServer pg = PostgresServer.shared();
        String url = pg.jdbcUrl(pg.newDatabase("bench_reads"));
        DataSource ds = FreshProjection.migrated(url);
        int ownerJobs = BulkJobs.load(ds, jobs);
        Topics topics = RunTopics.create(KafkaBroker.shared(), "bench-reads-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        String bucket = "bench-" + Long.toHexString(System.nanoTime());
        S3Server.shared().createBucket(bucket);

        List<String[]> rows = new ArrayList<>();
        BenchGateway first = BenchGateway.start(url, topics, bucket);
        System.out.printf(Locale.ROOT, "gateway ready after %.1f s (first start)%n", first.readySeconds);
        first.kill();
        try (BenchGateway g = BenchGateway.start(url, topics, bucket)) {
            rows.add(row("gateway ready after kill -9 (" + String.format(Locale.ROOT, "%,d", jobs)
                    + " finished jobs)", "≤ 10 s", String.format(Locale.ROOT, "%.1f s", g.readySeconds)));
            Samples samples = Samples.of(ds, Math.min(20_000, ownerJobs / 5));
            HttpClient http = HttpClient.newHttpClient();
            List<URI> lists = new ArrayList<>();
            for (String cursor : samples.cursors) {
                lists.add(g.base.resolve("/v1/jobs?size=20&cursor=" + cursor));
            }
            QueryPlans.print(ds, samples.deepAt, samples.deepId);
            timeCalls(http, lists, 100); // warm-up: JIT, connection pool, the database's cache
            double[] list = timeCalls(http, lists, CALLS);
            double[] get = timeCalls(http, uris(g.base, samples.finished), CALLS);
            double[] getFailed = timeCalls(http, uris(g.base, samples.failed), CALLS);
            double[] queue = timeCalls(http, uris(g.base, samples.queued), CALLS);
            double[] sse = SseLatency.measure(http, g.base, topics, samples.running, 200);
            rows.add(row("list, deep page by cursor (owner with " + String.format(Locale.ROOT, "%,d", ownerJobs)
                    + " jobs, pages " + Math.min(1000, ownerJobs / 100) + "–" + ownerJobs / 20 + ")",
                    "p99 ≤ 50 ms", String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", pct(list, 50), pct(list, 99))));
            rows.add(row("GET /v1/jobs/{id} (finished, 90 % SUCCEEDED)", "p99 ≤ 20 ms",
                    String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", pct(get, 50), pct(get, 99))));
            rows.add(row("  of which: GET of a FAILED job (no result: no S3 look-up for removed images)", "",
                    String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", pct(getFailed, 50), pct(getFailed, 99))));
            rows.add(row("GET of a queued job (queue position + ETA, " + BulkJobs.QUEUED + " queued)", "p99 ≤ 20 ms",
                    String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", pct(queue, 50), pct(queue, 99))));
            rows.add(row("SSE event-to-client (publish → client reads it)", "p99 ≤ 300 ms",
                    String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", pct(sse, 50), pct(sse, 99))));
            long heap = g.liveHeapBytes();
            rows.add(row("live heap after a full GC (-Xmx256m)", "≤ 128 MiB",
                    String.format(Locale.ROOT, "%.1f MiB (RSS %.0f MiB)", heap / 1048576.0, g.rssBytes() / 1048576.0)));
        }
        return rows;
    }

    private static List<URI> uris(URI base, List<String> ids) {
        return ids.stream().map(id -> base.resolve("/v1/jobs/" + id)).toList();
    }

    /** Milliseconds of {@code n} sequential calls over {@code uris} (in turn); any answer but 200 stops the bench. */
    private static double[] timeCalls(HttpClient http, List<URI> uris, int n) throws Exception {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            HttpRequest req = HttpRequest.newBuilder(uris.get(i % uris.size()))
                    .header("X-Api-Key", BenchGateway.KEY).build();
            long t = System.nanoTime();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(req.uri() + " answered " + r.statusCode() + ": " + r.body());
            }
        }
        return ms;
    }

    static double pct(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    /** Jobs and cursors to ask for, taken from the database. */
    private record Samples(List<String> cursors, java.sql.Timestamp deepAt, String deepId, List<String> finished, List<String> failed, List<String> queued,
                           String running) {

        static Samples of(DataSource ds, int skip) throws Exception {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                // a cursor every 200 jobs, past the first 1 000 pages (20 000 jobs) of the owner when it has them
                List<String> cursors = new ArrayList<>();
                java.sql.Timestamp deepAt = null;
                String deepId = null;
                try (ResultSet rs = s.executeQuery("SELECT submitted_at, job_id FROM (SELECT submitted_at, job_id, "
                        + "row_number() OVER (ORDER BY submitted_at DESC, job_id) AS n FROM jobs WHERE owner = '"
                        + BulkJobs.OWNER + "' AND request IS NOT NULL) t WHERE n > " + skip + " AND n % 200 = 0")) {
                    while (rs.next()) {
                        deepAt = rs.getTimestamp(1); // the deepest one, for the query plans
                        deepId = rs.getString(2);
                        cursors.add(new dev.ist.gateway.store.ListCursor(rs.getTimestamp(1).toInstant(),
                                rs.getString(2)).encode());
                    }
                }
                if (cursors.isEmpty()) {
                    throw new IllegalStateException("too few jobs for deep pages: use --jobs 10000 or more");
                }
                return new Samples(cursors, deepAt, deepId, ids(s, "state IN ('SUCCEEDED', 'FAILED')"), ids(s, "state = 'FAILED'"),
                        ids(s, "state = 'QUEUED'"),
                        ids(s, "state = 'RUNNING'").get(0));
            }
        }

        private static List<String> ids(Statement s, String where) throws Exception {
            List<String> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT job_id FROM jobs WHERE owner = '" + BulkJobs.OWNER + "' AND "
                    + where + " ORDER BY md5(job_id) LIMIT 1000")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
