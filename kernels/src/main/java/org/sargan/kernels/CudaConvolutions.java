package org.sargan.kernels;

import static org.sargan.kernels.Launcher.storage;

import org.sargan.core.ConvGeometry;
import org.sargan.core.ConvSpec;
import org.sargan.core.Shape;
import org.sargan.core.Tensor;

/**
 * Convolutions family on the GPU: im2col / col2im (convolutions.cu) around one GEMM per direction. The im2col
 * matrix is (K = cin*kh*kw, P = n*ho*wo); the GEMM's (Cout, P) result is permuted to the tensor's (N, Cout, HoWo).
 */
final class CudaConvolutions {
    private final Launcher gpu;
    private final CudaLinearAlgebra linearAlgebra;
    private final CudaShapes shapes;

    CudaConvolutions(Launcher gpu, CudaLinearAlgebra linearAlgebra, CudaShapes shapes) {
        this.gpu = gpu;
        this.linearAlgebra = linearAlgebra;
        this.shapes = shapes;
    }

    /** The kernels take the geometry as ten ints. */
    private static KernelArgs geometry(KernelArgs a, ConvGeometry g) {
        return a.i(g.n()).i(g.cin()).i(g.h()).i(g.w()).i(g.kh()).i(g.kw()).i(g.stride()).i(g.pad()).i(g.ho())
                .i(g.wo());
    }

    private static int pixels(ConvGeometry g) {
        return g.n() * g.outPixels();
    }

    private CudaStorage im2col(CudaStorage x, ConvGeometry g, String what) {
        int size = g.patch() * pixels(g);
        CudaStorage cols = gpu.empty(size, what + " im2col");
        gpu.launch("im2col_kernel", gpu.linear(size), geometry(new KernelArgs().ptr(x).ptr(cols), g), what);
        return cols;
    }

    Tensor conv2d(Tensor x, Tensor w, ConvSpec spec) {
        String what = "conv2d " + Shape.str(x.shape()) + " * " + Shape.str(w.shape()) + " " + spec;
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), spec);
        int k = g.patch();
        int p = pixels(g);
        CudaStorage cols = im2col(storage(x, what), g, what);  // (K, P)
        CudaStorage yT = gpu.empty(g.cout() * p, what);  // (Cout, N, Ho*Wo)
        linearAlgebra.gemm(storage(w, what), cols, yT, g.cout(), p, k, k, 1, p, 1, what);
        cols.release();
        Tensor y = new Tensor(shapes.swap01(yT, g.cout(), g.n(), g.outPixels(), what),
                new int[] {g.n(), g.cout(), g.ho(), g.wo()});
        yT.release();
        return y;
    }

    Tensor conv2dInputGrad(Tensor gy, Tensor w, int[] xShape, ConvSpec spec) {
        String what = "conv2d input grad " + Shape.str(gy.shape()) + " * " + Shape.str(w.shape()) + " " + spec;
        ConvGeometry g = ConvGeometry.of(xShape, w.shape(), spec);
        int k = g.patch();
        int p = pixels(g);
        CudaStorage gT = shapes.swap01(storage(gy, what), g.n(), g.cout(), g.outPixels(), what);  // (Cout, N*HoWo)
        CudaStorage dcols = gpu.empty(k * p, what + " dcols");
        // dcols (K, P) = W^T (K, Cout) * gT (Cout, P); W is (Cout, K), read transposed
        linearAlgebra.gemm(storage(w, what), gT, dcols, k, p, g.cout(), 1, k, p, 1, what);
        Tensor dx = gpu.emptyTensor(xShape, what);
        gpu.launch("col2im_kernel", gpu.linear(Shape.numel(xShape)), geometry(new KernelArgs().ptr(dcols)
                .ptr(storage(dx, what)), g), what);
        gT.release();
        dcols.release();
        return dx;
    }

    Tensor conv2dWeightGrad(Tensor x, Tensor gy, int[] wShape, ConvSpec spec) {
        String what = "conv2d weight grad " + Shape.str(x.shape()) + ", " + Shape.str(gy.shape()) + " " + spec;
        ConvGeometry g = ConvGeometry.of(x.shape(), wShape, spec);
        int p = pixels(g);
        CudaStorage cols = im2col(storage(x, what), g, what);  // (K, P)
        CudaStorage gT = shapes.swap01(storage(gy, what), g.n(), g.cout(), g.outPixels(), what);  // (Cout, P)
        Tensor dw = gpu.emptyTensor(wShape, what);
        // dW (Cout, K) = gT (Cout, P) * cols^T (P, K)
        linearAlgebra.gemm(gT, cols, storage(dw, what), g.cout(), g.patch(), p, p, 1, 1, p, what);
        cols.release();
        gT.release();
        return dw;
    }
}
