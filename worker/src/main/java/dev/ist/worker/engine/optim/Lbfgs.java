package dev.ist.worker.engine.optim;

/**
 * L-BFGS with the semantics of {@code torch.optim.LBFGS}: the same two-loop recursion and curvature
 * test ({@code y·s > 1e-10}), the same first step {@code min(1, 1/|g|₁)·lr}, the same gradient and
 * change tolerances, and optionally the same strong-Wolfe line search (cubic interpolation, c1 = 1e-4,
 * c2 = 0.9, at most 25 evaluations). Driven one iteration at a time so the caller can report and
 * cancel between iterations: {@link #start} evaluates the initial point, each {@link #iterate} moves
 * {@code x} in place and returns the evaluation at the new point (the next iteration's start).
 * Running {@code start} + N × {@code iterate} visits the same points as one torch
 * {@code step(closure)} with {@code max_iter = N}.
 *
 * <p>A NaN or infinite loss or gradient is never stepped on. At the starting point it is an error
 * ({@link NonFiniteEvaluationException}). After a plain step, the step is taken back and retried as a
 * steepest-descent step of the first iteration's length with the curvature history cleared (history built on a
 * point that blew up is not trusted), then halved, at most {@link NonFiniteEvaluationException#MAX_RECOVERIES} times.
 * In the strong-Wolfe line search a non-finite probe moves the trial step halfway back to the last finite one, as
 * line searches do when a trial leaves the function's domain. Each retry is counted in {@link #recoveries()}.
 */
public final class Lbfgs implements Minimizer {
    public record Options(double learningRate, int historySize, double toleranceGrad, double toleranceChange,
                          boolean strongWolfe, int maxLineSearch) {
        public static Options torchDefaults() {
            return new Options(1.0, 100, 1e-7, 1e-9, false, 25);
        }
    }

    private final Options options;
    /** Curvature pairs off the Java heap (see {@link LbfgsHistory}). */
    private final LbfgsHistory history;
    private float[] d;
    private double t;
    private double hDiag = 1;
    private float[] prevFlatGrad;
    private double prevLoss;
    private int nIter;
    private Evaluation current;
    private String stopReason;
    private int recoveries;

    public Lbfgs(Options options) {
        this.options = options;
        this.history = new LbfgsHistory(options.historySize());
    }

    /**
     * The largest history (at most {@code wanted}, at least 1) whose pairs fit in {@code budgetBytes} for an image of
     * {@code floats} values: how a worker with little memory still runs L-BFGS, with a shorter memory.
     */
    public static int historyThatFits(int wanted, long floats, long budgetBytes) {
        long perPair = LbfgsHistory.bytesWhenFull(1, floats);
        long fits = perPair <= 0 ? wanted : budgetBytes / perPair;
        return (int) Math.max(1, Math.min(wanted, fits));
    }

    /** Evaluates the starting point. */
    @Override
    public Evaluation start(float[] x, Objective f) {
        current = f.evaluate(x);
        if (!current.isFinite()) {
            throw NonFiniteEvaluationException.atStart(current);
        }
        if (Vectors.absMax(current.gradient()) <= options.toleranceGrad()) {
            stopReason = "gradient below tolerance";
        }
        return current;
    }

    /** Whether the optimiser has stopped (see {@link #stopReason()}); further iterations do nothing. */
    @Override
    public boolean converged() {
        return stopReason != null;
    }

    public String stopReason() {
        return stopReason;
    }

    /** Non-finite evaluations stepped around so far (each a shorter retry). */
    @Override
    public int recoveries() {
        return recoveries;
    }

    /** One L-BFGS iteration (its own state holds the current evaluation). */
    @Override
    public Evaluation iterate(float[] x, Evaluation current, Objective f) {
        return iterate(x, f);
    }

    /** One L-BFGS iteration; returns the evaluation at the updated {@code x}. */
    public Evaluation iterate(float[] x, Objective f) {
        if (current == null) {
            throw new IllegalStateException("call start() first");
        }
        if (stopReason != null) {
            return current;
        }
        float[] g = current.gradient();
        double loss = current.loss();
        nIter++;
        if (nIter == 1) {
            d = negate(g);
            history.clear();
            hDiag = 1;
        } else {
            // y = g − g_prev and s = t·d are built in the arrays they replace, which are dead once the history holds
            // its copies; at 33 MP each fresh one was ~400 MB of old-generation garbage an iteration
            float[] y = prevFlatGrad;
            for (int i = 0; i < y.length; i++) {
                y[i] = g[i] - y[i];
            }
            float[] s = d;
            scale(s, (float) t);
            double ys = Vectors.dot(y, s);
            if (ys > 1e-10) {
                history.add(y, s, 1.0 / ys);
                hDiag = ys / Vectors.dot(y, y);
            }
            d = twoLoop(g, s);
        }
        prevFlatGrad = g;
        prevLoss = loss;
        t = nIter == 1 ? Math.min(1.0, 1.0 / Vectors.absSum(g)) * options.learningRate() : options.learningRate();
        double gtd = Vectors.dot(g, d);
        if (gtd > -options.toleranceChange()) {
            stopReason = "directional derivative below tolerance";
            return current;
        }
        Evaluation next;
        if (options.strongWolfe()) {
            next = strongWolfe(f, x, loss, g, gtd);
            Vectors.axpy((float) t, d, x);
        } else {
            Vectors.axpy((float) t, d, x);
            next = f.evaluate(x);
            next = recoverPlainStep(f, x, g, next);
        }
        current = next;
        if (Vectors.absMax(next.gradient()) <= options.toleranceGrad()) {
            stopReason = "gradient below tolerance";
        } else if (Vectors.absMax(d) * Math.abs(t) <= options.toleranceChange()) {
            stopReason = "step below tolerance";
        } else if (Math.abs(next.loss() - prevLoss) < options.toleranceChange()) {
            stopReason = "loss change below tolerance";
        }
        return next;
    }

    /**
     * While the evaluation after a plain step is not finite: take the step back, clear the history, and step along
     * −g with the first iteration's length, then with half of it each time. Returns the first finite evaluation.
     */
    private Evaluation recoverPlainStep(Objective f, float[] x, float[] g, Evaluation next) {
        int retries = 0;
        while (!next.isFinite()) {
            if (retries++ == NonFiniteEvaluationException.MAX_RECOVERIES) {
                throw NonFiniteEvaluationException.afterRetries(next);
            }
            recoveries++;
            if (retries == 1) {
                Vectors.axpy((float) -t, d, x);
                history.clear();
                hDiag = 1;
                d = negate(g);
                t = Math.min(1.0, 1.0 / Vectors.absSum(g)) * options.learningRate();
                Vectors.axpy((float) t, d, x);
            } else {
                Vectors.axpy((float) (-t / 2), d, x);
                t /= 2;
            }
            next = f.evaluate(x);
        }
        return next;
    }

    /** The new direction −H·g, written into {@code into} (a dead vector of g's length). */
    private float[] twoLoop(float[] g, float[] into) {
        int m = history.size();
        double[] al = new double[m];
        float[] q = into;
        for (int i = 0; i < g.length; i++) {
            q[i] = -g[i];
        }
        for (int i = m - 1; i >= 0; i--) {
            al[i] = LbfgsHistory.dot(history.stp(i), q) * history.rho(i);
            LbfgsHistory.axpy((float) -al[i], history.dir(i), q);
        }
        scale(q, (float) hDiag);
        for (int i = 0; i < m; i++) {
            double be = LbfgsHistory.dot(history.dir(i), q) * history.rho(i);
            LbfgsHistory.axpy((float) (al[i] - be), history.stp(i), q);
        }
        return q;
    }

    /** f at x + step·d, leaving x unchanged. */
    private Evaluation directional(Objective f, float[] x, double step) {
        float[] probe = x.clone();
        Vectors.axpy((float) step, d, probe);
        return f.evaluate(probe);
    }

    /**
     * f at x + t·d, where a non-finite value moves {@link #t} halfway back towards {@code finiteStep} (a step whose
     * evaluation was finite) and tries again.
     */
    private Evaluation finiteProbe(Objective f, float[] x, double finiteStep) {
        Evaluation e = directional(f, x, t);
        int retries = 0;
        while (!e.isFinite()) {
            if (retries++ == NonFiniteEvaluationException.MAX_RECOVERIES) {
                throw new NonFiniteEvaluationException("the line search found no finite point ("
                        + e.nonFiniteParts() + ") after " + NonFiniteEvaluationException.MAX_RECOVERIES
                        + " shorter steps");
            }
            recoveries++;
            t = finiteStep + (t - finiteStep) / 2;
            e = directional(f, x, t);
        }
        return e;
    }

    /** torch's _strong_wolfe; sets {@link #t} to the accepted step and returns the evaluation there. */
    private Evaluation strongWolfe(Objective f, float[] x, double f0, float[] g0, double gtd0) {
        final double c1 = 1e-4;
        final double c2 = 0.9;
        final double tolChange = 1e-9;
        final int maxLs = options.maxLineSearch();
        double dNorm = Vectors.absMax(d);
        Evaluation fresh = finiteProbe(f, x, 0);
        double gtdNew = Vectors.dot(fresh.gradient(), d);
        double tPrev = 0;
        Evaluation prev = new Evaluation(f0, g0, current.detail());
        double gtdPrev = gtd0;
        boolean done = false;
        int lsIter = 0;
        double[] bracket;
        Evaluation[] bracketE;
        double[] bracketGtd;
        while (true) {
            if (lsIter >= maxLs) {
                bracket = new double[] {0, t};
                bracketE = new Evaluation[] {new Evaluation(f0, g0, current.detail()), fresh};
                bracketGtd = new double[] {gtd0, gtdNew};
                break;
            }
            if (fresh.loss() > f0 + c1 * t * gtd0 || (lsIter > 1 && fresh.loss() >= prev.loss())) {
                bracket = new double[] {tPrev, t};
                bracketE = new Evaluation[] {prev, fresh};
                bracketGtd = new double[] {gtdPrev, gtdNew};
                break;
            }
            if (Math.abs(gtdNew) <= -c2 * gtd0) {
                bracket = new double[] {t};
                bracketE = new Evaluation[] {fresh};
                bracketGtd = new double[] {gtdNew};
                done = true;
                break;
            }
            if (gtdNew >= 0) {
                bracket = new double[] {tPrev, t};
                bracketE = new Evaluation[] {prev, fresh};
                bracketGtd = new double[] {gtdPrev, gtdNew};
                break;
            }
            double minStep = t + 0.01 * (t - tPrev);
            double maxStep = t * 10;
            double tmp = t;
            t = cubicInterpolate(tPrev, prev.loss(), gtdPrev, t, fresh.loss(), gtdNew, minStep, maxStep);
            tPrev = tmp;
            prev = fresh;
            gtdPrev = gtdNew;
            fresh = finiteProbe(f, x, tPrev);
            gtdNew = Vectors.dot(fresh.gradient(), d);
            lsIter++;
        }
        if (bracket.length == 1) {
            t = bracket[0];
            return bracketE[0];
        }
        boolean insufProgress = false;
        int low = bracketE[0].loss() <= bracketE[1].loss() ? 0 : 1;
        int high = 1 - low;
        while (!done && lsIter < maxLs) {
            if (Math.abs(bracket[1] - bracket[0]) * dNorm < tolChange) {
                break;
            }
            t = cubicInterpolate(bracket[0], bracketE[0].loss(), bracketGtd[0], bracket[1], bracketE[1].loss(),
                    bracketGtd[1], Double.NaN, Double.NaN);
            double hi = Math.max(bracket[0], bracket[1]);
            double lo = Math.min(bracket[0], bracket[1]);
            double eps = 0.1 * (hi - lo);
            if (Math.min(hi - t, t - lo) < eps) {
                if (insufProgress || t >= hi || t <= lo) {
                    t = Math.abs(t - hi) < Math.abs(t - lo) ? hi - eps : lo + eps;
                    insufProgress = false;
                } else {
                    insufProgress = true;
                }
            } else {
                insufProgress = false;
            }
            fresh = finiteProbe(f, x, bracket[low]);
            gtdNew = Vectors.dot(fresh.gradient(), d);
            lsIter++;
            if (fresh.loss() > f0 + c1 * t * gtd0 || fresh.loss() >= bracketE[low].loss()) {
                bracket[high] = t;
                bracketE[high] = fresh;
                bracketGtd[high] = gtdNew;
                low = bracketE[0].loss() <= bracketE[1].loss() ? 0 : 1;
                high = 1 - low;
            } else {
                if (Math.abs(gtdNew) <= -c2 * gtd0) {
                    done = true;
                } else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
                    bracket[high] = bracket[low];
                    bracketE[high] = bracketE[low];
                    bracketGtd[high] = bracketGtd[low];
                }
                bracket[low] = t;
                bracketE[low] = fresh;
                bracketGtd[low] = gtdNew;
            }
        }
        t = bracket[low];
        return bracketE[low];
    }

    /** torch's _cubic_interpolate; NaN bounds mean the interval [x1, x2]. */
    static double cubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                                   double minBound, double maxBound) {
        double xmin = Double.isNaN(minBound) ? Math.min(x1, x2) : minBound;
        double xmax = Double.isNaN(maxBound) ? Math.max(x1, x2) : maxBound;
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0) {
            double d2 = Math.sqrt(d2Square);
            double minPos = x1 <= x2
                    ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Math.min(Math.max(minPos, xmin), xmax);
        }
        return (xmin + xmax) / 2;
    }

    private static float[] negate(float[] g) {
        float[] out = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = -g[i];
        }
        return out;
    }

    private static void scale(float[] v, float s) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= s;
        }
    }
}
