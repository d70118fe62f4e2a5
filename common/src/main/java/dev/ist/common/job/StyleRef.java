package dev.ist.common.job;

/**
 * One style image and its blend weight. Weights of all styles of a job are normalised by the engine,
 * so {@code 0.7, 0.3} and {@code 7, 3} mean the same.
 */
public record StyleRef(ImageRef image, double weight) {
}
