#!/usr/bin/env python3
"""The PyTorch half of bench/gpu-check.sh: the same kernels and the same model steps as GpuCheck.java, with the same
row names, timed the same way (back-to-back calls, one synchronisation, best of five samples of >= 20 ms; model
steps one by one, median of five). FP32 throughout: TF32 is switched off, cuDNN may pick its fastest algorithm.

    python3 bench/gpu_peer.py [--quick] [--device cuda] [--tsv torch.tsv]
"""
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sargan_torch  # noqa: E402

args = sys.argv[1:]
QUICK = "--quick" in args
DEVICE = args[args.index("--device") + 1] if "--device" in args else "cuda"
TSV = args[args.index("--tsv") + 1] if "--tsv" in args else "torch.tsv"
ROWS = []

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.backends.cudnn.benchmark = True
torch.manual_seed(1)


def sync():
    if DEVICE.startswith("cuda"):
        torch.cuda.synchronize()


def throughput_ms(op):
    op()
    sync()
    t = time.perf_counter()
    op()
    sync()
    single = (time.perf_counter() - t) * 1e3
    inner = 1 if QUICK else int(max(1, min(2000, math.ceil(20 / max(single, 1e-3)))))
    best = float("inf")
    for _ in range(1 if QUICK else 5):
        t = time.perf_counter()
        for _ in range(inner):
            op()
        sync()
        best = min(best, (time.perf_counter() - t) * 1e3 / inner)
    return best


def row(name, ms, amount, unit):
    ROWS.append(("kernel", name, ms, amount, unit))
    print(f"  {name:44s} {ms:9.3f} ms {amount:9.1f} {unit}", flush=True)


def bandwidth(name, nbytes, op):
    ms = throughput_ms(op)
    row(name, ms, nbytes / (ms * 1e-3) / 1e9, "GB/s")


def flops(name, flop, op):
    ms = throughput_ms(op)
    row(name, ms, flop / (ms * 1e-3) / 1e9, "GFLOP/s")


def randn(*shape, grad=False):
    return torch.randn(*shape, device=DEVICE, requires_grad=grad)


def shape_str(s):
    return "[" + ",".join(str(v) for v in s) + "]"


def kernels():
    print(f"PyTorch {torch.__version__} on {DEVICE}"
          + (f" ({torch.cuda.get_device_name()})" if DEVICE.startswith("cuda") else ""))
    n = 2 if QUICK else 8
    s128 = 16 if QUICK else 128
    s32 = 8 if QUICK else 32
    copy_floats = 1 << 16 if QUICK else 1 << 28
    big = torch.zeros(copy_floats, device=DEVICE)
    bandwidth("copy (cuMemcpyDtoD) 1 GiB", 2 * 4 * copy_floats, lambda: big.clone())

    for s in [(n, 64, s128, s128), (n, 256, s32, s32), (4 * n, 64, s128, s128)]:
        x = randn(*s, grad=True)
        gamma = randn(s[1], grad=True)
        beta = randn(s[1], grad=True)
        nbytes = 4 * x.numel()
        with torch.no_grad():
            bandwidth("instance norm fwd " + shape_str(s), 2 * nbytes,
                      lambda: F.instance_norm(x, weight=gamma, bias=beta, eps=1e-5))
        y = F.instance_norm(x, weight=gamma, bias=beta, eps=1e-5)
        gy = randn(*s)
        bandwidth("instance norm bwd " + shape_str(s), 3 * nbytes,
                  lambda: torch.autograd.grad(y, [x, gamma, beta], gy, retain_graph=True))
        del x, y, gy
    for s in [(n, 256, s32, s32), (n, 64, s128, s128)]:
        ident = randn(*s)
        h = randn(*s, grad=True)
        z = randn(s[0], 1, s[2], s[3], grad=True)
        gy = randn(*s)
        nbytes = 4 * h.numel()
        zbytes = 4 * z.numel()
        with torch.no_grad():
            bandwidth("attention gate fwd " + shape_str(s), 3 * nbytes + zbytes, lambda: ident + h * torch.sigmoid(z))
        y = ident + h * torch.sigmoid(z)
        bandwidth("attention gate bwd " + shape_str(s), 3 * nbytes + 2 * zbytes,
                  lambda: torch.autograd.grad(y, [h, z], gy, retain_graph=True))
    s = (n, 64, s128, s128)
    a = randn(*s)
    b = randn(*s)
    bias = randn(1, 64, 1, 1)
    nbytes = 4 * a.numel()
    bandwidth("add " + shape_str(s), 3 * nbytes, lambda: a + b)
    bandwidth("add bias (broadcast) " + shape_str(s), 2 * nbytes, lambda: a + bias)
    bandwidth("leaky relu " + shape_str(s), 2 * nbytes, lambda: F.leaky_relu(a, 0.01))
    bandwidth("sum to bias grad " + shape_str(s), nbytes, lambda: a.sum(dim=(0, 2, 3), keepdim=True))
    ta = randn(256)
    tb = randn(256)
    bandwidth("add [256] (time = per-op overhead)", 3 * 4 * 256, lambda: ta + tb)
    for m in [64] if QUICK else [1024, 4096]:
        ma = randn(m, m)
        mb = randn(m, m)
        flops(f"sgemm {m}^3", 2.0 * m ** 3, lambda: torch.mm(ma, mb))
    layers = [
        ("G in 7x7 10->64 @128", 10, 64, s128, 7, 1, 3),
        ("G down 4x4s2 64->128 @128", 64, 128, s128, 4, 2, 1),
        ("SARB 3x3 256->256 @32", 256, 256, s32, 3, 1, 1),
        ("D 4x4s2 3->64 @128", 3, 64, s128, 4, 2, 1),
        ("D 4x4s2 512->1024 @8", 512, 1024, 4 if QUICK else 8, 4, 2, 1),
    ]
    for name, cin, cout, size, k, stride, pad in layers:
        x = randn(n, cin, size, size)
        w = randn(cout, cin, k, k)
        out = (size + 2 * pad - k) // stride + 1
        flop = 2.0 * n * cout * out * out * cin * k * k
        flops("conv fwd " + name, flop, lambda: F.conv2d(x, w, stride=stride, padding=pad))
        gy = randn(n, cout, out, out)
        flops("conv input grad " + name, flop,
              lambda: torch.nn.grad.conv2d_input(x.shape, w, gy, stride=stride, padding=pad))
        flops("conv weight grad " + name, flop,
              lambda: torch.nn.grad.conv2d_weight(x, w.shape, gy, stride=stride, padding=pad))


def model():
    size, batch, dim = (32, 2, 8) if QUICK else (128, 8, 64)
    reps = 1 if QUICK else 5
    print(f"model: SARGAN at {size} px, batch {batch}, conv_dim {dim} (median of {reps})")
    res = sargan_torch.time_model(DEVICE, size, batch, dim, reps, stat=lambda t: sorted(t)[len(t) // 2],
                                  log=lambda m: print("  " + m))
    for name, ms in res.items():
        ROWS.append(("model", name, ms, 0, ""))
        print(f"  {name:44s} {ms:9.1f} ms", flush=True)


kernels()
model()
with open(TSV, "w") as f:
    f.write("group\tname\tms\tamount\tunit\n")
    for g, name, ms, amount, unit in ROWS:
        f.write(f"{g}\t{name}\t{ms:.4f}\t{amount:.2f}\t{unit}\n")
print(f"wrote {TSV}")
