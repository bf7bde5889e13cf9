package org.sargan.core;

/**
 * The seam between the autograd layer and the hardware. Every op of the engine is one of these raw, non-differentiable
 * kernels; {@code org.sargan.core.ops} wraps them with shape checks and gradients. The CPU backend is the reference;
 * a CUDA backend implements the same methods in the {@code kernels} module.
 *
 * <p>The methods are grouped by op family. A family has one name in every place it lives: normalization is
 * {@code ops.Normalization}, {@code cpu.CpuNormalization}, the CUDA backend's {@code CudaNormalization}, its
 * {@code normalization.cu} and the test suite {@code ops.NormalizationTest}.
 *
 * <p>Contract: inputs are contiguous tensors of this backend whose shapes the caller has already checked; a method
 * never writes into its inputs and returns a new tensor (or several) without autograd history.
 */
public interface Backend {
    /** Short name shown to users: "cpu", "cuda". */
    String name();

    /** One line for {@code sargan info}: the device and which implementation paths are active. */
    default String describe() {
        return name();
    }

    /** New zero-filled memory of {@code n} floats. */
    Storage allocate(int n);

    /** Copies host data into new memory of this backend. */
    Storage upload(float[] host);

    /** Copies memory back to a new host array. */
    float[] download(Storage storage);

    // ---- element-wise ----

    Tensor unary(Unary op, Tensor x, float alpha);

    /** {@code a op b} broadcast to {@code outShape} (already computed by the caller). */
    Tensor binary(Binary op, Tensor a, Tensor b, int[] outShape);

    // ---- reductions ----

    /** Sums {@code x} down to {@code shape}: same rank, each dimension equal to x's or 1 (summed over). */
    Tensor sumTo(Tensor x, int[] shape);

    /** Broadcasts {@code x} (same rank, dims of 1 repeated) up to {@code shape}. */
    Tensor expand(Tensor x, int[] shape);

    // ---- shapes ----

    /** Concatenation along dimension {@code dim}. */
    Tensor concat(Tensor[] xs, int dim);

    /** The slice {@code [start, start + length)} of dimension {@code dim}. */
    Tensor narrow(Tensor x, int dim, int start, int length);

    /** Adjoint of {@link #narrow}: embeds gy at {@code start} of dimension {@code dim} in zeros of {@code size}. */
    Tensor unnarrow(Tensor gy, int dim, int start, int size);

    // ---- linear algebra ----

    /** {@code op(a) * op(b)} for 2-D tensors, where op transposes when the flag is set. */
    Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB);

    // ---- convolutions ----

    /** Cross-correlation of x (N, Cin, H, W) with w (Cout, Cin, KH, KW), zero padding. */
    Tensor conv2d(Tensor x, Tensor w, ConvSpec spec);

    /** Gradient of conv2d with respect to its input: the transposed convolution of gy with w, shaped xShape. */
    Tensor conv2dInputGrad(Tensor gy, Tensor w, int[] xShape, ConvSpec spec);

    /** Gradient of conv2d with respect to its weight, shaped wShape. */
    Tensor conv2dWeightGrad(Tensor x, Tensor gy, int[] wShape, ConvSpec spec);

    // ---- spatial ----

    /** Reflection padding of the last two dimensions by {@code pad} (pad smaller than each of them). */
    Tensor reflectionPad(Tensor x, int pad);

    /** Adjoint of {@link #reflectionPad}: folds the padded border back onto the pixels it copied. */
    Tensor reflectionPadGrad(Tensor gy, int pad);

    /** Nearest-neighbour 2x upsampling of the last two dimensions. */
    Tensor upsample2x(Tensor x);

    /** Adjoint of {@link #upsample2x}: sums each 2x2 block. */
    Tensor upsample2xGrad(Tensor gy);

    // ---- normalization ----

    /**
     * Instance normalisation of x (N, C, H, W) with per-channel affine gamma, beta (C).
     *
     * @return {y (N, C, H, W), mean (N, C), rstd (N, C)} with biased variance: rstd = 1 / sqrt(var + eps)
     */
    Tensor[] instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps);

    /** @return {dx, dgamma, dbeta} from the statistics saved by {@link #instanceNorm}. */
    Tensor[] instanceNormGrad(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd);

    /**
     * {@code relu(instanceNorm(x))}: the same floats as {@link #instanceNorm} followed by {@link Unary#RELU}, which
     * is what this default does; a backend with a fused kernel writes y once instead of twice.
     *
     * @return {y (N, C, H, W), mean (N, C), rstd (N, C)}
     */
    default Tensor[] instanceNormRelu(Tensor x, Tensor gamma, Tensor beta, float eps) {
        Tensor[] r = instanceNorm(x, gamma, beta, eps);
        Tensor y = unary(Unary.RELU, r[0], 0f);
        r[0].storage().release();
        return new Tensor[] {y, r[1], r[2]};
    }

    /**
     * The gradient of {@link #instanceNormRelu} from its output y: {@link #instanceNormGrad} of gy times the ReLU's
     * slope (y > 0 ? 1 : 0), which is what this default does, through a mask and a product as big as x; a backend
     * with a fused kernel masks each plane as it reads it.
     *
     * @return {dx, dgamma, dbeta}
     */
    default Tensor[] instanceNormReluGrad(Tensor gy, Tensor y, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        Tensor mask = unary(Unary.LEAKY_RELU_SLOPE, y, 0f);
        Tensor gn = binary(Binary.MUL, gy, mask, gy.shape());
        mask.storage().release();
        Tensor[] g = instanceNormGrad(gn, x, gamma, mean, rstd);
        gn.storage().release();
        return g;
    }

    // ---- attention ----

    /**
     * The SARB gating {@code y = identity + h * sigmoid(z)}: identity and h (N, C, H, W), z (N, 1, H, W) broadcast
     * over channels.
     */
    Tensor attentionGate(Tensor identity, Tensor h, Tensor z);

    /** @return {dh, dz}; d identity is gy itself. */
    Tensor[] attentionGateGrad(Tensor gy, Tensor h, Tensor z);

    // ---- losses ----

    /** Softmax over the last dimension of a 2-D tensor. */
    Tensor softmax(Tensor x);

    /** Mean over rows of {@code -log softmax(logits)[label]}; returns a scalar tensor. */
    Tensor crossEntropy(Tensor logits, int[] labels);

    // ---- optimiser ----

    /**
     * One fused Adam step (PyTorch's formula, in this order of float operations):
     * m' = b1 m + (1 - b1) g; v' = b2 v + (1 - b2) g^2; p' = p - (m' / (sqrt(v') * invC2 + eps)) * lrOverC1,
     * where lrOverC1 = lr / (1 - b1^t) and invC2 = 1 / sqrt(1 - b2^t).
     *
     * <p>The caller gives p, m and v up: a backend may write p', m', v' into their memory and return them (the CPU
     * backend does, as PyTorch's in-place update: a 128 px discriminator's largest weight is 134 MB, and new copies
     * of it and its moments would have been the step's memory peak), or return new tensors (the CUDA backend does).
     *
     * @param m the first moment, or null on the first step (then m = v = 0)
     * @param v the second moment, or null on the first step
     * @return {p', m', v'}
     */
    Tensor[] adamUpdate(Tensor p, Tensor g, Tensor m, Tensor v, float lrOverC1, float invC2, float beta1, float beta2,
            float eps);

    /**
     * {@code acc + g}, for the autograd engine adding up the gradient of a leaf that several paths reach. The caller
     * gives acc up: a backend may add g into acc's memory and return acc (the CPU backend does), which saves a third
     * array of the weight's size at the moment the gradients meet; by default it returns a new tensor. The same floats
     * either way ({@code acc[i] + g[i]}).
     */
    default Tensor accumulate(Tensor acc, Tensor g) {
        return binary(Binary.ADD, acc, g, acc.shape());
    }
}
