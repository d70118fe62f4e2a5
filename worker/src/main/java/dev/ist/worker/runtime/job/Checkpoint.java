package dev.ist.worker.runtime.job;

import dev.ist.worker.engine.EngineState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * What is stored under {@code jobs/<id>/checkpoint.bin}: a small header (which job, the iteration, the last sequence
 * number published, the total asked for, who wrote it and when) followed by the engine's own resumable state.
 * Format: magic "ISTC", version, then the header fields, then {@link EngineState#toBytes()}.
 */
public record Checkpoint(String jobId, int iteration, long lastSeq, int totalIterations, String workerId,
                         Instant writtenAt, EngineState state) {

    private static final int MAGIC = 0x49535443; // "ISTC"
    private static final int VERSION = 1;

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            writeString(out, jobId);
            out.writeInt(iteration);
            out.writeLong(lastSeq);
            out.writeInt(totalIterations);
            writeString(out, workerId);
            out.writeLong(writtenAt.toEpochMilli());
            out.write(state.toBytes());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a checkpoint; throws {@link IllegalArgumentException} with the reason when it is not one. */
    public static Checkpoint fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not an IST checkpoint (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported checkpoint version " + version);
            }
            String jobId = readString(in);
            int iteration = in.readInt();
            long lastSeq = in.readLong();
            int total = in.readInt();
            String workerId = readString(in);
            Instant writtenAt = Instant.ofEpochMilli(in.readLong());
            int headerLength = data.length - in.available();
            EngineState state = EngineState.fromBytes(Arrays.copyOfRange(data, headerLength, data.length));
            return new Checkpoint(jobId, iteration, lastSeq, total, workerId, writtenAt, state);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated checkpoint", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable checkpoint: " + e.getMessage(), e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 4096) {
            throw new IOException("bad string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
