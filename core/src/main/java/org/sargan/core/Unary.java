package org.sargan.core;

/**
 * Element-wise functions of one tensor, with an optional scalar parameter {@code alpha}.
 * Each backend implements all of them; {@link org.sargan.core.ops.Elementwise} adds the gradients.
 */
public enum Unary {
    NEG, EXP, LOG, SQRT, ABS,
    /** -1, 0 or +1. */
    SIGN,
    RELU,
    /** {@code x > 0 ? x : alpha * x}. */
    LEAKY_RELU,
    /** The LeakyReLU derivative: {@code x > 0 ? 1 : alpha}. */
    LEAKY_RELU_SLOPE,
    TANH, SIGMOID,
    /** {@code x ^ alpha}. */
    POW,
    /** {@code alpha * x}. */
    SCALE,
    /** {@code x + alpha}. */
    ADD_SCALAR
}
