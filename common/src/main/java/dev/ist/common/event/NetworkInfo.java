package dev.ist.common.event;

/**
 * The network a job ran with, as its manifest records it: a user who got a seeded random network (asked for by name,
 * never a fallback) must be told that the result is no real style transfer.
 *
 * @param weights what the weights are (a file's name, a registered model, or {@code random(seed=…)})
 * @param sha256  the weights' checksum
 * @param random  true for a seeded random network
 */
public record NetworkInfo(String weights, String sha256, boolean random) {

    /** How a seeded random network describes itself (see the worker's RandomWeights). */
    public static final String RANDOM_PREFIX = "random(";

    /** From a manifest's weights description: random when it is a seeded random network's. */
    public static NetworkInfo of(String weights, String sha256) {
        return new NetworkInfo(weights, sha256, weights != null && weights.startsWith(RANDOM_PREFIX));
    }
}
