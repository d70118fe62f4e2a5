package dev.ist.common.job;

/**
 * The style term. {@link #GRAM}: squared distance of Gram matrices (the paper's). {@link #WASSERSTEIN}: the
 * 2-Wasserstein distance between Gaussian fits (mean and covariance) of the feature distributions.
 */
public enum StyleLoss { GRAM, WASSERSTEIN }
