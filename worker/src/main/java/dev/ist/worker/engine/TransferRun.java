package dev.ist.worker.engine;

import dev.ist.common.capacity.LevelPlan;
import dev.ist.common.job.Optimizer;
import dev.ist.common.job.Pooling;
import dev.ist.worker.engine.optim.Adam;
import dev.ist.worker.engine.optim.Evaluation;
import dev.ist.worker.engine.optim.Lbfgs;
import dev.ist.worker.engine.optim.Minimizer;
import dev.ist.worker.engine.optim.NonFiniteEvaluationException;
import dev.ist.worker.engine.precision.Bf16Fallback;
import dev.ist.worker.engine.precision.PrecisionSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * One transfer from start to result: checks, the level pyramid, per level the style targets, the objective and the
 * minimizer loop (keep-best, averaging, resume, cancellation, non-finite recovery), then the image. Made and run by
 * {@link StyleTransferEngine#stylize}.
 */
final class TransferRun {

    private static final Logger LOG = LoggerFactory.getLogger(TransferRun.class);

    private final StyleTransferEngine engine;
    private final TransferSpec spec;
    private final IterationListener listener;
    private final BooleanSupplier cancelled;
    private final long start = System.nanoTime();
    private float[] contentChroma;
    private final List<StyleTargets> usedTargets = new ArrayList<>();
    private long styleMs;
    private Bf16Fallback fallback;
    private String fallbackReason;
    /** The averaged iterate of the current level when {@code emaDecay > 0}, else null. */
    private float[] average;

    TransferRun(StyleTransferEngine engine, TransferSpec spec, IterationListener listener,
                BooleanSupplier cancelled) {
        this.engine = engine;
        this.spec = spec;
        this.listener = listener;
        this.cancelled = cancelled;
    }

    TransferResult run() {
        long t0 = System.nanoTime();
        PrecisionSelector.Choice precision = engine.precisionFor(spec);
        LOG.debug("precision {}: {}", precision.precision(), precision.reason()); // the result carries it
        fallback = new Bf16Fallback(precision.precision(), reason -> {
            fallbackReason = reason;
            LOG.warn("precision fallback: {}", reason);
            listener.onPrecisionFallback(reason);
        });
        engine.network(Pooling.MAX).requireLayers(spec.contentLayers(), engine.weights().description());
        engine.network(Pooling.MAX).requireLayers(spec.styleLayers(), engine.weights().description());
        BufferedImage content = spec.content();
        if (content.getWidth() <= 0 || content.getHeight() <= 0) {
            throw new InvalidImageException("content image has no pixels");
        }
        int[] out = ImageOps.scaledSize(content.getWidth(), content.getHeight(), spec.size());
        long maxOutput = engine.settings().maxOutputPixels();
        if ((long) out[0] * out[1] > maxOutput) {
            int fits = StyleTransferEngine.largestFittingSize(content.getWidth(), content.getHeight(), spec.size(), maxOutput);
            throw new InvalidSpecException("output " + out[0] + "x" + out[1] + " exceeds the limit of " + maxOutput
                    + " pixels (ist.engine.max-output-pixels)", fits);
        }
        StyleTransferEngine.requireHeapFor(out, spec.optimizer(), Runtime.getRuntime().maxMemory(), content.getWidth(), content.getHeight(),
                spec.size());
        int minSide = StyleTransferEngine.minimumShortSide(spec);
        if (Math.min(out[0], out[1]) < minSide) {
            throw new InvalidSpecException("output " + out[0] + "x" + out[1] + " is too small for the chosen layers:"
                    + " the short side must be at least " + minSide + " pixels");
        }
        List<int[]> levels = StyleTransferEngine.pyramid(out[0], out[1], spec.multiScale(), spec.minScaleLongSide());
        levels.removeIf(l -> Math.min(l[0], l[1]) < minSide); // the final level passed the check above
        List<LevelPlan> plans = engine.plan(spec, levels); // refuses before any work when a level cannot fit
        int[] split = StyleTransferEngine.iterationSplit(spec.iterations(), levels.size());
        int[] levelEnd = new int[levels.size()];
        int acc = 0;
        for (int i = 0; i < split.length; i++) {
            acc += split[i];
            levelEnd[i] = acc;
        }
        int level = 0;
        int iteration = 0;
        float[] x = null;
        EngineState resume = spec.resumeFrom().orElse(null);
        if (resume != null) {
            level = resume.scaleIndex();
            iteration = resume.iteration();
            if (level >= levels.size() || levels.get(level)[0] != resume.width()
                    || levels.get(level)[1] != resume.height() || iteration > spec.iterations()) {
                throw new InvalidSpecException("checkpoint (" + resume + ") does not match this transfer");
            }
            x = resume.image().clone();
        }
        long prepareMs = (System.nanoTime() - t0) / 1_000_000;
        long optStart = System.nanoTime();
        Evaluation finalEval = null;
        GatysObjective.Terms finalTerms = null;
        int lastW = 0;
        int lastH = 0;
        float[] best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        for (; level < levels.size(); level++) {
            int w = levels.get(level)[0];
            int h = levels.get(level)[1];
            boolean finalLevel = level == levels.size() - 1;
            float[] contentPixels = ImageOps.toChw(ImageOps.resize(content, w, h));
            if (spec.preserveColors()) {
                if (finalLevel) {
                    contentChroma = ImageOps.chroma(contentPixels);
                }
                contentPixels = ImageOps.grey(ImageOps.luminance(contentPixels));
            }
            if (x == null) {
                x = initialImage(contentPixels, w, h);
            } else if (x.length != 3 * w * h) {
                x = ImageOps.resizeChw(x, lastW, lastH, w, h);
            }
            lastW = w;
            lastH = h;
            if (spec.emaDecay() > 0) {
                average = resume != null && resume.scaleIndex() == level && resume.average().length == x.length
                        ? resume.average().clone() : x.clone();
            }
            StyleTargets targets = targetsFor(Math.max(w, h));
            LevelPlan levelPlan = plans.get(level);
            try (LevelObjective objective = engine.objective(spec, contentPixels, w, h, targets, levelPlan.tiles(),
                    fallback, cancelled)) {
                int end = levelEnd[level];
                Minimizer minimizer = minimizer(levelPlan, resume != null && resume.scaleIndex() == level
                        ? resume.optimizerState() : null, x.length);
                Evaluation ev = minimizer.start(x, objective);
                while (true) {
                    if (finalLevel && spec.keepBest() && ev.loss() < bestLoss) {
                        bestLoss = ev.loss();
                        best = x.clone();
                    }
                    boolean stop = iteration >= end || minimizer.converged();
                    report(level, levels.size(), iteration, w, h, x, ev, minimizer, finalLevel && stop);
                    if (stop) {
                        break;
                    }
                    if (cancelled.getAsBoolean()) {
                        throw new TransferCancelledException(state(level, iteration, w, h, x, minimizer));
                    }
                    int recoveredBefore = minimizer.recoveries();
                    ev = minimizer.iterate(x, ev, objective);
                    iteration++;
                    int recovered = minimizer.recoveries() - recoveredBefore;
                    if (recovered > 0) {
                        LOG.warn("non-finite evaluation at iteration {} ({}x{}, {}): stepped around it with {} "
                                + "shorter step(s)", iteration, w, h, fallback.current(), recovered);
                        listener.onNonFiniteRecovery(recovered);
                    }
                    if (average != null) {
                        accumulate(average, x, (float) spec.emaDecay());
                    }
                    if (!finalLevel && iteration == end) {
                        break; // the next level reports this iteration on its upsampled image
                    }
                }
                finalEval = ev;
                finalTerms = (GatysObjective.Terms) ev.detail();
                if (average != null) {
                    // the averaged iterate is the level's result: the next level starts from it, the last returns it
                    x = average;
                    average = null;
                    finalTerms = objective.lossOnly(x);
                } else if (finalLevel && best != null && bestLoss < ev.loss()) {
                    x = best;
                    finalTerms = objective.lossOnly(x);
                }
            } catch (EvaluationStoppedException e) {
                // between two tiles: the iterate is half stepped, so the job resumes from its last checkpoint
                throw TransferCancelledException.duringIteration(iteration);
            } catch (NonFiniteEvaluationException e) {
                throw new NonFiniteLossException("the optimisation went non-finite at iteration " + iteration
                        + " (" + w + "x" + h + ", level " + (level + 1) + " of " + levels.size() + ", "
                        + spec.optimizer().name().toLowerCase(java.util.Locale.ROOT) + ", "
                        + fallback.current() + "): " + e.getMessage(), e);
            }
        }
        long optimiseMs = (System.nanoTime() - optStart) / 1_000_000 - styleMs;
        long f0 = System.nanoTime();
        requireFinite(x, finalTerms);
        BufferedImage image = ImageOps.fromChw16(toRgb(x), lastW, lastH); // 16 bits: PNG16/TIFF keep them
        long finishMs = (System.nanoTime() - f0) / 1_000_000;
        return new TransferResult(image, finalTerms.content(), finalTerms.style(), finalTerms.tv(),
                finalTerms.total(), iteration, new PhaseTimings(prepareMs, styleMs, optimiseMs, finishMs),
                engine.weights().description(), engine.weights().sha256(), List.copyOf(usedTargets), fallback.current(),
                fallbackReason);
    }

    private StyleTargets targetsFor(int longSide) {
        long t0 = System.nanoTime();
        StyleTargets targets = null;
        if (!spec.styleTargets().isEmpty()) {
            String key = engine.styleTargets().key(spec.styles(), longSide, spec);
            for (StyleTargets t : spec.styleTargets()) {
                if (t.cacheKey().equals(key)) {
                    targets = t;
                }
            }
        }
        if (targets == null) {
            targets = engine.computeStyleTargets(spec.styles(), longSide, spec);
        }
        usedTargets.add(targets);
        styleMs += (System.nanoTime() - t0) / 1_000_000;
        return targets;
    }

    /** a ← d·a + (1 − d)·x. */
    private static void accumulate(float[] a, float[] x, float decay) {
        float rest = 1f - decay;
        for (int i = 0; i < a.length; i++) {
            a[i] = decay * a[i] + rest * x[i];
        }
    }

    /** The last guard before an image leaves the engine: a non-finite pixel or loss is never a result. */
    private static void requireFinite(float[] x, GatysObjective.Terms terms) {
        int bad = 0;
        for (float v : x) {
            if (!Float.isFinite(v)) {
                bad++;
            }
        }
        if (bad > 0 || !Double.isFinite(terms.total())) {
            throw new NonFiniteLossException("the result is not finite (" + bad + " pixel values, total loss "
                    + terms.total() + "); no image is written", null);
        }
    }

    /** The spec's optimiser for one level, restored from a checkpoint's state when it resumes this level. */
    private Minimizer minimizer(LevelPlan levelPlan, byte[] resumedState, int n) {
        if (spec.optimizer() == Optimizer.LBFGS) {
            return new Lbfgs(new Lbfgs.Options(spec.learningRate(), levelPlan.lbfgsHistory(),
                    spec.toleranceGrad(), spec.toleranceChange(), spec.strongWolfe(), 25));
        }
        Adam adam = new Adam(spec.learningRate());
        if (resumedState != null) {
            adam.restore(resumedState, n);
        }
        return adam;
    }

    private float[] initialImage(float[] contentPixels, int w, int h) {
        return switch (spec.init()) {
            case CONTENT -> contentPixels.clone();
            case NOISE -> {
                SplittableRandom random = new SplittableRandom(spec.seed());
                float[] noise = new float[3 * w * h];
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (float) random.nextDouble();
                }
                yield noise;
            }
            case IMAGE -> {
                float[] pixels = ImageOps.toChw(ImageOps.resize(spec.initImage(), w, h));
                yield spec.preserveColors() ? ImageOps.grey(ImageOps.luminance(pixels)) : pixels;
            }
        };
    }

    /** The optimised image as displayable RGB (chroma restored when preserving colours). */
    private float[] toRgb(float[] x) {
        if (!spec.preserveColors() || contentChroma == null || contentChroma.length * 3 != x.length * 2) {
            return x;
        }
        return ImageOps.fromLuminanceChroma(ImageOps.channelMean(x), contentChroma);
    }

    private EngineState state(int level, int iteration, int w, int h, float[] x, Minimizer minimizer) {
        return new EngineState(level, iteration, w, h, x.clone(), spec.seed(), minimizer.state(),
                average == null ? null : average.clone());
    }

    private void report(int level, int levels, int iteration, int w, int h, float[] x, Evaluation ev,
                        Minimizer minimizer, boolean last) {
        GatysObjective.Terms t = (GatysObjective.Terms) ev.detail();
        boolean[] valid = {true};
        boolean finalLevel = level == levels - 1;
        IterationReport r = new IterationReport(iteration, spec.iterations(), level, levels, w, h,
                t.content(), t.style(), t.tv(), t.total(), (System.nanoTime() - start) / 1_000_000, last,
                maxSide -> {
                    requireValid(valid);
                    int[] s = ImageOps.scaledSize(w, h, Math.min(maxSide, Math.max(w, h)));
                    float[] shown = average != null ? average : x; // what the level will return
                    float[] rgb = finalLevel ? toRgb(shown) : shown;
                    if (s[0] * 2 <= w) {
                        // a print-size level: average down first, never a full-size raster per preview
                        return ImageOps.fromChw(ImageOps.downscaleChw(rgb, w, h, s[0], s[1]), s[0], s[1]);
                    }
                    return ImageOps.resize(ImageOps.fromChw(rgb, w, h), s[0], s[1]);
                },
                () -> {
                    requireValid(valid);
                    return state(level, iteration, w, h, x, minimizer);
                });
        try {
            listener.onIteration(r);
        } finally {
            valid[0] = false;
        }
    }

    private void requireValid(boolean[] valid) {
        if (!valid[0]) {
            throw new IllegalStateException("preview()/snapshot() are only available during onIteration");
        }
    }
}
