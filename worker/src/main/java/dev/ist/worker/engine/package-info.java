/**
 * The style-transfer engine: Gatys et al.'s optimisation on VGG19 {@code features} with DJL's PyTorch
 * engine. It knows nothing of Kafka, object storage or HTTP.
 *
 * <p>Use: load weights ({@link dev.ist.worker.engine.weights.WeightsLoader#load},
 * {@link dev.ist.worker.engine.weights.WeightsResolver#load} or, by explicit request only,
 * {@link dev.ist.worker.engine.weights.RandomWeights}), open a {@link dev.ist.worker.engine.StyleTransferEngine}
 * on a device ("auto", "cpu", "gpu", "gpu:N"), build a {@link dev.ist.worker.engine.TransferSpec} and call
 * {@link dev.ist.worker.engine.StyleTransferEngine#stylize}. Every iteration is reported to an
 * {@link dev.ist.worker.engine.IterationListener} as an immutable {@link dev.ist.worker.engine.IterationReport}
 * (iteration 0 = the initial image, iteration N = the final one); the report's
 * {@code snapshot()} is an {@link dev.ist.worker.engine.EngineState} that serialises with {@code toBytes()} and
 * resumes a transfer at the same global iteration via {@code TransferSpec.withResumeFrom}. Gram targets can be
 * computed once with {@code computeStyleTargets} and passed back in ({@code TransferSpec.withStyleTargets}); the
 * result lists the targets it used so a caller can cache them under {@link dev.ist.worker.engine.StyleTargets#cacheKey()}.
 *
 * <p>Failures are {@link dev.ist.worker.engine.EngineException}s with user-facing messages:
 * {@link dev.ist.worker.engine.InvalidSpecException}, {@link dev.ist.worker.engine.InvalidImageException},
 * {@link dev.ist.worker.engine.WeightsException}, {@link dev.ist.worker.engine.EngineOutOfMemoryException}
 * (with a suggested size) and {@link dev.ist.worker.engine.TransferCancelledException} (with the last state).
 *
 * <p>Settings are given at construction ({@link dev.ist.worker.engine.EngineSettings}: {@code ist.engine.max-pixels},
 * {@code ist.engine.max-output-pixels}, {@code ist.engine.threads}), never read during a transfer; the weights
 * resolver reads {@code ist.weights.cache-dir}, {@code ist.weights.url}, {@code ist.weights.offline} when it is made.
 */
package dev.ist.worker.engine;
