package dev.ist.gateway.models;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Proves at upload that an ONNX file will work on the workers: it is loaded with the same engine (DJL's ONNX
 * Runtime), must have one 1×3×H×W input, and one all-zero {@code side}² image is run through it, which must come back
 * as 1×3×side×side. Anything else is an {@link InvalidModelException} with the reason, so a bad model is refused
 * here and never reaches a job.
 */
@Singleton
public class OnnxModelCheck {

    /** Thrown with a message fit for the uploader. */
    public static final class InvalidModelException extends Exception {
        public InvalidModelException(String message) {
            super(message);
        }
    }

    public void check(byte[] onnx, int side) throws InvalidModelException {
        if (onnx == null || onnx.length == 0) {
            throw new InvalidModelException("the model file is empty");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("ist-onnx-check-");
            Files.write(dir.resolve("model.onnx"), onnx);
            try (Model model = Model.newInstance("upload", Device.cpu(), "OnnxRuntime")) {
                try {
                    model.load(dir, "model");
                } catch (Exception e) {
                    throw new InvalidModelException("not a loadable ONNX model: " + message(e));
                }
                checkInput(model.describeInput());
                probe(model, side);
            }
        } catch (IOException e) {
            throw new InvalidModelException("the model could not be staged for checking: " + message(e));
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void checkInput(PairList<String, Shape> in) throws InvalidModelException {
        if (in == null || in.size() != 1) {
            throw new InvalidModelException("the model must have exactly one input (1×3×H×W), it has "
                    + (in == null ? 0 : in.size()));
        }
        Shape s = in.get(0).getValue();
        if (s != null && !(s.dimension() == 4 && (s.get(0) == 1 || s.get(0) < 0) && s.get(1) == 3)) {
            throw new InvalidModelException("the model's input \"" + in.get(0).getKey() + "\" has shape " + s
                    + "; a style network takes and returns 1×3×H×W (RGB)");
        }
    }

    private static void probe(Model model, int side) throws InvalidModelException {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDList out = model.getBlock().forward(new ParameterStore(m, false),
                    new NDList(m.create(new float[3 * side * side], new Shape(1, 3, side, side))), false);
            Shape shape = out.head().getShape();
            if (shape.dimension() != 4 || shape.get(0) != 1 || shape.get(1) != 3 || shape.get(2) != side
                    || shape.get(3) != side) {
                throw new InvalidModelException("the model's output has shape " + shape + " for a 1×3×" + side + "×"
                        + side + " input; a style network takes and returns 1×3×H×W (RGB, same size)");
            }
        } catch (InvalidModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidModelException("the model does not run on a 1×3×" + side + "×" + side + " image: "
                    + message(e));
        }
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        m = m.replaceAll("\\s+", " ").trim();
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
