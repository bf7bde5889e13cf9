package org.sargan.kernels;

import jcuda.driver.CUresult;

/** A CUDA call failed; the message names the op, its shapes and the driver's error code. */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaException(String message) {
        super(message);
    }

    /** Throws unless {@code result} is CUDA_SUCCESS. {@code what} says which op and shapes, e.g. "conv2d (8, 3, 32, 32)". */
    static void check(int result, String call, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuda: " + what + ": " + call + " failed with " + errorName(result));
        }
    }

    static String errorName(int result) {
        return CUresult.stringFor(result) + " (" + result + ")";
    }
}
