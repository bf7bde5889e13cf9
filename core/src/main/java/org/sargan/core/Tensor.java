package org.sargan.core;

import java.util.Arrays;
import java.util.Random;
import org.sargan.core.ops.Elementwise;
import org.sargan.core.ops.LinearAlgebra;
import org.sargan.core.ops.Reductions;
import org.sargan.core.ops.Shapes;

/**
 * A dense float32 tensor in row-major (NCHW) order, living on one {@link Backend}, with reverse-mode autograd.
 *
 * <pre>{@code
 * Tensor w = Tensor.of(new float[] {2, -1}, 2).requiresGrad(true);
 * Tensor x = Tensor.of(new float[] {3, 4}, 2);
 * Tensor loss = w.mul(x).sum();   // 2*3 - 1*4 = 2
 * loss.backward();
 * w.grad();                       // [3, 4]
 * }</pre>
 *
 * <p>Tensors are immutable: every op returns a new tensor, so several tensors may share one {@link Storage}
 * ({@link #reshape}, {@link #detach}). Gradients accumulate into {@link #grad()} of leaf tensors that require them.
 */
public final class Tensor {
    private final int[] shape;
    private final Storage storage;
    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    /** Wraps existing storage; the storage must hold exactly numel(shape) elements. */
    public Tensor(Storage storage, int[] shape) {
        int[] s = Shape.checkValid("tensor", shape);
        if (storage.size() != Shape.numel(s)) {
            throw new IllegalArgumentException("tensor: storage of " + storage.size() + " elements cannot hold shape "
                    + Shape.str(s) + " (" + Shape.numel(s) + " elements)");
        }
        this.storage = storage;
        this.shape = s;
    }

    // ---- factories (on the current default backend) ----

    /** A tensor holding a copy of {@code data} with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = Shape.checkValid("of", shape);
        if (data.length != Shape.numel(s)) {
            throw new IllegalArgumentException("of: " + data.length + " values do not fill shape " + Shape.str(s)
                    + " (" + Shape.numel(s) + " elements)");
        }
        return new Tensor(Backends.current().upload(data), s);
    }

    public static Tensor scalar(float v) {
        return new Tensor(Backends.current().upload(new float[] {v}), new int[0]);
    }

    public static Tensor zeros(int... shape) {
        int[] s = Shape.checkValid("zeros", shape);
        return new Tensor(Backends.current().allocate(Shape.numel(s)), s);
    }

    public static Tensor full(float value, int... shape) {
        int[] s = Shape.checkValid("full", shape);
        float[] d = new float[Shape.numel(s)];
        Arrays.fill(d, value);
        return new Tensor(Backends.current().upload(d), s);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** Standard normal samples from {@code rng} (deterministic per seed). */
    public static Tensor randn(Random rng, int... shape) {
        int[] s = Shape.checkValid("randn", shape);
        float[] d = new float[Shape.numel(s)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return new Tensor(Backends.current().upload(d), s);
    }

    /** Uniform samples in {@code [lo, hi)} from {@code rng}. */
    public static Tensor uniform(Random rng, float lo, float hi, int... shape) {
        int[] s = Shape.checkValid("uniform", shape);
        float[] d = new float[Shape.numel(s)];
        for (int i = 0; i < d.length; i++) {
            d[i] = lo + (hi - lo) * rng.nextFloat();
        }
        return new Tensor(Backends.current().upload(d), s);
    }

    // ---- metadata and data ----

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? i + shape.length : i];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return storage.size();
    }

    public Storage storage() {
        return storage;
    }

    /** The backend that runs ops on this tensor: its storage's (timed while a {@link Profiler} records). */
    public Backend backend() {
        return Profiler.wrap(storage.backend());
    }

    /** Copies the values to a new host array (from the device, for a GPU tensor). */
    public float[] toArray() {
        return storage.backend().download(storage);
    }

    /**
     * This tensor's values on {@code target} (a copy through the host; the same tensor if it already lives there).
     * The copy has no autograd history.
     */
    public Tensor to(Backend target) {
        if (storage.backend() == target) {
            return this;
        }
        return new Tensor(target.upload(toArray()), shape);
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Shape.str(shape) + " has " + numel()
                    + " elements, expected 1");
        }
        return toArray()[0];
    }

    // ---- autograd ----

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor as a variable whose gradient {@link #backward()} accumulates into {@link #grad()}.
     *
     * @return this tensor, for chaining
     */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a tensor computed by '" + gradFn.op()
                    + "': use detach() to cut it from the graph");
        }
        this.requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf tensor, or null before any backward pass reached it. */
    public Tensor grad() {
        return grad;
    }

    /** Forgets the accumulated gradient (optimisers call this between steps). */
    public void zeroGrad() {
        grad = null;
    }

    void setGrad(Tensor g) {
        grad = g;
    }

    /** The node that computed this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    void setGradFn(Node node) {
        gradFn = node;
        requiresGrad = true;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Back-propagates from this scalar; the graph is released afterwards. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Back-propagates {@code gradOutput} (same shape as this tensor). */
    public void backward(Tensor gradOutput, boolean retainGraph) {
        Autograd.backward(this, gradOutput, retainGraph);
    }

    /** The same values, cut from the graph: a leaf that does not require grad. Shares storage. */
    public Tensor detach() {
        return new Tensor(storage, shape);
    }

    // ---- ops (thin forwards to org.sargan.core.ops, where shapes are checked and gradients defined) ----

    public Tensor add(Tensor o) {
        return Elementwise.add(this, o);
    }

    public Tensor sub(Tensor o) {
        return Elementwise.sub(this, o);
    }

    public Tensor mul(Tensor o) {
        return Elementwise.mul(this, o);
    }

    public Tensor div(Tensor o) {
        return Elementwise.div(this, o);
    }

    public Tensor add(float c) {
        return Elementwise.addScalar(this, c);
    }

    public Tensor mul(float c) {
        return Elementwise.scale(this, c);
    }

    public Tensor neg() {
        return Elementwise.neg(this);
    }

    public Tensor exp() {
        return Elementwise.exp(this);
    }

    public Tensor log() {
        return Elementwise.log(this);
    }

    public Tensor sqrt() {
        return Elementwise.sqrt(this);
    }

    public Tensor pow(float p) {
        return Elementwise.pow(this, p);
    }

    public Tensor abs() {
        return Elementwise.abs(this);
    }

    public Tensor relu() {
        return Elementwise.relu(this);
    }

    public Tensor leakyRelu(float slope) {
        return Elementwise.leakyRelu(this, slope);
    }

    public Tensor tanh() {
        return Elementwise.tanh(this);
    }

    public Tensor sigmoid() {
        return Elementwise.sigmoid(this);
    }

    /** Sum of all elements: a scalar. */
    public Tensor sum() {
        return Reductions.sum(this);
    }

    /** Sum over {@code dims}, keeping them as size 1 when {@code keepDim}. */
    public Tensor sum(int[] dims, boolean keepDim) {
        return Reductions.sum(this, dims, keepDim);
    }

    public Tensor mean() {
        return Reductions.mean(this);
    }

    public Tensor mean(int[] dims, boolean keepDim) {
        return Reductions.mean(this, dims, keepDim);
    }

    /** Same data, new shape; one dimension may be -1 (inferred). */
    public Tensor reshape(int... newShape) {
        return Shapes.reshape(this, newShape);
    }

    public Tensor matmul(Tensor o) {
        return LinearAlgebra.matmul(this, o);
    }

    @Override
    public String toString() {
        float[] d = numel() <= 16 ? toArray() : null;
        return "Tensor" + Shape.str(shape) + (d != null ? Arrays.toString(d) : "")
                + (gradFn != null ? " grad_fn=" + gradFn.op() : requiresGrad ? " requires_grad" : "")
                + " on " + backend().name();
    }
}
