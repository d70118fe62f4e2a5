package dev.ist.worker.fast;

import dev.ist.common.model.ModelInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The committed tiny ONNX network of tools/fastmodel/make_model.py, its fixed input and reference output. */
public final class FastModelFixtures {

    public static final int REF_W = 56;
    public static final int REF_H = 40;

    private FastModelFixtures() {
    }

    public static byte[] tinyStyleOnnx() {
        return resource("tiny-style.onnx");
    }

    public static byte[] wrongShapeOnnx() {
        return resource("wrong-shape.onnx");
    }

    /** The script's input: pixel(c, y, x) = (x * 7 + y * 13 + c * 50) % 256, CHW, in [0, 255]. */
    public static float[] fixedInput(int w, int h) {
        float[] chw = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    chw[(c * h + y) * w + x] = (x * 7 + y * 13 + c * 50) % 256;
                }
            }
        }
        return chw;
    }

    /** PyTorch's output of the network on {@link #fixedInput} at 56×40. */
    public static float[] referenceOutput() {
        ByteBuffer b = ByteBuffer.wrap(resource("tiny-style.ref.f32")).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** Registry metadata of the tiny network: [0,255] pixels, one pass up to 64 px, tiles of 64 overlapping 32. */
    public static ModelInfo tinyInfo(String name) {
        return new ModelInfo(name, "tiny seeded test network", 16, 64, 1, 64, 32, 255.0, null, null, null)
                .withDefaults();
    }

    private static byte[] resource(String name) {
        try (InputStream in = FastModelFixtures.class.getResourceAsStream("/fastmodel/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /fastmodel/" + name
                        + " (run /usr/bin/python3 tools/fastmodel/make_model.py)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
