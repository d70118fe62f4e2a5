package dev.ist.common.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One feed-forward style network on DJL's ONNX Runtime engine: 1×3×H×W float RGB in, the same shape out, pixel
 * values in [0, {@code inputScale}]. Loading checks the declared input and output shapes, so a model that cannot
 * work is refused when it is loaded (at upload in the gateway, before any job uses it). One inference at a time.
 */
public final class OnnxStyleNetwork implements AutoCloseable {

    public static final String ENGINE = "OnnxRuntime";

    private final Model model;
    private final String description;
    private boolean closed;

    private OnnxStyleNetwork(Model model, String description) {
        this.model = model;
        this.description = description;
    }

    /** Loads ONNX bytes and probes them at 32×32; {@link InvalidModelException} says why they are unusable. */
    public static OnnxStyleNetwork load(String name, byte[] onnx) throws InvalidModelException {
        return load(name, onnx, PROBE_SIDE);
    }

    public static final int PROBE_SIDE = 32;

    /**
     * Loads ONNX bytes, checks the declared input and runs one {@code probeSide}² image through the network to check
     * the output (ONNX Runtime in DJL does not describe outputs), so a model that loads but cannot work is refused.
     */
    public static OnnxStyleNetwork load(String name, byte[] onnx, int probeSide) throws InvalidModelException {
        if (onnx == null || onnx.length == 0) {
            throw new InvalidModelException("the model file is empty");
        }
        Path dir = null;
        Model model = null;
        try {
            dir = Files.createTempDirectory("ist-onnx-");
            Files.write(dir.resolve("model.onnx"), onnx);
            model = Model.newInstance(name, Device.cpu(), ENGINE);
            model.load(dir, "model");
            String shapes = checkInput(model);
            OnnxStyleNetwork s = new OnnxStyleNetwork(model, shapes);
            model = null;
            try {
                s.probe(probeSide);
            } catch (InvalidModelException | RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        } catch (MalformedModelException | IOException e) {
            throw new InvalidModelException("not a loadable ONNX model: " + message(e));
        } catch (InvalidModelException e) {
            throw e;
        } catch (RuntimeException e) {
            // ONNX Runtime reports a bad protobuf or unsupported operator as an OrtException wrapped by DJL
            throw new InvalidModelException("not a loadable ONNX model: " + message(e));
        } finally {
            if (model != null) {
                model.close();
            }
            deleteQuietly(dir);
        }
    }

    private static String checkInput(Model model) throws InvalidModelException {
        PairList<String, Shape> in = model.describeInput();
        if (in == null || in.size() != 1) {
            throw new InvalidModelException("the model must have exactly one input (1×3×H×W), it has "
                    + (in == null ? 0 : in.size()));
        }
        checkImageShape("input", in.get(0));
        Shape shape = in.get(0).getValue();
        return "input \"" + in.get(0).getKey() + "\" " + (shape == null ? "1×3×H×W (dynamic)" : shape.toString());
    }

    private void probe(int side) throws InvalidModelException {
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

    /** 1×3×H×W, where a dynamic dimension (-1) is accepted for the batch, height and width. */
    private static void checkImageShape(String what, Pair<String, Shape> named) throws InvalidModelException {
        Shape s = named.getValue();
        if (s == null) {
            return; // DJL describes dynamic shapes as unknown; the probe run checks them
        }
        boolean ok = s != null && s.dimension() == 4 && (s.get(0) == 1 || s.get(0) < 0) && s.get(1) == 3;
        if (!ok) {
            throw new InvalidModelException("the model's " + what + " \"" + named.getKey() + "\" has shape " + s
                    + "; a style network takes and returns 1×3×H×W (RGB)");
        }
    }

    /** e.g. {@code input "input" 1×3×H×W (dynamic)} */
    public String description() {
        return description;
    }

    /** Runs the network on one CHW image of {@code w}×{@code h}; returns CHW of the same size. */
    public synchronized float[] run(float[] chw, int w, int h) {
        if (closed) {
            throw new IllegalStateException("model closed");
        }
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDList out = model.getBlock().forward(new ParameterStore(m, false),
                    new NDList(m.create(chw, new Shape(1, 3, h, w))), false);
            Shape shape = out.head().getShape();
            if (shape.dimension() != 4 || shape.get(1) != 3 || shape.get(2) != h || shape.get(3) != w) {
                throw new IllegalStateException("the model returned shape " + shape + " for input 1×3×" + h + "×" + w);
            }
            return out.head().toFloatArray();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            model.close();
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
