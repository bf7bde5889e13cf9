#!/usr/bin/env python3
"""SARGAN in PyTorch, the same architecture as the Java model (sargan/README.md), timed like ModelBenchmark:
G forward, one D step (real, fake, gradient penalty, backward, Adam) and one D step plus one G step,
at 128 px, batch 8, on the CPU. Also prints the parameter counts, which must match the Java model.

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/sargan_torch.py [--iters 3] [--size 128] [--profile N]
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/sargan_torch.py --case dStep [--size 64] [--reps 3] [--json]
        [--warmup-s S] [--timed-s S]

--case C (generatorForward, dStep or dAndGStep): that case alone, min ms over --reps calls (and more until
--timed-s S seconds of them) after two warm-ups (and more until --warmup-s S seconds have passed), printed
as one JSON line with this process's peak RSS (VmHWM); what `compare.py model` runs, a fresh process per case.
--json is accepted and implied there.

--profile N: after the timings, N D steps and N G steps under torch.profiler, one table per step kind grouped by op
and input shapes (self CPU time), the counterpart of our `sargan train --profile N`.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, scale="same", norm=True, relu=True):
        super().__init__()
        self.scale, self.relu = scale, relu
        self.conv = nn.Conv2d(cin, cout, 3, 2 if scale == "down" else 1, 0, bias=not norm)
        self.norm = nn.InstanceNorm2d(cout, affine=True) if norm else None

    def forward(self, x):
        if self.scale == "up":
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        h = self.conv(F.pad(x, (1, 1, 1, 1), mode="reflect"))
        if self.norm is not None:
            h = self.norm(h)
        return F.relu(h) if self.relu else h


class Hourglass(nn.Module):
    def __init__(self, depth, cin, mid):
        super().__init__()
        self.up1 = ConvLayer(cin, mid)
        self.low1 = ConvLayer(cin, mid, "down")
        self.low2 = Hourglass(depth - 1, mid, mid) if depth > 1 else ConvLayer(mid, mid)
        self.up2 = ConvLayer(mid, mid, "up")

    def forward(self, x):
        return self.up1(x) + self.up2(self.low2(self.low1(x)))


class SARB(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = ConvLayer(c, c)
        self.conv2 = ConvLayer(c, c, relu=False)
        self.hourglass = Hourglass(2, c, 64)
        self.attention = nn.Conv2d(64, 1, 3, 1, 0, bias=True)

    def forward(self, x):
        h = self.conv2(self.conv1(x))
        m = torch.sigmoid(self.attention(F.pad(self.hourglass(h), (1, 1, 1, 1), mode="reflect")))
        return x + h * m


class Generator(nn.Module):
    def __init__(self, c=64, classes=7):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(3 + classes, c, 7, 1, 3, bias=False), nn.InstanceNorm2d(c, affine=True), nn.ReLU(),
            nn.Conv2d(c, 2 * c, 4, 2, 1, bias=False), nn.InstanceNorm2d(2 * c, affine=True), nn.ReLU(),
            nn.Conv2d(2 * c, 4 * c, 4, 2, 1, bias=False), nn.InstanceNorm2d(4 * c, affine=True), nn.ReLU(),
            SARB(4 * c),
            nn.ConvTranspose2d(4 * c, 2 * c, 4, 2, 1, bias=False), nn.InstanceNorm2d(2 * c, affine=True), nn.ReLU(),
            nn.ConvTranspose2d(2 * c, c, 4, 2, 1, bias=False), nn.InstanceNorm2d(c, affine=True), nn.ReLU(),
            nn.Conv2d(c, 3, 7, 1, 3, bias=False), nn.Tanh())

    def forward(self, x, c):
        lab = c.view(c.size(0), c.size(1), 1, 1).expand(-1, -1, x.size(2), x.size(3))
        return self.main(torch.cat([x, lab], dim=1)) + x


class Discriminator(nn.Module):
    def __init__(self, size=128, c=64, classes=7, layers=6):
        super().__init__()
        mods = [nn.Conv2d(3, c, 4, 2, 1), nn.LeakyReLU(0.01)]
        for _ in range(1, layers):
            mods += [nn.Conv2d(c, 2 * c, 4, 2, 1), nn.LeakyReLU(0.01)]
            c *= 2
        self.main = nn.Sequential(*mods)
        self.conv1 = nn.Conv2d(c, 1, 3, 1, 1, bias=False)
        self.conv2 = nn.Conv2d(c, classes, size >> layers, bias=False)

    def forward(self, x):
        h = self.main(x)
        return self.conv1(h), self.conv2(h).view(x.size(0), -1)


def layers_for(size):
    """Discriminator.layersFor: halve while the side stays an even number >= 2 (6 at 128 px)."""
    layers = 0
    while size >> (layers + 1) >= 2 and (size >> (layers + 1)) << (layers + 1) == size:
        layers += 1
    return layers


CASES = ("generatorForward", "dStep", "dAndGStep")


def build_steps(device="cpu", size=128, batch=8, dim=64, log=print):
    """The model, its optimisers and a fixed batch; returns ({case: fn} for CASES plus "gStep", sync), each fn
    one call of that case (as ModelBenchmark's) and sync waiting for the GPU."""
    torch.manual_seed(1)
    g = Generator(dim).to(device)
    d = Discriminator(size, dim, layers=layers_for(size)).to(device)
    log(f"PyTorch {torch.__version__} on {device}; G {sum(p.numel() for p in g.parameters()):,}"
        f" parameters, D {sum(p.numel() for p in d.parameters()):,}")
    opt_g = torch.optim.Adam(g.parameters(), 1e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), 1e-4, betas=(0.5, 0.999))
    x = (torch.rand(batch, 3, size, size) * 2 - 1).to(device)
    label = (torch.arange(batch) % 7).to(device)
    c_org = F.one_hot(label, 7).float()
    c_trg = F.one_hot(label[torch.randperm(batch).to(device)], 7).float()

    def g_forward():
        with torch.no_grad():
            g(x, c_trg)

    def d_step():
        out_src, out_cls = d(x)
        loss = -out_src.mean() + F.cross_entropy(out_cls, label)
        x_fake = g(x, c_trg).detach()
        loss = loss + d(x_fake)[0].mean()
        alpha = torch.rand(batch, 1, 1, 1, device=device)
        x_hat = (alpha * x + (1 - alpha) * x_fake).requires_grad_(True)
        out = d(x_hat)[0]
        grad = torch.autograd.grad(out, x_hat, torch.ones_like(out), create_graph=True, retain_graph=True)[0]
        gp = ((grad.view(batch, -1).norm(2, dim=1) - 1) ** 2).mean()
        opt_d.zero_grad()
        (loss + 10 * gp).backward()
        opt_d.step()

    def g_step():
        x_fake = g(x, c_trg)
        out_src, out_cls = d(x_fake)
        x_rec = g(x_fake, c_org)
        loss = -out_src.mean() + (x - x_rec).abs().mean() + F.cross_entropy(out_cls, label)
        opt_g.zero_grad()
        loss.backward()
        opt_g.step()

    def d_and_g():
        d_step()
        g_step()

    def sync():
        if str(device).startswith("cuda"):
            torch.cuda.synchronize()

    return {"generatorForward": g_forward, "dStep": d_step, "dAndGStep": d_and_g, "gStep": g_step}, sync


def time_fn(fn, sync, reps, stat=min, warmup_s=0.0, timed_s=0.0):
    """Two warm-up calls (as ModelRun, whose JIT needs them), more until `warmup_s` seconds have passed (as
    ModelRun's --warmup-s), then timed calls (the GPU synchronised around each): at least `reps`, and more until
    `timed_s` seconds of them (as ModelRun's --timed-s); stat(times) in ms."""
    start = time.perf_counter()
    warm = 0
    while warm < 2 or time.perf_counter() - start < warmup_s:
        fn()
        sync()
        warm += 1
    times = []
    timed_start = time.perf_counter()
    while len(times) < reps or time.perf_counter() - timed_start < timed_s:
        t = time.perf_counter()
        fn()
        sync()
        times.append((time.perf_counter() - t) * 1e3)
    return stat(times)


def time_case(case, size=128, reps=3, device="cpu", batch=8, dim=64, stat=min, log=print, warmup_s=0.0,
              timed_s=0.0):
    """One of CASES alone (what `compare.py model` runs, one fresh process per case): stat(times) in ms."""
    if case not in CASES:
        raise ValueError(f"case {case!r}: expected one of {', '.join(CASES)}")
    steps, sync = build_steps(device, size, batch, dim, log)
    return time_fn(steps[case], sync, reps, stat, warmup_s, timed_s)


def time_model(device="cpu", size=128, batch=8, dim=64, reps=3, stat=min, log=print, profile=0):
    """G forward, a D step, and a D step plus a G step, each timed `reps` times after one warm-up (the GPU is
    synchronised around every call); returns {name: stat(times) in ms}."""
    steps, sync = build_steps(device, size, batch, dim, log)
    results = {name: time_fn(steps[name], sync, reps, stat) for name in CASES}
    if profile:
        from torch.profiler import ProfilerActivity
        from torch.profiler import profile as torch_profile
        for name, fn in [("D step", steps["dStep"]), ("G step", steps["gStep"])]:
            with torch_profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
                for _ in range(profile):
                    fn()
            log(f"\n{name} (torch.profiler, {profile} steps, self CPU time by op and input shapes):")
            log(prof.key_averages(group_by_input_shape=True).table(sort_by="self_cpu_time_total", row_limit=25,
                                                                   max_name_column_width=28,
                                                                   max_shapes_column_width=60))
    return results


def peak_rss_mib():
    """This process's peak resident set (VmHWM in /proc/self/status) in MiB; None where there is no /proc."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def main():
    def arg(name, default):
        return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default
    torch.set_num_threads(int(os.environ.get("BENCH_THREADS", os.cpu_count())))
    if "--case" in sys.argv:
        # one case in this process, for compare.py model: one JSON line (min ms over --reps after two warm-ups,
        # and this process's peak RSS), the log on stderr
        case, size, reps = arg("--case", None), int(arg("--size", 128)), int(arg("--reps", 3))
        ms = time_case(case, size, reps, log=lambda m: print(m, file=sys.stderr),
                       warmup_s=float(arg("--warmup-s", 0)), timed_s=float(arg("--timed-s", 0)))
        print(json.dumps({"side": "torch", "case": case, "size": size, "batch": 8, "convDim": 64, "reps": reps,
                          "threads": torch.get_num_threads(), "ms": ms, "peakRssMiB": peak_rss_mib()}), flush=True)
        return
    iters = int(arg("--iters", 3))
    print(f"{torch.get_num_threads()} threads")
    for name, ms in time_model("cpu", size=int(arg("--size", 128)), reps=iters, profile=int(arg("--profile", 0))).items():
        print(f"{name:18s} {ms:10.0f} ms (best of {iters})", flush=True)


if __name__ == "__main__":
    main()
