package dev.ist.worker.fast;

import dev.ist.common.model.InvalidModelException;
import dev.ist.common.model.OnnxStyleNetwork;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The loaded networks of one worker, at most {@code maxEntries}, least recently used evicted (and closed) first.
 * An entry is keyed by model name and remembers the version (object ETag and digest) it was loaded from, so a model
 * re-uploaded under the same name is loaded again on its next use.
 */
public final class ModelCache implements AutoCloseable {

    /** Loads a model's bytes into a network; called outside no lock but the cache's. */
    @FunctionalInterface
    public interface Loader {
        OnnxStyleNetwork load() throws InvalidModelException;
    }

    private record Entry(String version, OnnxStyleNetwork stylizer) {
    }

    private final int maxEntries;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long loads;

    public ModelCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("ist.worker.model-cache-entries must be >= 1");
        }
        this.maxEntries = maxEntries;
    }

    /** The network of {@code name} at {@code version}, loaded with {@code loader} when absent or of another version. */
    public synchronized OnnxStyleNetwork get(String name, String version, Loader loader) throws InvalidModelException {
        Entry e = entries.get(name);
        if (e != null && Objects.equals(e.version(), version)) {
            return e.stylizer();
        }
        if (e != null) {
            entries.remove(name);
            e.stylizer().close();
        }
        OnnxStyleNetwork loaded = loader.load();
        loads++;
        entries.put(name, new Entry(version, loaded));
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > maxEntries && it.hasNext()) {
            Entry eldest = it.next().getValue();
            it.remove();
            eldest.stylizer().close();
        }
        return loaded;
    }

    public synchronized int size() {
        return entries.size();
    }

    /** How many times a model was loaded (cache misses), for tests and logs. */
    public synchronized long loads() {
        return loads;
    }

    @Override
    public synchronized void close() {
        entries.values().forEach(e -> e.stylizer().close());
        entries.clear();
    }
}
