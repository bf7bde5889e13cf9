package org.sargan.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SARGAN's real convolution layers at 128 px (sargan/README.md), by name. The same table is in peer_torch.py, so the
 * two sides time identical shapes.
 */
final class Layers {
    /** One convolution: input channels/size, output channels, kernel, stride, padding, transposed or not. */
    record Conv(int cin, int size, int cout, int k, int stride, int pad, boolean transposed) {
        int outSize() {
            return transposed ? (size - 1) * stride - 2 * pad + k : (size + 2 * pad - k) / stride + 1;
        }

        /** Multiply-adds of the forward pass per image: every output (or input, if transposed) pixel sees cin*k*k taps. */
        long macs() {
            int pixels = transposed ? size * size : outSize() * outSize();
            int inner = transposed ? cout * k * k : cin * k * k;
            int outer = transposed ? cin : cout;
            return (long) pixels * inner * outer;
        }
    }

    static final Map<String, Conv> CONVS = new LinkedHashMap<>();

    static {
        CONVS.put("g_conv7x7_10to64_128", new Conv(10, 128, 64, 7, 1, 3, false));
        CONVS.put("g_down4x4s2_64to128_128", new Conv(64, 128, 128, 4, 2, 1, false));
        CONVS.put("g_sarb3x3_256to256_32", new Conv(256, 32, 256, 3, 1, 1, false));
        CONVS.put("g_up4x4s2T_256to128_32", new Conv(256, 32, 128, 4, 2, 1, true));
        CONVS.put("d_4x4s2_3to64_128", new Conv(3, 128, 64, 4, 2, 1, false));
        CONVS.put("d_4x4s2_64to128_64", new Conv(64, 64, 128, 4, 2, 1, false));
        CONVS.put("d_4x4s2_128to256_32", new Conv(128, 32, 256, 4, 2, 1, false));
        CONVS.put("d_4x4s2_256to512_16", new Conv(256, 16, 512, 4, 2, 1, false));
        CONVS.put("d_4x4s2_512to1024_8", new Conv(512, 8, 1024, 4, 2, 1, false));
        CONVS.put("d_4x4s2_1024to2048_4", new Conv(1024, 4, 2048, 4, 2, 1, false));
    }

    private Layers() {
    }
}
