package dev.ist.worker.engine;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A resumable point of a transfer: the optimised image (CHW floats, RGB in [0,1]) at the start of
 * {@code iteration} (global across scales) of scale {@code scaleIndex}, plus the optimiser's state
 * where it is worth keeping (Adam's moments; L-BFGS rebuilds its history and stores none), and the averaged iterate
 * (the image's exponential moving average) when the transfer keeps one, else an empty array.
 *
 * <p>{@link #toBytes()} writes a small versioned format (magic "ISTS", version, fields, CRC32) that
 * {@link #fromBytes(byte[])} reads back; the runtime stores it as a checkpoint object.
 */
public record EngineState(int scaleIndex, int iteration, int width, int height, float[] image, long seed,
                          byte[] optimizerState, float[] average) {
    private static final int MAGIC = 0x49535453; // "ISTS"
    /** 2 adds the averaged iterate after the optimiser state; version 1 states (no average) still read. */
    private static final int VERSION = 2;

    public EngineState {
        if (image == null || image.length != 3L * width * height) {
            throw new IllegalArgumentException("image must hold 3*" + width + "*" + height + " floats");
        }
        if (optimizerState == null) {
            optimizerState = new byte[0];
        }
        if (average == null) {
            average = new float[0];
        }
        if (average.length != 0 && average.length != image.length) {
            throw new IllegalArgumentException("the averaged image must have as many floats as the image");
        }
    }

    /** A state without an averaged iterate. */
    public EngineState(int scaleIndex, int iteration, int width, int height, float[] image, long seed,
                       byte[] optimizerState) {
        this(scaleIndex, iteration, width, height, image, seed, optimizerState, new float[0]);
    }

    /**
     * The versioned bytes, written straight into one exactly-sized array: a checkpoint at print size costs one copy of
     * the image (12 B/px, ~400 MB at 33 MP) plus the optimiser state, not the several a stream would make.
     */
    public byte[] toBytes() {
        long size = 4L * 6 + 8 + 4L * image.length + 4 + optimizerState.length + 4 + 4L * average.length + 8;
        if (size > Integer.MAX_VALUE - 16) {
            throw new EngineException("engine state of " + width + "x" + height + " is too large to checkpoint");
        }
        byte[] out = new byte[(int) size];
        ByteBuffer header = ByteBuffer.wrap(out); // big-endian, as DataOutputStream wrote it
        header.putInt(MAGIC).putInt(VERSION).putInt(scaleIndex).putInt(iteration).putInt(width).putInt(height)
                .putLong(seed);
        int pixelsAt = header.position();
        ByteBuffer.wrap(out, pixelsAt, image.length * 4).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .put(image);
        header.position(pixelsAt + image.length * 4);
        header.putInt(optimizerState.length).put(optimizerState);
        header.putInt(average.length);
        int averageAt = header.position();
        ByteBuffer.wrap(out, averageAt, average.length * 4).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .put(average);
        header.position(averageAt + average.length * 4);
        CRC32 crc = new CRC32();
        crc.update(out, 0, header.position());
        header.putLong(crc.getValue());
        return out;
    }

    public static EngineState fromBytes(byte[] data) {
        if (data == null || data.length < 44) {
            throw new EngineException("checkpoint is too short to be an engine state");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        long stored = ByteBuffer.wrap(data, data.length - 8, 8).getLong();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw new EngineException("checkpoint is not an engine state (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION && version != 1) {
                throw new EngineException("unsupported engine state version " + version);
            }
            if (stored != crc.getValue()) {
                throw new EngineException("engine state checksum mismatch (corrupted checkpoint)");
            }
            int scaleIndex = in.readInt();
            int iteration = in.readInt();
            int width = in.readInt();
            int height = in.readInt();
            long seed = in.readLong();
            long n = 3L * width * height;
            if (width <= 0 || height <= 0 || n * 4 > data.length) {
                throw new EngineException("engine state has an impossible size " + width + "x" + height);
            }
            byte[] raw = new byte[(int) n * 4];
            in.readFully(raw);
            float[] image = new float[(int) n];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(image);
            int optLength = in.readInt();
            if (optLength < 0 || optLength > data.length) {
                throw new EngineException("engine state has a bad optimiser state length");
            }
            byte[] opt = new byte[optLength];
            in.readFully(opt);
            float[] average = new float[0];
            if (version >= 2) {
                int averageLength = in.readInt();
                if (averageLength != 0 && averageLength != n) {
                    throw new EngineException("engine state has a bad averaged image length");
                }
                byte[] rawAverage = new byte[averageLength * 4];
                in.readFully(rawAverage);
                average = new float[averageLength];
                ByteBuffer.wrap(rawAverage).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(average);
            }
            return new EngineState(scaleIndex, iteration, width, height, image, seed, opt, average);
        } catch (IOException e) {
            throw new EngineException("engine state is truncated", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EngineState s && s.scaleIndex == scaleIndex && s.iteration == iteration
                && s.width == width && s.height == height && s.seed == seed
                && Arrays.equals(s.image, image) && Arrays.equals(s.optimizerState, optimizerState)
                && Arrays.equals(s.average, average);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(image) + iteration;
    }

    @Override
    public String toString() {
        return "EngineState[scale=" + scaleIndex + ", iteration=" + iteration + ", " + width + "x" + height
                + ", optimizerState=" + optimizerState.length + " bytes" + (average.length > 0 ? ", averaged" : "") + "]";
    }
}
