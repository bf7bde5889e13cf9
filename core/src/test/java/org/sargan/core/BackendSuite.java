package org.sargan.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.sargan.core.cpu.CpuBackend;

/**
 * A test suite written once and run on every backend: the CPU here; a subclass in the kernels module overrides
 * {@link #backend()} to run the same tests on CUDA (skipped, with the reason, where there is none). Each test runs
 * with its backend as the current one, so {@code Tensor.of} and every op land there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendSuite {
    /** Hand-computed values are float32 results of a few operations. */
    protected static final float TOL = (float) Tolerances.FP32_OP;

    /** The backend under test; a subclass that has none skips here (an assumption, with the reason). */
    protected Backend backend() {
        return CpuBackend.INSTANCE;
    }

    @BeforeEach
    void useTheBackendUnderTest() {
        Backends.use(backend());
    }

    @AfterEach
    void backToTheCpu() {
        Backends.use(CpuBackend.INSTANCE);
    }

    protected static Tensor t(float[] d, int... shape) {
        return Tensor.of(d, shape);
    }

    protected static void assertValues(float[] expected, Tensor actual) {
        assertArrayEquals(expected, actual.toArray(), TOL);
    }
}
