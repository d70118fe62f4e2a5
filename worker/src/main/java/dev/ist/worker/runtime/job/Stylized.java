package dev.ist.worker.runtime.job;

import dev.ist.worker.engine.TransferResult;

/**
 * A finished stylization and what the manifest says about how it was made.
 *
 * @param styleCacheHit whether the style targets came from the worker's cache
 */
public record Stylized(TransferResult result, JobManifest.Weights weights, boolean styleCacheHit) {
}
