/**
 * The fast path: pre-trained feed-forward style networks (Johnson et al. 2016 style "transformer nets") from the
 * model registry in object storage, run on DJL's ONNX Runtime engine. {@link dev.ist.worker.fast.FastStyleEngine} is
 * what the job runtime calls for a job of mode FAST; {@link dev.ist.common.model.OnnxStyleNetwork} loads and checks one
 * network, {@link dev.ist.worker.fast.TiledInference} runs it on images larger than it takes in one pass,
 * {@link dev.ist.worker.fast.ModelCache} keeps a bounded set loaded, and {@code FastBench} measures it.
 */
package dev.ist.worker.fast;
