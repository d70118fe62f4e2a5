package dev.ist.worker.engine.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ist.worker.engine.Vgg19Weights.Tensor;
import dev.ist.worker.engine.WeightsException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Reads a safetensors file: 8-byte little-endian header length, a JSON header, then raw tensor bytes. */
public final class SafetensorsReader {
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    /** The tensors and the header's {@code __metadata__} strings. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private SafetensorsReader() {
    }

    public static Contents read(Path file, Predicate<String> wanted) {
        String source = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (readFully(ch, lenBuf, 0) < 8) {
                throw new WeightsException("weights file " + source + " is too short to be safetensors");
            }
            long headerLength = lenBuf.getLong(0);
            if (headerLength <= 1 || headerLength > MAX_HEADER || 8 + headerLength > fileSize) {
                throw new WeightsException("weights file " + source + " is not a safetensors file (bad header length)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, 8);
            JsonObject json;
            try {
                json = JsonParser.parseString(new String(header.array(), StandardCharsets.UTF_8)).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new WeightsException("weights file " + source + " has a malformed safetensors header");
            }
            long dataStart = 8 + headerLength;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : json.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        metadata.put(m.getKey(), m.getValue().getAsString());
                    }
                    continue;
                }
                String name = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
                if (!wanted.test(name)) {
                    continue;
                }
                tensors.put(name, tensor(ch, e.getValue().getAsJsonObject(), dataStart, fileSize, name, source));
            }
            return new Contents(tensors, metadata);
        } catch (IOException e) {
            throw new WeightsException("cannot read weights file " + source + ": " + e.getMessage(), e);
        } catch (IllegalStateException | UnsupportedOperationException | NullPointerException e) {
            throw new WeightsException("weights file " + source + " has a malformed safetensors header");
        }
    }

    private static Tensor tensor(FileChannel ch, JsonObject info, long dataStart, long fileSize, String name,
                                 String source) throws IOException {
        String dtype = info.get("dtype").getAsString();
        var shapeJson = info.get("shape").getAsJsonArray();
        long[] shape = new long[shapeJson.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeJson.get(i).getAsLong();
            numel *= shape[i];
        }
        var offsets = info.get("data_offsets").getAsJsonArray();
        long begin = offsets.get(0).getAsLong();
        long end = offsets.get(1).getAsLong();
        int size = switch (dtype) {
            case "F32" -> 4;
            case "F64" -> 8;
            case "F16", "BF16" -> 2;
            default -> throw new WeightsException("weights file " + source + ": tensor " + name
                    + " has unsupported dtype " + dtype);
        };
        if (begin < 0 || end < begin || dataStart + end > fileSize || end - begin != numel * size
                || numel > Integer.MAX_VALUE) {
            throw new WeightsException("weights file " + source + ": tensor " + name + " has inconsistent offsets");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, raw, dataStart + begin);
        raw.flip();
        float[] out = new float[(int) numel];
        switch (dtype) {
            case "F32" -> raw.asFloatBuffer().get(out);
            case "F64" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) raw.getDouble(i * 8);
                }
            }
            case "F16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = TorchCheckpointReader.halfToFloat(raw.getShort(i * 2));
                }
            }
            default -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((raw.getShort(i * 2) & 0xffff) << 16);
                }
            }
        }
        return new Tensor(shape, out);
    }

    private static int readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
