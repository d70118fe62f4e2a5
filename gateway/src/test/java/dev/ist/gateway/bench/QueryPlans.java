package dev.ist.gateway.bench;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.Locale;

/**
 * What the read-side changes bought, per query: EXPLAIN ANALYZE execution times of a deep page before (the cursor as
 * an OR filter only, a full count) and after (the cursor bounding the index range, a count bounded at 10 001).
 */
final class QueryPlans {

    private static final String PAGE = "SELECT request, state FROM jobs WHERE owner = ? AND request IS NOT NULL AND ";
    private static final String ORDER = " ORDER BY submitted_at DESC, job_id LIMIT 21";

    private QueryPlans() {
    }

    static void print(DataSource ds, Timestamp at, String jobId) throws Exception {
        try (Connection c = ds.getConnection()) {
            String before = PAGE + "(submitted_at < ? OR (submitted_at = ? AND job_id > ?))" + ORDER;
            String after = PAGE + "submitted_at <= ? AND (submitted_at < ? OR job_id > ?)" + ORDER;
            System.out.printf(Locale.ROOT, "EXPLAIN ANALYZE, deep page: cursor as OR filter %.1f ms, cursor bounding "
                    + "the index range %.1f ms%n", page(c, before, at, jobId), page(c, after, at, jobId));
            System.out.printf(Locale.ROOT, "EXPLAIN ANALYZE, count: full %.1f ms, bounded at 10 001 %.1f ms%n",
                    count(c, "SELECT count(*) FROM jobs WHERE owner = ? AND request IS NOT NULL"),
                    count(c, "SELECT count(*) FROM (SELECT 1 FROM jobs WHERE owner = ? AND request IS NOT NULL "
                            + "LIMIT 10001) AS counted"));
        }
    }

    private static double page(Connection c, String sql, Timestamp at, String jobId) throws Exception {
        try (PreparedStatement s = c.prepareStatement("EXPLAIN (ANALYZE) " + sql)) {
            s.setString(1, BulkJobs.OWNER);
            s.setTimestamp(2, at);
            s.setTimestamp(3, at);
            s.setString(4, jobId);
            return executionMs(s);
        }
    }

    private static double count(Connection c, String sql) throws Exception {
        try (PreparedStatement s = c.prepareStatement("EXPLAIN (ANALYZE) " + sql)) {
            s.setString(1, BulkJobs.OWNER);
            return executionMs(s);
        }
    }

    /** The best of three runs (the plan's own execution time, without the network). */
    private static double executionMs(PreparedStatement s) throws Exception {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (line.startsWith("Execution Time:")) {
                        best = Math.min(best, Double.parseDouble(line.replaceAll("[^0-9.]", "")));
                    }
                }
            }
        }
        return best;
    }
}
