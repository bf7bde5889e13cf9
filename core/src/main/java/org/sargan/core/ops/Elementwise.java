package org.sargan.core.ops;

import org.sargan.core.Autograd;
import org.sargan.core.Backend;
import org.sargan.core.Binary;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;
import org.sargan.core.Unary;

/**
 * Element-wise arithmetic with NumPy broadcasting, and the activation functions.
 * Every backward rule is written with these same differentiable ops, so second derivatives work.
 * Derivatives that are piecewise constant (ReLU, LeakyReLU, abs) use a constant mask: their second derivative is
 * zero almost everywhere.
 */
public final class Elementwise {
    private Elementwise() {
    }

    /** The backend both operands live on; mixing backends is an error. */
    static Backend backendOf(String op, Tensor a, Tensor b) {
        if (a.backend() != b.backend()) {
            throw new IllegalArgumentException(op + ": operands live on different backends: " + a.backend().name()
                    + " " + Shape.str(a.shape()) + " and " + b.backend().name() + " " + Shape.str(b.shape()));
        }
        return a.backend();
    }

    private static Tensor binary(String name, Binary op, Tensor a, Tensor b) {
        Backend be = backendOf(name, a, b);
        int[] out = Shape.broadcast(name, a.shape(), b.shape());
        return be.binary(op, a, b, out);
    }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor y = binary("add", Binary.ADD, a, b);
        return Autograd.record("add", y, new Tensor[] {a, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? Reductions.sumTo(gy, a.shape()) : null,
            needs[1] ? Reductions.sumTo(gy, b.shape()) : null});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor y = binary("sub", Binary.SUB, a, b);
        return Autograd.record("sub", y, new Tensor[] {a, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? Reductions.sumTo(gy, a.shape()) : null,
            needs[1] ? Reductions.sumTo(neg(gy), b.shape()) : null});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor y = binary("mul", Binary.MUL, a, b);
        return Autograd.record("mul", y, new Tensor[] {a, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? Reductions.sumTo(mul(gy, b), a.shape()) : null,
            needs[1] ? Reductions.sumTo(mul(gy, a), b.shape()) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor y = binary("div", Binary.DIV, a, b);
        // d(a/b)/db = -a / b^2
        return Autograd.record("div", y, new Tensor[] {a, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? Reductions.sumTo(div(gy, b), a.shape()) : null,
            needs[1] ? Reductions.sumTo(neg(div(mul(gy, a), mul(b, b))), b.shape()) : null});
    }

    private static Tensor unary(Unary op, Tensor x, float alpha) {
        return x.backend().unary(op, x, alpha);
    }

    /** A value computed from x that the graph treats as a constant (used for piecewise-constant derivatives). */
    private static Tensor constant(Unary op, Tensor x, float alpha) {
        return unary(op, x.detach(), alpha);
    }

    public static Tensor neg(Tensor x) {
        Tensor y = unary(Unary.NEG, x, 0);
        return Autograd.record("neg", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {neg(gy)});
    }

    public static Tensor scale(Tensor x, float c) {
        Tensor y = unary(Unary.SCALE, x, c);
        return Autograd.record("scale", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {scale(gy, c)});
    }

    public static Tensor addScalar(Tensor x, float c) {
        Tensor y = unary(Unary.ADD_SCALAR, x, c);
        return Autograd.record("add_scalar", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {gy});
    }

    public static Tensor exp(Tensor x) {
        Tensor y = unary(Unary.EXP, x, 0);
        return Autograd.record("exp", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {mul(gy, y)});
    }

    public static Tensor log(Tensor x) {
        Tensor y = unary(Unary.LOG, x, 0);
        return Autograd.record("log", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {div(gy, x)});
    }

    public static Tensor sqrt(Tensor x) {
        Tensor y = unary(Unary.SQRT, x, 0);
        return Autograd.record("sqrt", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {scale(div(gy, y), 0.5f)});
    }

    /** {@code x ^ p} for a constant exponent. */
    public static Tensor pow(Tensor x, float p) {
        Tensor y = unary(Unary.POW, x, p);
        return Autograd.record("pow", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            mul(gy, scale(pow(x, p - 1), p))});
    }

    public static Tensor abs(Tensor x) {
        Tensor y = unary(Unary.ABS, x, 0);
        return Autograd.record("abs", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            mul(gy, constant(Unary.SIGN, x, 0))});
    }

    public static Tensor relu(Tensor x) {
        Tensor y = unary(Unary.RELU, x, 0);
        return Autograd.record("relu", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            mul(gy, constant(Unary.LEAKY_RELU_SLOPE, x, 0f))});
    }

    /** {@code x > 0 ? x : slope * x} (the discriminator uses slope 0.01). */
    public static Tensor leakyRelu(Tensor x, float slope) {
        Tensor y = unary(Unary.LEAKY_RELU, x, slope);
        return Autograd.record("leaky_relu", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            mul(gy, constant(Unary.LEAKY_RELU_SLOPE, x, slope))});
    }

    public static Tensor tanh(Tensor x) {
        Tensor y = unary(Unary.TANH, x, 0);
        // d tanh = 1 - tanh^2, written on y so that it is differentiable again
        return Autograd.record("tanh", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            mul(gy, addScalar(neg(mul(y, y)), 1f))});
    }

    public static Tensor sigmoid(Tensor x) {
        Tensor y = unary(Unary.SIGMOID, x, 0);
        // d sigmoid = s * (1 - s)
        return Autograd.record("sigmoid", y, new Tensor[] {x}, (gy, needs) -> new Tensor[] {
            mul(gy, mul(y, addScalar(neg(y), 1f)))});
    }
}
