package dev.ist.worker.cli;

import dev.ist.worker.engine.IterationReport;

/** The {@code --log-json} line of one iteration. */
final class JsonLines {
    private JsonLines() {
    }

    static String iteration(IterationReport r) {
        return "{\"iteration\":" + r.iteration()
                + ",\"content\":" + number(r.contentLoss())
                + ",\"style\":" + number(r.styleLoss())
                + ",\"tv\":" + number(r.tvLoss())
                + ",\"total\":" + number(r.totalLoss())
                + ",\"elapsed_ms\":" + r.elapsedMs() + "}";
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
