package dev.ist.worker.engine.optim;

/**
 * The objective at one point: its value, its gradient (owned by this record, never mutated), and an
 * opaque payload the caller attaches (the engine keeps the separate loss terms there).
 */
public record Evaluation(double loss, float[] gradient, Object detail) {

    /** Whether the loss and every gradient element are finite (no NaN, no ±Inf). */
    public boolean isFinite() {
        return Double.isFinite(loss) && Vectors.allFinite(gradient);
    }

    /** What is not finite, in words: "loss NaN", "12 of 12288 gradient values non-finite", or both. */
    public String nonFiniteParts() {
        StringBuilder out = new StringBuilder();
        if (!Double.isFinite(loss)) {
            out.append("loss ").append(loss);
        }
        long bad = Vectors.nonFiniteCount(gradient);
        if (bad > 0) {
            out.append(out.length() > 0 ? ", " : "").append(bad).append(" of ").append(gradient.length)
                    .append(" gradient values non-finite");
        }
        return out.length() == 0 ? "all finite" : out.toString();
    }
}
