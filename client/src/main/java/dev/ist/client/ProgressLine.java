package dev.ist.client;

import java.util.Locale;

/**
 * The one-line picture of a job: queue position and ETA while queued, then a bar with iteration/total, the
 * losses and the ETA. Pure text, so the terminal display and the tests share it.
 */
public final class ProgressLine {

    private static final int BAR = 24;

    private ProgressLine() {
    }

    public static String render(JobProgress p) {
        String id = shortId(p.jobId());
        return switch (p.status()) {
            case "QUEUED" -> "job " + id + "  queued" + (p.position() > 0 ? "  position " + p.position() : "")
                    + "  ETA " + (p.etaSeconds() == null ? "unknown" : duration(p.etaSeconds()));
            case "RUNNING" -> p.total() <= 0
                    ? "job " + id + "  running" + (p.workerId() == null ? "" : " on " + p.workerId())
                    : running(id, p);
            case "SUCCEEDED" -> "job " + id + "  succeeded" + (p.total() > 0 ? " after " + p.iteration() + "/"
                    + p.total() + " iterations" + loss(p) : "");
            default -> "job " + id + "  " + p.status().toLowerCase(Locale.ROOT)
                    + (p.failure() == null ? "" : ": " + p.failure());
        };
    }

    private static String running(String id, JobProgress p) {
        int done = Math.min(p.iteration(), p.total());
        int filled = (int) ((long) BAR * done / p.total());
        StringBuilder s = new StringBuilder("job ").append(id).append("  [")
                .append("#".repeat(filled)).append("-".repeat(BAR - filled)).append("] ")
                .append(done).append('/').append(p.total())
                .append(String.format(Locale.ROOT, " %3d%%", 100L * done / p.total()));
        if (p.scales() > 1) {
            s.append("  scale ").append(p.scale() + 1).append('/').append(p.scales());
        }
        s.append(loss(p));
        Long eta = p.runningEtaSeconds();
        s.append("  ETA ").append(eta == null ? "unknown" : duration(eta));
        return s.toString();
    }

    private static String loss(JobProgress p) {
        if (Double.isNaN(p.lossTotal())) {
            return "";
        }
        return String.format(Locale.ROOT, "  loss %s (content %s, style %s, tv %s)", num(p.lossTotal()),
                num(p.lossContent()), num(p.lossStyle()), num(p.lossTv()));
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "?";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        return a >= 1e4 || a < 1e-2 ? String.format(Locale.ROOT, "%.3g", v).replace("e+0", "e").replace("e+", "e")
                .replace("e-0", "e-") : String.format(Locale.ROOT, "%.4g", v);
    }

    /** 65 → "1m05s", 3700 → "1h01m", 9 → "9s". */
    public static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
    }

    static String shortId(String id) {
        return id == null ? "?" : id.length() > 8 ? id.substring(0, 8) : id;
    }
}
