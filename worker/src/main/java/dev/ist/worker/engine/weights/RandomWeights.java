package dev.ist.worker.engine.weights;

import dev.ist.common.job.VggLayerNames;
import dev.ist.worker.engine.Preprocessing;
import dev.ist.worker.engine.Vgg19Weights.Tensor;
import dev.ist.worker.engine.Vgg19Weights;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded random VGG19-shaped network (Kaiming-normal weights, zero biases), for tests and for users
 * who ask for it by name ({@code --random-weights SEED}); never used as a fallback.
 */
public final class RandomWeights {
    /** VGG19's output channels per convolution. */
    public static final int[] VGG19_CHANNELS = {64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512};

    private RandomWeights() {
    }

    public static Vgg19Weights vgg19(long seed) {
        return create(seed, VGG19_CHANNELS, 13);
    }

    /** The first {@code convCount} convolutions with the given output channels (length >= convCount). */
    public static Vgg19Weights create(long seed, int[] channels, int convCount) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int in = 3;
        for (int i = 0; i < convCount; i++) {
            int out = channels[i];
            int index = VggLayerNames.convIndices()[i];
            float[] w = new float[out * in * 9];
            double std = Math.sqrt(2.0 / (in * 9));
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) (random.nextGaussian() * std);
            }
            tensors.put("features." + index + ".weight", new Tensor(new long[] {out, in, 3, 3}, w));
            tensors.put("features." + index + ".bias", new Tensor(new long[] {out}, new float[out]));
            in = out;
        }
        StringBuilder id = new StringBuilder("random(seed=" + seed + ",channels=");
        for (int i = 0; i < convCount; i++) {
            id.append(i == 0 ? "" : "/").append(channels[i]);
        }
        id.append(')');
        return new Vgg19Weights(tensors, Preprocessing.TORCHVISION, id.toString(), sha256(id.toString()));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
