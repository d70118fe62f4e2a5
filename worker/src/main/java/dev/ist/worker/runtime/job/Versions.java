package dev.ist.worker.runtime.job;

import java.util.LinkedHashMap;
import java.util.Map;

/** Versions recorded in manifests: IST, DJL, the native engine, Java. */
public final class Versions {

    private static volatile Map<String, String> cached;

    private Versions() {
    }

    public static Map<String, String> all() {
        Map<String, String> v = cached;
        if (v == null) {
            v = new LinkedHashMap<>();
            String ist = Versions.class.getPackage().getImplementationVersion();
            v.put("ist", ist == null ? "0.1.0-SNAPSHOT" : ist);
            v.put("djl", safe(ai.djl.engine.Engine::getDjlVersion));
            v.put("engine", safe(() -> {
                ai.djl.engine.Engine e = ai.djl.engine.Engine.getInstance();
                return e.getEngineName() + " " + e.getVersion();
            }));
            v.put("java", System.getProperty("java.version"));
            cached = java.util.Collections.unmodifiableMap(v);
            v = cached;
        }
        return v;
    }

    private static String safe(java.util.function.Supplier<String> s) {
        try {
            return s.get();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }
}
