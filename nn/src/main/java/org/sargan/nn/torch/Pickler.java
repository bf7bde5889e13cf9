package org.sargan.nn.torch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.sargan.core.Tensor;
import org.sargan.nn.DType;

/**
 * Writes the one pickle {@link TorchFile} needs: a state dict as torch.save writes it (protocol 2), i.e.
 * <pre>
 *   OrderedDict() then, per key:  key -> _rebuild_tensor_v2(persistent_id(('storage', torch.FloatStorage, '0',
 *                                        'cpu', numel)), 0, size, stride, False, OrderedDict())
 * </pre>
 * Storage {@code i} is the i-th key's data, stored in the archive as {@code data/i}; tensors are contiguous.
 */
final class Pickler {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Pickler() {
    }

    static byte[] stateDict(List<String> keys, Map<String, Tensor> tensors, Map<String, DType> dtypes) {
        Pickler p = new Pickler();
        p.op(0x80).op(2); // PROTO 2
        p.global("collections", "OrderedDict").op(')').op('R'); // OrderedDict()
        p.op('(');
        for (int i = 0; i < keys.size(); i++) {
            Tensor t = tensors.get(keys.get(i));
            int[] shape = t.shape();
            p.string(keys.get(i));
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('(');
            p.op('(').string("storage").global("torch", dtypes.getOrDefault(keys.get(i), DType.F32).torchStorage())
                    .string(Integer.toString(i)).string("cpu").integer(t.numel()).op('t').op('Q'); // BINPERSID
            p.integer(0);
            p.op('(');
            for (int d : shape) {
                p.integer(d);
            }
            p.op('t');
            p.op('(');
            long stride = 1;
            long[] strides = new long[shape.length];
            for (int k = shape.length - 1; k >= 0; k--) {
                strides[k] = stride;
                stride *= shape[k];
            }
            for (long s : strides) {
                p.integer(s);
            }
            p.op('t');
            p.op(0x89); // requires_grad False
            p.global("collections", "OrderedDict").op(')').op('R'); // backward hooks
            p.op('t').op('R');
        }
        p.op('u').op('.'); // SETITEMS, STOP
        return p.out.toByteArray();
    }

    private Pickler op(int b) {
        out.write(b);
        return this;
    }

    private Pickler global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    private Pickler string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        le(b.length, 4);
        out.writeBytes(b);
        return this;
    }

    private Pickler integer(long v) {
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            op('J');
            le(v, 4);
        } else {
            op(0x8a).op(8); // LONG1 of 8 bytes
            le(v, 8);
        }
        return this;
    }

    private void le(long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
