package dev.ist.worker.fast;

import dev.ist.common.job.JobMode;
import dev.ist.common.job.JobOptions;
import dev.ist.common.model.ModelInfo;
import dev.ist.common.model.OnnxStyleNetwork;
import dev.ist.common.storage.ImageStore;
import dev.ist.common.storage.StorageException;
import dev.ist.worker.engine.ImageOps;
import dev.ist.worker.engine.IterationListener;
import dev.ist.worker.engine.IterationReport;
import dev.ist.worker.engine.PhaseTimings;
import dev.ist.worker.engine.TransferCancelledException;
import dev.ist.worker.engine.TransferResult;
import dev.ist.worker.engine.WeightsException;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The fast path of a job ({@link JobMode#FAST}): the content image resized to the job's size (rounded to what the
 * model accepts), one pass of the registered network (tiled above the model's max side), colours kept from the
 * content when asked, and a {@link TransferResult} the runtime stores and announces like any other result. It
 * reports one final iteration (iteration == total), which the runtime publishes as the job's single PROGRESS.
 */
public final class FastStyleEngine implements AutoCloseable {

    private final ModelStore models;
    private final ModelCache cache;

    /**
     * @param modelCacheEntries loaded networks kept ({@code ist.worker.model-cache-entries})
     * @param maxModelBytes     largest ONNX file loaded ({@code ist.worker.max-model-bytes})
     */
    public FastStyleEngine(ImageStore store, int modelCacheEntries, long maxModelBytes) {
        this.cache = new ModelCache(modelCacheEntries);
        this.models = new ModelStore(store, cache, maxModelBytes);
    }

    public ModelCache cache() {
        return cache;
    }

    /**
     * Throws {@link dev.ist.worker.engine.WeightsException} for an unknown or unusable model and
     * {@link TransferCancelledException} when cancelled before the pass.
     */
    public TransferResult stylize(JobOptions options, BufferedImage content, IterationListener listener,
                                  BooleanSupplier cancelled) {
        long start = System.nanoTime();
        ModelStore.Loaded loaded;
        try {
            loaded = models.load(options.model());
        } catch (StorageException e) {
            // not the runtime's INTERNAL: the model is there, storage is not answering
            throw new WeightsException("model \"" + options.model() + "\" could not be read from storage: "
                    + e.getMessage(), e);
        }
        ModelInfo info = loaded.info();
        int[] size = modelSize(content.getWidth(), content.getHeight(), options.size(), info);
        BufferedImage input = ImageOps.resize(ImageOps.toRgb(content), size[0], size[1]);
        float[] chw01 = ImageOps.toChw(input);
        long prepared = System.nanoTime();
        if (cancelled.getAsBoolean()) {
            throw new TransferCancelledException(null);
        }
        float[] out01 = stylize(loaded.stylizer(), info, chw01, size[0], size[1]);
        long ran = System.nanoTime();
        if (options.preserveColors()) {
            out01 = ImageOps.fromLuminanceChroma(ImageOps.luminance(out01), ImageOps.chroma(chw01));
        }
        BufferedImage image = ImageOps.fromChw(out01, size[0], size[1]);
        long finished = System.nanoTime();
        long elapsedMs = (finished - start) / 1_000_000;
        int total = options.iterations();
        BufferedImage shown = image;
        listener.onIteration(new IterationReport(total, total, 0, 1, size[0], size[1], 0, 0, 0, 0, elapsedMs, true,
                maxSide -> shown, () -> null));
        return new TransferResult(image, 0, 0, 0, 0, 1,
                new PhaseTimings(ms(prepared - start), 0, ms(ran - prepared), ms(finished - ran)),
                "onnx:" + info.name(), info.sha256(), List.of());
    }

    /** The network on CHW RGB in [0, 1]; converts to and from the model's pixel scale and tiles when needed. */
    public static float[] stylize(OnnxStyleNetwork stylizer, ModelInfo info, float[] chw01, int w, int h) {
        float scale = (float) info.inputScale();
        float[] in = chw01;
        if (scale != 1f) {
            in = new float[chw01.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = chw01[i] * scale;
            }
        }
        int tile = Math.min(info.tileSize(), info.maxSide());
        float[] out = new TiledInference(tile, info.tileOverlap(), info.multipleOf()).run(stylizer::run, in, w, h);
        for (int i = 0; i < out.length; i++) {
            float v = out[i] / scale;
            out[i] = v < 0f ? 0f : (v > 1f ? 1f : v);
        }
        return out;
    }

    /** Long side = the job's size, each side rounded down to the model's multiple and kept at or above its minimum. */
    static int[] modelSize(int width, int height, int longSide, ModelInfo info) {
        int[] s = ImageOps.scaledSize(width, height, longSide);
        int m = info.multipleOf();
        int min = ((info.minSide() + m - 1) / m) * m;
        return new int[] {Math.max(min, s[0] - s[0] % m), Math.max(min, s[1] - s[1] % m)};
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    @Override
    public void close() {
        cache.close();
    }
}
