package dev.ist.worker.runtime.job;

import dev.ist.worker.engine.TilePlanner;
import dev.ist.worker.runtime.fleet.MemoryPreflight;
import dev.ist.common.job.JobOptions;
import dev.ist.common.job.JobRequest;
import dev.ist.common.job.StyleRef;
import dev.ist.worker.engine.EngineState;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.IterationReport;
import dev.ist.worker.engine.MaskFit;
import dev.ist.worker.engine.StyleTargets;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.TransferSpec;
import dev.ist.worker.runtime.metrics.WorkerMetrics;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@link dev.ist.common.job.JobMode#OPTIMIZE}: the Gatys et al. optimisation on the DJL engine, with the Gram targets
 * of popular style sets kept in a cache between jobs. The engine belongs to whoever made it (closed there).
 */
public final class OptimiseStylizer implements Stylizer {

    private final EngineHandle engine;
    private final StyleTargetsCache cache;
    private final WorkerMetrics metrics;

    public OptimiseStylizer(EngineHandle engine, StyleTargetsCache cache, WorkerMetrics metrics) {
        this.engine = engine;
        this.cache = cache;
        this.metrics = metrics;
    }

    @Override
    public Prepared prepare(JobRequest request, JobInputs inputs, EngineState resume) {
        StyleTargetsCache.Key key = cacheKey(request);
        Optional<List<StyleTargets>> cached = cache.get(key);
        metrics.styleCache(cached.isPresent());
        // masks come at any size of the right aspect: fitted to the output (style masks to their style images)
        int[] out = ImageOps.scaledSize(inputs.content().getWidth(), inputs.content().getHeight(),
                request.options().size());
        BufferedImage contentMask = inputs.contentMask() == null ? null
                : MaskFit.fit(inputs.contentMask(), out[0], out[1], "options.contentMask", "output");
        TransferSpec spec = TransferSpec.builder().options(request.options())
                .content(inputs.content()).styles(MaskFit.fitStyles(inputs.styles(), out[0], out[1]))
                .contentMask(contentMask).initImage(inputs.initImage())
                .resumeFrom(resume).styleTargets(cached.orElse(List.of()))
                .build();
        return new Run(spec, key, cached.isPresent());
    }

    /** One prepared transfer; the preflight may shorten its L-BFGS history. */
    private final class Run implements Prepared {
        private final TransferSpec spec;
        private final StyleTargetsCache.Key key;
        private final boolean cacheHit;

        Run(TransferSpec spec, StyleTargetsCache.Key key, boolean cacheHit) {
            this.spec = spec;
            this.key = key;
            this.cacheHit = cacheHit;
        }

        @Override
        public Stylized run(IterationListener listener, BooleanSupplier stop) {
            TransferResult result = engine.stylize(spec, new IterationListener() {
                @Override
                public void onIteration(IterationReport report) {
                    listener.onIteration(report);
                }

                @Override
                public void onPrecisionFallback(String reason) {
                    metrics.precisionFallback();
                    listener.onPrecisionFallback(reason);
                }

                @Override
                public void onNonFiniteRecovery(int retries) {
                    metrics.nonFiniteRecovery(retries);
                }
            }, stop);
            cache.put(key, result.styleTargets());
            return new Stylized(result, new JobManifest.Weights(engine.weightsDescription(), engine.weightsSha256(),
                    result.precision().name(), result.precisionFallback(), engine.precisionChoice(spec)), cacheHit);
        }

        /** The engine's own quote: the tile plan it will run under the budget. */
        @Override
        public JobMemoryCheck.Verdict memoryFit(MemoryPreflight budget, JobOptions options, int width, int height) {
            return JobMemoryCheck.tiled(new TilePlanner(budget.budgetBytes()), spec, width, height);
        }
    }

    @Override
    public String device() {
        return engine.device();
    }

    @Override
    public void close() {
        // the engine is the caller's; the cache is plain memory
    }

    private StyleTargetsCache.Key cacheKey(JobRequest request) {
        JobOptions o = request.options();
        List<String> styles = new ArrayList<>();
        for (StyleRef s : request.styles()) {
            // the engine's own key decides a hit; masks and colour mode here only keep such entries apart
            styles.add(s.image().sha256() + ":" + s.weight()
                    + (s.styleMask() == null ? "" : ":styleMask=" + s.styleMask().sha256())
                    + (s.mask() == null ? "" : ":masked"));
        }
        if (o.colorMode() == dev.ist.common.job.ColorTransfer.HISTOGRAM) {
            styles.add("histogram:" + request.content().sha256());
        }
        return new StyleTargetsCache.Key(styles, o.size(), o.styleLayers(), o.styleScale(), o.pooling().name(),
                o.colorMode() == dev.ist.common.job.ColorTransfer.LUMINANCE, o.multiScale(), engine.weightsSha256());
    }
}
