package dev.ist.worker.engine;

/** Receives one report per iteration, on the engine's thread; keep it quick. */
@FunctionalInterface
public interface IterationListener {
    IterationListener NONE = report -> { };

    void onIteration(IterationReport report);
}
