package dev.ist.worker.engine.weights;

import dev.ist.worker.engine.Vgg19Weights.Tensor;
import dev.ist.worker.engine.WeightsException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads float tensors of a PyTorch checkpoint without Python, in both serialisations torch.save has
 * used: the legacy one (magic-number pickle, protocol pickle, sys-info pickle, the object pickle, the
 * storage-key list pickle, then each storage as int64 element count + raw little-endian bytes) and the
 * zip one ({@code <root>/data.pkl} plus one {@code <root>/data/<key>} entry per storage).
 * Only tensors whose name {@code wanted} accepts are decoded, so VGG19's large classifier is skipped.
 */
public final class TorchCheckpointReader {
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    private TorchCheckpointReader() {
    }

    public static Map<String, Tensor> read(Path file, Predicate<String> wanted) {
        try {
            byte[] head = new byte[4];
            try (InputStream in = Files.newInputStream(file)) {
                if (in.readNBytes(head, 0, 4) < 2) {
                    throw new WeightsException("weights file " + file + " is empty or truncated");
                }
            }
            if (head[0] == 'P' && head[1] == 'K') {
                return readZip(file, wanted);
            }
            if ((head[0] & 0xff) == 0x80) {
                return readLegacy(file, wanted);
            }
            throw new WeightsException("weights file " + file + " is not a PyTorch checkpoint (neither zip nor pickle)");
        } catch (IOException e) {
            throw new WeightsException("cannot read weights file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Tensor> readZip(Path file, Predicate<String> wanted) throws IOException {
        String source = file.toString();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String root = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                    root = name.substring(0, name.length() - "data.pkl".length());
                    break;
                }
            }
            if (root == null) {
                throw new WeightsException("weights file " + source + " is a zip without <root>/data.pkl; not a torch checkpoint");
            }
            Object obj;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(zip.getEntry(root + "data.pkl")))) {
                obj = Pickle.load(in, source);
            }
            Map<String, Pickle.TensorRef> refs = tensorRefs(obj, source, wanted);
            Map<String, float[]> storages = new HashMap<>();
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Pickle.TensorRef> e : refs.entrySet()) {
                Pickle.StorageRef s = e.getValue().storage();
                float[] data = storages.get(s.key());
                if (data == null) {
                    ZipEntry entry = zip.getEntry(root + "data/" + s.key());
                    if (entry == null) {
                        throw new WeightsException("weights file " + source + " lacks storage data/" + s.key());
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        data = decode(in.readAllBytes(), s, source);
                    }
                    storages.put(s.key(), data);
                }
                out.put(e.getKey(), view(data, e.getValue(), e.getKey(), source));
            }
            return out;
        }
    }

    private static Map<String, Tensor> readLegacy(Path file, Predicate<String> wanted) throws IOException {
        String source = file.toString();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            Object magic = Pickle.load(in, source);
            if (!(magic instanceof BigInteger b && b.equals(LEGACY_MAGIC))) {
                throw new WeightsException("weights file " + source + " is a pickle but not a torch.save checkpoint");
            }
            Object protocol = Pickle.load(in, source);
            if (!(protocol instanceof Long p) || p != 1001L) {
                throw new WeightsException("weights file " + source + " has unsupported torch protocol " + protocol);
            }
            Pickle.load(in, source); // sys_info: endianness and type sizes; little-endian assumed below
            Object obj = Pickle.load(in, source);
            Object keys = Pickle.load(in, source);
            if (!(keys instanceof List<?> keyList)) {
                throw new WeightsException("weights file " + source + " lacks the storage key list");
            }
            Map<String, Pickle.TensorRef> refs = tensorRefs(obj, source, wanted);
            Map<String, Pickle.StorageRef> needed = new HashMap<>();
            for (Pickle.TensorRef r : refs.values()) {
                needed.put(r.storage().key(), r.storage());
            }
            Map<String, Pickle.StorageRef> all = new HashMap<>();
            for (Pickle.TensorRef r : tensorRefs(obj, source, name -> true).values()) {
                all.put(r.storage().key(), r.storage());
            }
            Map<String, float[]> storages = new HashMap<>();
            for (Object k : keyList) {
                if (storages.size() == needed.size()) {
                    break; // everything wanted is read; the rest (the classifier) is never decoded
                }
                String key = String.valueOf(k);
                long numel = Long.reverseBytes(in.readLong());
                Pickle.StorageRef s = all.get(key);
                if (s == null) {
                    throw new WeightsException("weights file " + source + " stores '" + key
                            + "', which no tensor uses; not a plain state_dict");
                }
                long bytes = numel * elementSize(s.type(), source);
                if (numel < 0 || bytes > Integer.MAX_VALUE) {
                    throw new WeightsException("weights file " + source + " has an implausible storage size " + numel);
                }
                if (!needed.containsKey(key)) {
                    in.skipNBytes(bytes);
                    continue;
                }
                byte[] raw = new byte[(int) bytes];
                in.readFully(raw);
                storages.put(key, decode(raw, s, source));
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Pickle.TensorRef> e : refs.entrySet()) {
                float[] data = storages.get(e.getValue().storage().key());
                if (data == null) {
                    throw new WeightsException("weights file " + source + " lacks the storage of " + e.getKey());
                }
                out.put(e.getKey(), view(data, e.getValue(), e.getKey(), source));
            }
            return out;
        } catch (EOFException e) {
            throw new WeightsException("weights file " + source + " is truncated");
        }
    }

    private static Map<String, Pickle.TensorRef> tensorRefs(Object obj, String source, Predicate<String> wanted) {
        if (obj instanceof Map<?, ?> m && m.get("state_dict") instanceof Map<?, ?> inner) {
            obj = inner;
        }
        if (!(obj instanceof Map<?, ?> dict)) {
            throw new WeightsException("weights file " + source + " does not hold a state_dict");
        }
        Map<String, Pickle.TensorRef> refs = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (name.startsWith("module.")) {
                name = name.substring("module.".length());
            }
            if (wanted.test(name) && e.getValue() instanceof Pickle.TensorRef ref) {
                refs.put(name, ref);
            }
        }
        return refs;
    }

    static int elementSize(String type, String source) {
        return switch (type) {
            case "FloatStorage", "IntStorage" -> 4;
            case "DoubleStorage", "LongStorage" -> 8;
            case "HalfStorage", "BFloat16Storage", "ShortStorage" -> 2;
            case "CharStorage", "ByteStorage", "BoolStorage" -> 1;
            default -> throw new WeightsException("weights file " + source + " uses unsupported storage " + type);
        };
    }

    private static float[] decode(byte[] raw, Pickle.StorageRef s, String source) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int size = elementSize(s.type(), source);
        int n = raw.length / size;
        if (n < s.numel()) {
            throw new WeightsException("weights file " + source + ": storage " + s.key() + " holds " + n
                    + " elements, expected " + s.numel());
        }
        float[] out = new float[n];
        switch (s.type()) {
            case "FloatStorage" -> b.asFloatBuffer().get(out);
            case "DoubleStorage" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            case "HalfStorage" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(b.getShort(i * 2));
                }
            }
            case "BFloat16Storage" -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
                }
            }
            default -> throw new WeightsException("weights file " + source + ": tensor storage " + s.type()
                    + " is not floating point");
        }
        return out;
    }

    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant / 1024f / 16384f; // subnormal: mant * 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static Tensor view(float[] storage, Pickle.TensorRef ref, String name, String source) {
        long[] shape = ref.shape();
        long[] stride = ref.stride();
        long numel = 1;
        for (long d : shape) {
            numel *= d;
        }
        float[] out = new float[(int) numel];
        long[] idx = new long[shape.length];
        for (int i = 0; i < numel; i++) {
            long pos = ref.offset();
            for (int d = 0; d < shape.length; d++) {
                pos += idx[d] * stride[d];
            }
            if (pos < 0 || pos >= storage.length) {
                throw new WeightsException("weights file " + source + ": tensor " + name + " points outside its storage");
            }
            out[i] = storage[(int) pos];
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return new Tensor(shape.clone(), out);
    }
}
