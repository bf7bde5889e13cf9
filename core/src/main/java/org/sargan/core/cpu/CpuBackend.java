package org.sargan.core.cpu;

import org.sargan.core.Backend;
import org.sargan.core.Binary;
import org.sargan.core.ConvGeometry;
import org.sargan.core.ConvSpec;
import org.sargan.core.MemoryScope;
import org.sargan.core.Shape;
import org.sargan.core.Storage;
import org.sargan.core.Tensor;
import org.sargan.core.Unary;

/**
 * The reference backend: pure Java, all cores ({@link Parallel}), SIMD GEMM when the Vector API is enabled.
 * Each method unwraps float arrays and hands them to the kernel class of its family, which bears the family's name
 * (elementwise: {@code CpuElementwise}, as {@code ops.Elementwise}, {@code CudaElementwise} and
 * {@code elementwise.cu}).
 */
public final class CpuBackend implements Backend {
    public static final String NAME = "cpu";
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The array behind a CPU tensor (read-only by convention: tensors are immutable). */
    public static float[] data(Tensor t) {
        Storage s = t.storage();
        if (!(s instanceof CpuStorage cs)) {
            throw new IllegalArgumentException("cpu: tensor " + Shape.str(t.shape()) + " lives on backend "
                    + s.backend().name() + ", not the CPU");
        }
        return cs.data();
    }

    /**
     * Whether arrays freed by a {@link MemoryScope} are reused by later ops (the default) or left to the collector.
     * Results are the same bits either way; tests compare the two.
     */
    public static void reuseArrays(boolean on) {
        ArrayPool.setEnabled(on);
    }

    private static Tensor wrap(float[] data, int[] shape) {
        return new Tensor(storage(data), shape);
    }

    /** Every storage joins the open MemoryScope, if any: closing it hands the arrays back to the ArrayPool. */
    private static CpuStorage storage(float[] data) {
        CpuStorage s = new CpuStorage(data);
        MemoryScope.track(s);
        return s;
    }

    @Override
    public Storage allocate(int n) {
        return storage(ArrayPool.zeroed(n));
    }

    @Override
    public Storage upload(float[] host) {
        return storage(host.clone());
    }

    @Override
    public float[] download(Storage storage) {
        return ((CpuStorage) storage).data().clone();
    }

    @Override
    public Tensor unary(Unary op, Tensor x, float alpha) {
        return wrap(CpuElementwise.unary(op, data(x), alpha), x.shape());
    }

    @Override
    public Tensor binary(Binary op, Tensor a, Tensor b, int[] outShape) {
        return wrap(CpuElementwise.binary(op, data(a), a.shape(), data(b), b.shape(), outShape), outShape);
    }

    /** In place: acc's array gets g added (the caller gave acc up). */
    @Override
    public Tensor accumulate(Tensor acc, Tensor g) {
        CpuElementwise.addInto(data(acc), data(g));
        return acc;
    }

    @Override
    public Tensor sumTo(Tensor x, int[] shape) {
        return wrap(CpuReductions.sumTo(data(x), x.shape(), shape), shape);
    }

    @Override
    public Tensor expand(Tensor x, int[] shape) {
        return wrap(CpuReductions.expand(data(x), x.shape(), shape), shape);
    }

    @Override
    public Tensor concat(Tensor[] xs, int dim) {
        int[] out = xs[0].shape();
        out[dim] = 0;
        float[][] parts = new float[xs.length][];
        int[][] shapes = new int[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            out[dim] += xs[i].dim(dim);
            parts[i] = data(xs[i]);
            shapes[i] = xs[i].shape();
        }
        return wrap(CpuShapes.concat(parts, shapes, out, dim), out);
    }

    @Override
    public Tensor narrow(Tensor x, int dim, int start, int length) {
        int[] out = x.shape();
        out[dim] = length;
        return wrap(CpuShapes.narrow(data(x), x.shape(), dim, start, length), out);
    }

    @Override
    public Tensor unnarrow(Tensor gy, int dim, int start, int size) {
        int[] out = gy.shape();
        out[dim] = size;
        return wrap(CpuShapes.unnarrow(data(gy), gy.shape(), dim, start, size), out);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        float[] c = CpuLinearAlgebra.matmul(data(a), a.dim(0), a.dim(1), transA, data(b), b.dim(0), b.dim(1), transB);
        return wrap(c, new int[] {transA ? a.dim(1) : a.dim(0), transB ? b.dim(0) : b.dim(1)});
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor w, ConvSpec spec) {
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), spec);
        return wrap(CpuConvolutions.forward(data(x), data(w), g), new int[] {g.n(), g.cout(), g.ho(), g.wo()});
    }

    @Override
    public Tensor conv2dInputGrad(Tensor gy, Tensor w, int[] xShape, ConvSpec spec) {
        ConvGeometry g = ConvGeometry.of(xShape, w.shape(), spec);
        return wrap(CpuConvolutions.inputGrad(data(gy), data(w), g), xShape);
    }

    @Override
    public Tensor conv2dWeightGrad(Tensor x, Tensor gy, int[] wShape, ConvSpec spec) {
        ConvGeometry g = ConvGeometry.of(x.shape(), wShape, spec);
        return wrap(CpuConvolutions.weightGrad(data(x), data(gy), g), wShape);
    }

    @Override
    public Tensor reflectionPad(Tensor x, int pad) {
        int[] s = x.shape();
        float[] y = CpuSpatial.reflectionPad(data(x), s[0] * s[1], s[2], s[3], pad);
        return wrap(y, new int[] {s[0], s[1], s[2] + 2 * pad, s[3] + 2 * pad});
    }

    @Override
    public Tensor reflectionPadGrad(Tensor gy, int pad) {
        int[] s = gy.shape();
        int h = s[2] - 2 * pad;
        int w = s[3] - 2 * pad;
        return wrap(CpuSpatial.reflectionPadGrad(data(gy), s[0] * s[1], h, w, pad), new int[] {s[0], s[1], h, w});
    }

    @Override
    public Tensor upsample2x(Tensor x) {
        int[] s = x.shape();
        return wrap(CpuSpatial.upsample2x(data(x), s[0] * s[1], s[2], s[3]),
                new int[] {s[0], s[1], 2 * s[2], 2 * s[3]});
    }

    @Override
    public Tensor upsample2xGrad(Tensor gy) {
        int[] s = gy.shape();
        return wrap(CpuSpatial.upsample2xGrad(data(gy), s[0] * s[1], s[2] / 2, s[3] / 2),
                new int[] {s[0], s[1], s[2] / 2, s[3] / 2});
    }

    @Override
    public Tensor[] instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int[] s = x.shape();
        float[][] r = CpuNormalization.instanceNorm(data(x), data(gamma), data(beta), s[0], s[1], s[2] * s[3], eps);
        int[] stats = {s[0], s[1]};
        return new Tensor[] {wrap(r[0], s), wrap(r[1], stats), wrap(r[2], stats)};
    }

    @Override
    public Tensor[] instanceNormGrad(Tensor gy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        int[] s = x.shape();
        float[][] r = CpuNormalization.instanceNormGrad(data(gy), data(x), data(gamma), data(mean), data(rstd), s[0],
                s[1], s[2] * s[3]);
        return new Tensor[] {wrap(r[0], s), wrap(r[1], gamma.shape()), wrap(r[2], gamma.shape())};
    }

    @Override
    public Tensor[] instanceNormRelu(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int[] s = x.shape();
        float[][] r = CpuNormalization.instanceNormRelu(data(x), data(gamma), data(beta), s[0], s[1], s[2] * s[3],
                eps);
        int[] stats = {s[0], s[1]};
        return new Tensor[] {wrap(r[0], s), wrap(r[1], stats), wrap(r[2], stats)};
    }

    @Override
    public Tensor[] instanceNormReluGrad(Tensor gy, Tensor y, Tensor x, Tensor gamma, Tensor mean, Tensor rstd) {
        int[] s = x.shape();
        float[][] r = CpuNormalization.instanceNormReluGrad(data(gy), data(y), data(x), data(gamma), data(mean),
                data(rstd), s[0], s[1], s[2] * s[3]);
        return new Tensor[] {wrap(r[0], s), wrap(r[1], gamma.shape()), wrap(r[2], gamma.shape())};
    }

    @Override
    public Tensor attentionGate(Tensor identity, Tensor h, Tensor z) {
        int[] s = h.shape();
        return wrap(CpuAttention.attentionGate(data(identity), data(h), data(z), s[0], s[1], s[2] * s[3]), s);
    }

    @Override
    public Tensor[] attentionGateGrad(Tensor gy, Tensor h, Tensor z) {
        int[] s = h.shape();
        float[][] r = CpuAttention.attentionGateGrad(data(gy), data(h), data(z), s[0], s[1], s[2] * s[3]);
        return new Tensor[] {wrap(r[0], s), wrap(r[1], z.shape())};
    }

    @Override
    public Tensor softmax(Tensor x) {
        return wrap(CpuLosses.softmax(data(x), x.dim(0), x.dim(1)), x.shape());
    }

    @Override
    public Tensor crossEntropy(Tensor logits, int[] labels) {
        return wrap(new float[] {CpuLosses.crossEntropy(data(logits), logits.dim(0), logits.dim(1), labels)},
                new int[0]);
    }

    @Override
    public Tensor[] adamUpdate(Tensor p, Tensor g, Tensor m, Tensor v, float lrOverC1, float invC2, float beta1,
            float beta2, float eps) {
        // in place (the caller gave p, m, v up); only the first step's moments are new arrays
        float[][] r = CpuOptimiser.adam(data(p), data(g), m == null ? null : data(m), v == null ? null : data(v),
                lrOverC1, invC2, beta1, beta2, eps);
        return new Tensor[] {p, m == null ? wrap(r[1], p.shape()) : m, v == null ? wrap(r[2], p.shape()) : v};
    }

    @Override
    public String describe() {
        return NAME + ": " + Parallel.threads() + " threads, GEMM " + SimdSupport.describe();
    }
}
