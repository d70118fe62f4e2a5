package dev.ist.worker.engine;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The reference files written by tools/fixtures/make_fixtures.py (PyTorch). */
public final class Fixtures {
    private static JsonObject reference;

    private Fixtures() {
    }

    public static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    /** A CPU engine on the tiny VGG19 of {@code tiny-vgg19-zip.pth} (the caller closes it). */
    public static StyleTransferEngine tinyEngine() {
        return new StyleTransferEngine(dev.ist.worker.engine.weights.WeightsLoader.load(path("tiny-vgg19-zip.pth"),
                null), "cpu");
    }

    public static synchronized JsonObject reference() {
        if (reference == null) {
            try {
                reference = JsonParser.parseString(Files.readString(path("tiny_vgg_reference.json"),
                        StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return reference;
    }

    public static float[] floats(JsonArray array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsFloat();
        }
        return out;
    }

    public static float[] floats(String key) {
        return floats(reference().getAsJsonArray(key));
    }

    /** Largest |a-b| / (|b| + scale), where scale is a magnitude floor (e.g. the max |b|·1e-3). */
    public static double maxRelativeError(float[] actual, float[] expected) {
        double maxAbs = 0;
        for (float v : expected) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double floor = Math.max(1e-12, maxAbs * 1e-3);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (Math.abs(expected[i]) + floor));
        }
        return worst;
    }
}
