package org.sargan.core;

/** Element-wise functions of two tensors with NumPy broadcasting. */
public enum Binary {
    ADD, SUB, MUL, DIV
}
