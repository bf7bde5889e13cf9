package org.sargan.kernels;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.sargan.core.Backend;
import org.sargan.core.GradientTest;
import org.sargan.core.ops.AttentionTest;
import org.sargan.core.ops.ConvolutionsTest;
import org.sargan.core.ops.ElementwiseTest;
import org.sargan.core.ops.LinearAlgebraTest;
import org.sargan.core.ops.LossesTest;
import org.sargan.core.ops.NormalizationTest;
import org.sargan.core.ops.OptimiserTest;
import org.sargan.core.ops.ReductionsTest;
import org.sargan.core.ops.ShapesTest;
import org.sargan.core.ops.SpatialTest;

/**
 * Core's family suites, written once, run on CUDA: hand-computed values, finite differences of first and second
 * order, and the create_graph gradients against the fused kernels. Maven runs this class against the real driver
 * (every test skipped, with the reason, on a machine without a GPU) and against the host emulator.
 */
class CudaFamiliesTest {
    private static CudaBackend cuda;
    private static String unavailable;

    /** The CUDA backend, or a skip with the reason it is unavailable. */
    static synchronized Backend cuda() {
        if (cuda == null && unavailable == null) {
            try {
                cuda = CudaBackend.create();
            } catch (IllegalStateException e) {
                unavailable = e.getMessage();
            }
        }
        Assumptions.assumeTrue(cuda != null, unavailable);
        return cuda;
    }

    @Nested
    class Elementwise extends ElementwiseTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class Reductions extends ReductionsTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class Shapes extends ShapesTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class LinearAlgebra extends LinearAlgebraTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class Convolutions extends ConvolutionsTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class Spatial extends SpatialTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class Normalization extends NormalizationTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class Attention extends AttentionTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class Losses extends LossesTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class Optimiser extends OptimiserTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }

    @Nested
    class Gradients extends GradientTest {
        @Override
        protected Backend backend() {
            return cuda();
        }
    }
}
