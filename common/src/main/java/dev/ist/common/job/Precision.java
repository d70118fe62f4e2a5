package dev.ist.common.job;

/**
 * The arithmetic the network runs in. {@link #FP32}: everything in float32. {@link #BF16}: convolutions, ReLUs and
 * poolings in bfloat16; Gram matrices, losses and the optimiser in float32. {@link #AUTO} is a request only: the
 * worker turns it into one of the other two for the device at hand.
 */
public enum Precision { FP32, BF16, AUTO }
