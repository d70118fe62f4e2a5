package dev.ist.worker.engine.weights;

import dev.ist.worker.engine.WeightsException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal pickle virtual machine for PyTorch state dicts. It knows the opcodes torch.save emits
 * and only a fixed list of globals (OrderedDict, tensor rebuild functions, storage types); any other
 * global is rejected, so no arbitrary code path can be triggered by a crafted file.
 */
final class Pickle {
    /** A reference to a Python global, e.g. torch.FloatStorage. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    record Tuple(List<Object> items) {
    }

    /** What torch's persistent_load receives: a storage of {@code type} under {@code key}. */
    record StorageRef(String type, String key, long numel) {
    }

    /** A tensor view of a storage. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    private static final Set<String> ALLOWED_GLOBALS = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter",
            "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage",
            "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage",
            "torch.ByteStorage", "torch.BoolStorage");

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private final DataInputStream in;
    private final String source;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Pickle(InputStream in, String source) {
        this.in = new DataInputStream(in);
        this.source = source;
    }

    /** Reads one pickle from the stream (which is left just after its STOP opcode). */
    static Object load(InputStream in, String source) {
        try {
            return new Pickle(in, source).run();
        } catch (EOFException e) {
            throw new WeightsException("weights file " + source + " is truncated (pickle ended early)");
        } catch (IOException e) {
            throw new WeightsException("cannot read weights file " + source + ": " + e.getMessage(), e);
        }
    }

    private Object run() throws IOException {
        while (true) {
            int op = in.read();
            if (op < 0) {
                throw new EOFException();
            }
            switch (op) {
                case 0x80 -> in.readUnsignedByte(); // PROTO
                case 0x95 -> in.readLong(); // FRAME (length only; we read sequentially)
                case '.' -> { // STOP
                    return unwrap(pop());
                }
                case '(' -> push(MARK);
                case '}' -> push(new LinkedHashMap<Object, Object>());
                case ']' -> push(new ArrayList<Object>());
                case ')' -> push(new Tuple(List.of()));
                case 't' -> push(new Tuple(popToMark()));
                case 0x85 -> push(new Tuple(List.of(pop())));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(new Tuple(List.of(a, b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(new Tuple(List.of(a, b, c)));
                }
                case 'X' -> push(readString(readIntLe()));
                case 0x8c -> push(readString(in.readUnsignedByte()));
                case 0x8d -> push(readString(checkedLength(readLongLe())));
                case 'T' -> push(readString(readIntLe()));
                case 'U' -> push(readString(in.readUnsignedByte()));
                case 'J' -> push((long) readIntLe());
                case 'K' -> push((long) in.readUnsignedByte());
                case 'M' -> push((long) (in.readUnsignedByte() | (in.readUnsignedByte() << 8)));
                case 0x8a -> push(readLong(in.readUnsignedByte()));
                case 0x8b -> push(readLong(checkedLength(readIntLe())));
                case 'G' -> push(in.readDouble());
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'N' -> push(NONE);
                case 'c' -> push(global(readLine(), readLine()));
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    push(global(String.valueOf(module), String.valueOf(name)));
                }
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args));
                }
                case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args)
                    Object args = pop();
                    Object cls = pop();
                    push(reduce(cls, args));
                }
                case 'b' -> pop(); // BUILD: state of OrderedDict (_metadata) or tensors; not needed
                case 's' -> {
                    Object value = pop();
                    Object key = pop();
                    asDict(peek()).put(unwrap(key), value);
                }
                case 'u' -> {
                    List<Object> items = popToMark();
                    Map<Object, Object> dict = asDict(peek());
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        dict.put(unwrap(items.get(i)), items.get(i + 1));
                    }
                }
                case 'a' -> {
                    Object value = pop();
                    asList(peek()).add(value);
                }
                case 'e' -> {
                    List<Object> items = popToMark();
                    asList(peek()).addAll(items);
                }
                case 'q' -> memo.put((long) in.readUnsignedByte(), peek());
                case 'r' -> memo.put((long) readIntLe() & 0xffffffffL, peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'h' -> push(memoGet(in.readUnsignedByte()));
                case 'j' -> push(memoGet(readIntLe() & 0xffffffffL));
                case 'Q' -> push(persistentLoad(pop()));
                case '0' -> pop();
                case '2' -> push(peek());
                default -> throw new WeightsException(String.format(
                        "weights file %s uses pickle opcode 0x%02x that a torch state_dict never needs; refusing it",
                        source, op));
            }
        }
    }

    private Object memoGet(long key) {
        Object o = memo.get(key);
        if (o == null) {
            throw new WeightsException("weights file " + source + " has a corrupt pickle (memo " + key + " unset)");
        }
        return o;
    }

    private static Object unwrap(Object o) {
        return o;
    }

    private Global global(String module, String name) {
        Global g = new Global(module.trim(), name.trim());
        if (!ALLOWED_GLOBALS.contains(g.qualified())) {
            throw new WeightsException("weights file " + source + " references Python global '" + g.qualified()
                    + "', which is not part of a plain torch state_dict; refusing to load it");
        }
        return g;
    }

    private Object reduce(Object callable, Object args) {
        if (!(callable instanceof Global g) || !(args instanceof Tuple t)) {
            throw new WeightsException("weights file " + source + " has an unsupported pickle call");
        }
        List<Object> a = t.items();
        switch (g.qualified()) {
            case "collections.OrderedDict" -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                if (!a.isEmpty() && a.get(0) instanceof List<?> pairs) {
                    for (Object pair : pairs) {
                        if (pair instanceof Tuple kv && kv.items().size() == 2) {
                            dict.put(kv.items().get(0), kv.items().get(1));
                        }
                    }
                }
                return dict;
            }
            case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2" -> {
                if (a.size() < 4 || !(a.get(0) instanceof StorageRef storage)) {
                    throw new WeightsException("weights file " + source + " has a malformed tensor record");
                }
                return new TensorRef(storage, toLong(a.get(1)), longs(a.get(2)), longs(a.get(3)));
            }
            case "torch._utils._rebuild_parameter" -> {
                return a.get(0);
            }
            default -> throw new WeightsException("weights file " + source + " calls '" + g.qualified()
                    + "', which a torch state_dict does not need; refusing it");
        }
    }

    private Object persistentLoad(Object pid) {
        if (!(pid instanceof Tuple t) || t.items().size() < 5 || !"storage".equals(t.items().get(0))
                || !(t.items().get(1) instanceof Global type)) {
            throw new WeightsException("weights file " + source + " has an unsupported persistent id " + pid);
        }
        return new StorageRef(type.name(), String.valueOf(t.items().get(2)), toLong(t.items().get(4)));
    }

    private long toLong(Object o) {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof BigInteger b) {
            return b.longValueExact();
        }
        throw new WeightsException("weights file " + source + ": expected an integer, found " + o);
    }

    private long[] longs(Object o) {
        if (!(o instanceof Tuple t)) {
            throw new WeightsException("weights file " + source + ": expected a tuple of integers, found " + o);
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toLong(t.items().get(i));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asDict(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw new WeightsException("weights file " + source + " has a corrupt pickle (SETITEM on " + o + ")");
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new WeightsException("weights file " + source + " has a corrupt pickle (APPEND on " + o + ")");
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw new WeightsException("weights file " + source + " has a corrupt pickle (stack underflow)");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw new WeightsException("weights file " + source + " has a corrupt pickle (empty stack)");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popToMark() {
        int i = stack.size() - 1;
        while (i >= 0 && stack.get(i) != MARK) {
            i--;
        }
        if (i < 0) {
            throw new WeightsException("weights file " + source + " has a corrupt pickle (no MARK)");
        }
        List<Object> items = new ArrayList<>(stack.subList(i + 1, stack.size()));
        stack.subList(i, stack.size()).clear();
        return items;
    }

    private int readIntLe() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        int b2 = in.readUnsignedByte();
        int b3 = in.readUnsignedByte();
        return b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
    }

    private long readLongLe() throws IOException {
        long lo = readIntLe() & 0xffffffffL;
        long hi = readIntLe() & 0xffffffffL;
        return lo | (hi << 32);
    }

    private int checkedLength(long n) {
        if (n < 0 || n > 64L * 1024 * 1024) {
            throw new WeightsException("weights file " + source + " has an implausible pickle length " + n);
        }
        return (int) n;
    }

    private String readString(int n) throws IOException {
        byte[] b = new byte[checkedLength(n)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private Object readLong(int n) throws IOException {
        byte[] le = new byte[n];
        in.readFully(le);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger value = new BigInteger(be);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException();
            }
            sb.append((char) c);
            if (sb.length() > 256) {
                throw new WeightsException("weights file " + source + " has an implausible pickle global name");
            }
        }
        return sb.toString();
    }
}
