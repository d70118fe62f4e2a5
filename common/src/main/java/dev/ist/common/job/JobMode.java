package dev.ist.common.job;

/**
 * How a job makes its image: {@code OPTIMIZE} runs the Gatys et al. optimisation against the job's style images
 * (minutes); {@code FAST} runs one pass of a pre-trained feed-forward network from the model registry, named by
 * {@link JobOptions#model()} (about a second), and needs no style image.
 */
public enum JobMode {
    OPTIMIZE,
    FAST
}
