package org.sargan.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.sargan.core.ops.Attention;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.LinearAlgebra;
import org.sargan.core.ops.Losses;
import org.sargan.core.ops.Normalization;
import org.sargan.core.ops.Shapes;
import org.sargan.core.ops.Spatial;

/** Bad shapes and arguments fail before any work, with a message naming the op and the offending values. */
class BadInputTest {

    private static void assertRejected(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    @Test
    void invalidDimensions() {
        assertRejected(() -> Tensor.zeros(2, 0, 3), "zeros", "[2, 0, 3]", "dimension 1", "positive");
        assertRejected(() -> Tensor.zeros(-4), "zeros", "[-4]", "-4");
        assertRejected(() -> Tensor.of(new float[5], 2, 3), "of", "5 values", "[2, 3]");
        assertRejected(() -> Tensor.zeros(65536, 65536), "more than");
    }

    @Test
    void broadcastMismatch() {
        assertRejected(() -> Tensor.zeros(2, 3).add(Tensor.zeros(4)), "add", "[2, 3]", "[4]");
        assertRejected(() -> Tensor.zeros(2, 3).mul(Tensor.zeros(3, 3)), "mul", "[2, 3]", "[3, 3]");
    }

    @Test
    void wrongRanks() {
        assertRejected(() -> Convolutions.conv2d(Tensor.zeros(3, 8, 8), Tensor.zeros(4, 3, 3, 3), null, 1, 1),
                "conv2d", "4-D", "[3, 8, 8]");
        assertRejected(() -> LinearAlgebra.matmul(Tensor.zeros(2, 3, 4), Tensor.zeros(4, 2)), "matmul", "[2, 3, 4]");
        assertRejected(() -> Normalization.instanceNorm(Tensor.zeros(2, 3), Tensor.ones(3), Tensor.zeros(3), 1e-5f),
                "instance_norm", "[2, 3]");
    }

    @Test
    void mismatchedOperands() {
        assertRejected(() -> Convolutions.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(4, 2, 3, 3), null, 1, 1),
                "conv2d", "[1, 3, 8, 8]", "3 channels", "[4, 2, 3, 3]", "expects 2");
        assertRejected(() -> Convolutions.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(4, 3, 3, 3), Tensor.zeros(5),
                1, 1), "bias", "[5]", "4 output channels");
        assertRejected(() -> Convolutions.conv2d(Tensor.zeros(1, 1, 2, 2), Tensor.zeros(1, 1, 5, 5), null, 1, 0),
                "conv2d", "smaller than kernel 5x5");
        assertRejected(() -> Convolutions.conv2d(Tensor.zeros(1, 1, 4, 4), Tensor.zeros(1, 1, 3, 3), null, 0, 1),
                "stride is 0");
        assertRejected(() -> LinearAlgebra.matmul(Tensor.zeros(2, 3), Tensor.zeros(4, 2)), "matmul", "[2, 3]", "[4, 2]",
                "3 vs 4");
        assertRejected(() -> Normalization.instanceNorm(Tensor.zeros(1, 3, 2, 2), Tensor.ones(4), Tensor.zeros(4), 1e-5f),
                "instance_norm", "[4]", "3 channels");
        assertRejected(() -> Attention.gate(Tensor.zeros(1, 4, 3, 3), Tensor.zeros(1, 4, 3, 3), Tensor.zeros(1, 2, 3, 3)),
                "attention_gate", "[1, 2, 3, 3]", "(N, 1, H, W)");
        assertRejected(() -> Attention.gate(Tensor.zeros(1, 4, 3, 3), Tensor.zeros(1, 3, 3, 3), Tensor.zeros(1, 1, 3, 3)),
                "attention_gate", "[1, 4, 3, 3]", "[1, 3, 3, 3]");
        assertRejected(() -> Shapes.concat(1, Tensor.zeros(1, 2, 4, 4), Tensor.zeros(1, 2, 3, 4)), "concat",
                "[1, 2, 4, 4]", "[1, 2, 3, 4]");
        assertRejected(() -> Tensor.zeros(2, 3).reshape(4, -1), "reshape", "[2, 3]", "[4, -1]");
        assertRejected(() -> Tensor.zeros(2, 3).sum(new int[] {2}, false), "sum", "dimension 2", "[2, 3]");
        assertRejected(() -> Losses.l1(Tensor.zeros(2, 3), Tensor.zeros(3, 2)), "l1_loss", "[2, 3]", "[3, 2]");
    }

    @Test
    void badArguments() {
        assertRejected(() -> Spatial.reflectionPad(Tensor.zeros(1, 1, 2, 2), 2), "reflection_pad", "padding 2");
        assertRejected(() -> Losses.crossEntropy(Tensor.zeros(2, 7), new int[] {1, 7}), "cross_entropy", "label 7",
                "[0, 7)");
        assertRejected(() -> Losses.crossEntropy(Tensor.zeros(2, 7), new int[] {1}), "cross_entropy", "1 labels",
                "expected 2");
        assertRejected(() -> Convolutions.convTranspose2d(Tensor.zeros(1, 2, 3, 3), Tensor.zeros(2, 2, 4, 4), null, 2, 1,
                2), "output padding is 2");
        assertRejected(() -> Normalization.instanceNorm(Tensor.zeros(1, 1, 2, 2), Tensor.ones(1), Tensor.zeros(1), 0f),
                "eps");
    }

    @Test
    void autogradMisuse() {
        assertRejected(() -> Tensor.zeros(2).sum().backward(), "does not require grad");
        Tensor x = Tensor.ones(3).requiresGrad(true);
        assertRejected(() -> x.mul(2f).backward(null, false), "[3]", "gradient output is needed");
        assertRejected(() -> Autograd.grad(new Tensor[] {x.sum()}, new Tensor[] {Tensor.ones(3).requiresGrad(true)},
                null, false), "not used");
    }
}
