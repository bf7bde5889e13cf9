package org.sargan.nn;

import org.sargan.core.Tensor;

/** Parameter-free element-wise layers: ReLU, LeakyReLU(slope), Tanh, Sigmoid. */
public final class Activation extends Layer {
    /** Which function. */
    public enum Kind {
        RELU, LEAKY_RELU, TANH, SIGMOID
    }

    private final Kind kind;
    private final float slope;

    private Activation(Kind kind, float slope) {
        this.kind = kind;
        this.slope = slope;
    }

    public static Activation relu() {
        return new Activation(Kind.RELU, 0);
    }

    public static Activation leakyRelu(float slope) {
        return new Activation(Kind.LEAKY_RELU, slope);
    }

    public static Activation tanh() {
        return new Activation(Kind.TANH, 0);
    }

    public static Activation sigmoid() {
        return new Activation(Kind.SIGMOID, 0);
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public Tensor forward(Tensor x) {
        return switch (kind) {
            case RELU -> x.relu();
            case LEAKY_RELU -> x.leakyRelu(slope);
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
        };
    }

    @Override
    public int[] outputShape(int[] s) {
        return s.clone();
    }

    @Override
    public String toString() {
        return kind == Kind.LEAKY_RELU ? "LeakyReLU(" + slope + ")" : kind.name();
    }
}
