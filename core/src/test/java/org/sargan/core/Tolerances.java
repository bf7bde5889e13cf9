package org.sargan.core;

/** Every numeric tolerance of the test suite, named once. */
public final class Tolerances {
    private Tolerances() {
    }

    /** A float32 op against a hand-computed or double-precision value. */
    public static final double FP32_OP = 1e-5;
    /** Relative error of a float32 result that sums many products (GEMM, convolution) against a double reference. */
    public static final double FP32_SUM_REL = 1e-4;
    /** Step of the central finite differences. */
    public static final double FD_EPS = 1e-2;
    /** Analytic vs finite-difference gradient: |a - n| <= FD_ABS + FD_REL * |n|. */
    public static final double FD_ABS = 2e-3;
    public static final double FD_REL = 2e-2;

    /**
     * The gradient an op composes under create_graph against its fused kernel, relative to the largest element:
     * the same formula in float32, summed in another order (the fused CPU kernels sum in double).
     */
    public static final double COMPOSED_VS_FUSED = 1e-5;

    /**
     * CUDA against the CPU backend: |cuda - cpu| <= CUDA_VS_CPU_REL * |cpu| + CUDA_VS_CPU_OF_MAX * max|cpu|. The
     * second term covers values that sums cancel to near zero (their error scales with the terms, not the result).
     */
    public static final double CUDA_VS_CPU_REL = 2e-4;
    public static final double CUDA_VS_CPU_OF_MAX = 2e-5;

    /**
     * Our model against the authors' PyTorch code on the same weights and inputs (the interop fixtures):
     * |ours - theirs| <= INTEROP_REL * max|theirs|. Both compute in float32 with different summation orders.
     */
    public static final double INTEROP_REL = 1e-4;
    /** Rounding difference of our and their float32 gradients, relative to a tensor's largest gradient. */
    public static final double INTEROP_GRAD_REL = 1e-4;

    /** A few training iterations on CUDA against the CPU: differences compound through the updates. */
    public static final double CUDA_VS_CPU_TRAINING = 1e-3;
}
