package dev.ist.common.job;

/**
 * How the output's colours relate to the photo's. {@link #NONE}: the style's colours (the paper's result).
 * {@link #LUMINANCE}: style transferred on luminance only, the photo's chroma kept (the old {@code preserveColors}).
 * {@link #HISTOGRAM}: each style image's colour distribution is matched to the photo's before optimising
 * (Gatys et al. 2017, colour histogram matching).
 */
public enum ColorTransfer { NONE, LUMINANCE, HISTOGRAM }
