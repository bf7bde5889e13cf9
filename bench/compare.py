#!/usr/bin/env python3
"""Side-by-side timing of this engine (JMH, bench/target/benchmarks.jar) and PyTorch on the same shapes.

Run with Debian's system python3 and its python3-torch, OpenBLAS tuned for the CPU, from the repository root:

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/compare.py            # everything (about 15 minutes)
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/compare.py gemm conv_sarb
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/compare.py --torch-only
    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/compare.py model [--sizes 64,128] [--reps 3] [--warmup-s 5]
        [--timed-s 5] [--rounds 1]

PyTorch is timed before and after the JMH run and the faster of the two is kept, so a drift of the shared machine
does not favour us. Ratio = PyTorch time / our time: above 1 means we are faster.

`model` is a mode of its own, never part of "everything": the whole SARGAN model (batch 8, conv_dim 64) at each
size: G forward (no grad), one D step (gradient penalty, backward, Adam) and one D+G step, each (side, size, case)
in a fresh process (ModelRun in benchmarks.jar; sargan_torch.py --case) so that each process's peak RSS (VmHWM from
/proc/self/status, read by that process at its end) belongs to that case alone. Per case: PyTorch, then --rounds
times (default 1) ours and PyTorch again; each side keeps its fastest run (fresh JVMs of one build ran the same
product 10-23 ms apart on a Zen 3, so more rounds make the table less of a draw). Each side: two warm-up calls and
more until --warmup-s seconds (default 5) have passed (ours: then more until the JIT compiled for at most 1 ms or 1%
of the call during each of two calls in a row, 60 s at most: kernels called once a step reach its optimising
compiler late, the generator's tanh 6 s in at 64 px), then the minimum over at least --reps calls and --timed-s
seconds of them (default 5: this shared machine's speed drifts by 20-50% within seconds to minutes, both sides
alike, and a minimum over three calls a tenth of a second long caught whatever phase the run fell in). The
time-based warm-up measures the steady state a training run spends its iterations in: with two calls only, the JIT's
compiler threads were still busy on the same two cores (a 64 px D step 204-210 ms after two calls, 175-189
after 5 s, same build).
Its ratio is the other way round, our time / PyTorch time (below 1: ours is faster), against the targets
(TARGETS: our time at most 0.40x PyTorch's for G forward, 0.50x for the D step and the D+G step).
"""
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sargan_torch  # noqa: E402  (the model's architecture and its cases, run one per process in `model`)

THREADS = int(os.environ.get("BENCH_THREADS", os.cpu_count()))
HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.path.join(HERE, "target", "benchmarks.jar")
BATCH = 8
# the same table as bench/src/main/java/org/sargan/bench/Layers.java: cin, size, cout, k, stride, pad, transposed
LAYERS = {
    "g_conv7x7_10to64_128": (10, 128, 64, 7, 1, 3, False),
    "g_down4x4s2_64to128_128": (64, 128, 128, 4, 2, 1, False),
    "g_sarb3x3_256to256_32": (256, 32, 256, 3, 1, 1, False),
    "g_up4x4s2T_256to128_32": (256, 32, 128, 4, 2, 1, True),
    "d_4x4s2_3to64_128": (3, 128, 64, 4, 2, 1, False),
    "d_4x4s2_64to128_64": (64, 64, 128, 4, 2, 1, False),
    "d_4x4s2_128to256_32": (128, 32, 256, 4, 2, 1, False),
    "d_4x4s2_256to512_16": (256, 16, 512, 4, 2, 1, False),
    "d_4x4s2_512to1024_8": (512, 8, 1024, 4, 2, 1, False),
    "d_4x4s2_1024to2048_4": (1024, 4, 2048, 4, 2, 1, False),
}
FUSED = {"sarb": (8, 256, 32, 32), "full": (8, 64, 128, 128)}


def out_size(cin, size, cout, k, s, p, t):
    return (size - 1) * s - 2 * p + k if t else (size + 2 * p - k) // s + 1


def conv_flop(layer):
    cin, size, cout, k, s, p, t = LAYERS[layer]
    o = out_size(*LAYERS[layer])
    macs = size * size * cout * k * k * cin if t else o * o * cin * k * k * cout
    return 2 * BATCH * macs


def time_ms(fn):
    """Mean milliseconds per call: warm up, then five windows of about a second each (as the JMH settings).
    fn may be a dict of alternatives (memory layouts): each is timed and the fastest counts."""
    if isinstance(fn, dict):
        return min(time_ms(f) for f in fn.values())
    for _ in range(3):
        fn()
    t = time.perf_counter()
    fn()
    once = time.perf_counter() - t
    reps = max(1, int(1.0 / max(once, 1e-6)))
    windows = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        windows.append((time.perf_counter() - t) / reps * 1e3)
    return statistics.mean(windows)


def torch_cases(selected):
    """name -> (callable, work, unit) for the PyTorch side."""
    torch.manual_seed(1)
    cases = {}
    if want(selected, "gemm"):
        for n in (512, 1024, 2048):
            a, b = torch.rand(n, n), torch.rand(n, n)
            cases[f"gemm n={n}"] = (lambda a=a, b=b: torch.mm(a, b), 2 * n ** 3, "FLOP")
    for name, (cin, size, cout, k, s, p, t) in LAYERS.items():
        if not want(selected, "conv", name):
            continue
        o = out_size(cin, size, cout, k, s, p, t)
        x = torch.rand(BATCH, cin, size, size) * 2 - 1
        w = (torch.rand(cin, cout, k, k) if t else torch.rand(cout, cin, k, k)) * 0.2 - 0.1
        gy = torch.rand(BATCH, cout, o, o) * 2 - 1
        # PyTorch is timed in both memory layouts and the faster one is kept: oneDNN is much faster on some
        # layers with channels_last (and may then use Winograd for 3x3), while NCHW is what most code uses.
        fwd, bwd = {}, {}
        for layout, fmt in (("nchw", torch.contiguous_format), ("channels_last", torch.channels_last)):
            xl, wl, gl = (v.contiguous(memory_format=fmt) for v in (x, w, gy))
            if t:
                fwd[layout] = lambda x=xl, w=wl, s=s, p=p: F.conv_transpose2d(x, w, stride=s, padding=p)
            else:
                fwd[layout] = lambda x=xl, w=wl, s=s, p=p: F.conv2d(x, w, stride=s, padding=p)
            bwd[layout] = lambda x=xl, w=wl, gy=gl, s=s, p=p, t=t: torch.ops.aten.convolution_backward(
                gy, x, w, None, [s, s], [p, p], [1, 1], t, [0, 0], 1, [True, True, False])
        flop = conv_flop(name)
        cases[f"conv {name} forward"] = (fwd, flop, "FLOP")
        cases[f"conv {name} backward"] = (bwd, 2 * flop, "FLOP")
    if want(selected, "fused"):
        for shape_name, shape in FUSED.items():
            n = shape[0] * shape[1] * shape[2] * shape[3]
            c = shape[1]
            x = (torch.rand(*shape) * 2 - 1).requires_grad_(True)
            gamma = (torch.rand(c) + 0.5).requires_grad_(True)
            beta = (torch.rand(c) - 0.5).requires_grad_(True)
            gy = torch.rand(*shape) * 2 - 1
            ident = torch.rand(*shape) * 2 - 1
            z = (torch.rand(shape[0], 1, shape[2], shape[3]) * 6 - 3).requires_grad_(True)
            with torch.no_grad():
                cases[f"instance_norm {shape_name} forward"] = (
                    lambda x=x, g=gamma, b=beta: F.instance_norm(x, weight=g, bias=b, eps=1e-5), 8 * n, "B")
                cases[f"attention_gate {shape_name} forward"] = (
                    lambda i=ident, x=x, z=z: i + x * torch.sigmoid(z), 12 * n + 4 * n // c, "B")
            y = F.instance_norm(x, weight=gamma, bias=beta, eps=1e-5)
            cases[f"instance_norm {shape_name} backward"] = (
                lambda y=y, x=x, g=gamma, b=beta, gy=gy: torch.autograd.grad(y, [x, g, b], gy, retain_graph=True),
                12 * n, "B")
            yg = ident + x * torch.sigmoid(z)
            cases[f"attention_gate {shape_name} backward"] = (
                lambda y=yg, x=x, z=z, gy=gy: torch.autograd.grad(y, [x, z], gy, retain_graph=True),
                12 * n + 8 * n // c, "B")
    return cases


def want(selected, *names):
    return not selected or any(s in n for s in selected for n in names)


def jmh_regex(selected):
    parts = []
    if want(selected, "gemm"):
        parts.append(r"GemmBenchmark\.sgemm")
    if any(want(selected, "conv", name) for name in LAYERS):
        parts.append(r"ConvBenchmark")
    if want(selected, "fused"):
        parts.append(r"FusedOpsBenchmark")
    return "(" + "|".join(parts) + ")"


def jmh_params(selected):
    layers = [name for name in LAYERS if want(selected, "conv", name)]
    return ["-p", "layer=" + ",".join(layers)] if layers and len(layers) < len(LAYERS) else []


def run_jmh(selected):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    # -jvmArgsAppend on the command line replaces the benchmarks' own, so the Vector API flag is repeated here
    cmd = ["java", "-jar", "bench/target/benchmarks.jar", jmh_regex(selected), "-rf", "json", "-rff", out,
           "-jvmArgsAppend", f"--add-modules=jdk.incubator.vector -Dsargan.threads={THREADS}"] + jmh_params(selected)
    print("running:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        results = json.load(f)
    os.unlink(out)
    ours = {}
    for r in results:
        bench = r["benchmark"].rsplit(".", 2)
        cls, method, p = bench[1], bench[2], r.get("params", {})
        ms = r["primaryMetric"]["score"]
        if cls == "GemmBenchmark":
            ours[f"gemm n={p['n']}"] = ms
        elif cls == "ConvBenchmark":
            ours[f"conv {p['layer']} {method}"] = ms
        elif cls == "FusedOpsBenchmark":
            op = "instance_norm" if method.startswith("instanceNorm") else "attention_gate"
            ours[f"{op} {p['shape']} {'forward' if method.endswith('Forward') else 'backward'}"] = ms
    return ours


def option(argv, name, default):
    return argv[argv.index(name) + 1] if name in argv else default


# `model`: our time / PyTorch time must be at most this, per case
TARGETS = {"generatorForward": 0.40, "dStep": 0.50, "dAndGStep": 0.50}
CASE_NAMES = {"generatorForward": "G forward", "dStep": "D step", "dAndGStep": "D+G step"}


# the collector and young generation sargan/bin/sargan runs with (BENCH_GC overrides them, e.g. BENCH_GC=-XX:+UseG1GC)
GC = os.environ.get("BENCH_GC", "-XX:+UseSerialGC -Xmn16m")


def xmx(size):
    """Our JVM's fixed heap limit for the model at `size` px (BENCH_XMX overrides it). Measured with a GC log
    (batch 8, conv_dim 64, D+G step, the largest case): at 128 px the live set after a collection reaches 3.5 GB
    and, with -Xmx12g, the heap peaks at 4.9 GB (RSS 5.1 GB; 1.3 s of GC in 12 s of D+G steps), so -Xmx8g never
    constrains G1 there and our RSS is what the run needs, not what a squeezed heap allows; at 64 px the live set
    is 0.9 GB and the heap peaks at 1.3 GB, so -Xmx4g is as free. Other sizes scale with the pixel count."""
    if "BENCH_XMX" in os.environ:
        return os.environ["BENCH_XMX"]
    return {64: "4g", 128: "8g"}.get(size, f"{max(4, -(-8 * size * size // (128 * 128)))}g")


def run_case(side, case, size, reps, warmup_s, timed_s):
    """One case in a fresh process; returns its JSON line as a dict (ms, peakRssMiB, ...) or None if it failed."""
    if side == "torch":
        cmd = [sys.executable, os.path.join(HERE, "sargan_torch.py"), "--case", case, "--size", str(size),
               "--reps", str(reps), "--warmup-s", str(warmup_s), "--timed-s", str(timed_s), "--json"]
    else:
        cmd = ["java", "--add-modules=jdk.incubator.vector", f"-Xmx{xmx(size)}", *GC.split(), f"-Dsargan.threads={THREADS}",
               "-cp", JAR, "org.sargan.bench.ModelRun", "--case", case, "--size", str(size), "--reps", str(reps),
               "--warmup-s", str(warmup_s), "--timed-s", str(timed_s)]
    print("running:", " ".join(shlex.quote(c) for c in cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, BENCH_THREADS=str(THREADS)))
    lines = [line for line in p.stdout.splitlines() if line.startswith("{")]
    if p.returncode != 0 or not lines:
        print(f"  FAILED (exit {p.returncode}):\n{p.stdout[-2000:]}{p.stderr[-2000:]}", flush=True)
        return None
    r = json.loads(lines[-1])
    extra = f", GC {r['gcCount']} collections {r['gcMs']} ms, max heap {r['maxHeapMiB']} MiB" if "gcMs" in r else ""
    if "warmupCalls" in r:
        settled = "the JIT settled" if r["jitSettled"] else "the JIT still compiling at the cap"
        extra += f", warm-up {r['warmupCalls']} calls in {r['warmupS']:.1f} s ({settled})"
    rss = "?" if r["peakRssMiB"] is None else f"{r['peakRssMiB']:.0f}"
    print(f"  {r['ms']:.1f} ms, peak RSS {rss} MiB{extra}", flush=True)
    return r


def best_of(runs, rss_pick):
    """The fastest of a side's runs, with its peak RSS replaced by rss_pick (max or min) over all of them."""
    done = [r for r in runs if r]
    if not done:
        return None
    best = dict(min(done, key=lambda r: r["ms"]))
    rss = [r["peakRssMiB"] for r in done if r["peakRssMiB"] is not None]
    best["peakRssMiB"] = rss_pick(rss) if rss else None
    return best


def lscpu():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    except OSError:
        return {}
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def model_main(argv):
    sizes = [int(s) for s in option(argv, "--sizes", "64,128").split(",")]
    reps = int(option(argv, "--reps", "3"))
    warmup_s = float(option(argv, "--warmup-s", "5"))
    timed_s = float(option(argv, "--timed-s", "5"))
    rounds = int(option(argv, "--rounds", "1"))
    if rounds < 1:
        sys.exit(f"compare.py: --rounds {rounds}: expected 1 or more (rounds of our run and PyTorch's per case)")
    cpu = lscpu()
    env = " ".join(f"{k}={os.environ[k]}" for k in ("OPENBLAS_CORETYPE", "BENCH_THREADS", "BENCH_XMX", "BENCH_GC")
                   if k in os.environ)
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    print(f"date:    {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"command: {(env + ' ') if env else ''}{sys.executable} {' '.join(shlex.quote(a) for a in sys.argv)}")
    print(f"CPU:     {cpu.get('Model name', '?')}, {cpu.get('CPU(s)', os.cpu_count())} logical CPUs "
          f"({cpu.get('Core(s) per socket', '?')} cores per socket x {cpu.get('Socket(s)', '?')} sockets, "
          f"{cpu.get('Thread(s) per core', '?')} threads per core); {THREADS} threads on each side")
    print(f"PyTorch {torch.__version__} (mkldnn={torch.backends.mkldnn.is_available()}); "
          f"{java[0] if java else 'java ?'}; {GC}, -Xmx " + ", ".join(f"{xmx(s)} at {s} px" for s in sizes))
    print(f"SARGAN batch 8, conv_dim 64; per case two warm-up calls and more until {warmup_s:g} s have passed, "
          f"then the minimum of at least {reps} calls and {timed_s:g} s of them; {rounds} round(s) of ours and "
          f"PyTorch's after a first PyTorch run", flush=True)
    rows = []
    for size in sizes:
        for case in sargan_torch.CASES:
            # PyTorch, then (ours, PyTorch) per round: each side keeps its fastest run, so a slow stretch of the
            # machine hurts only the run it falls in; peak RSS is our highest and PyTorch's lowest over the runs
            # (with one round PyTorch runs twice and we once, as before --rounds existed)
            theirs = [run_case("torch", case, size, reps, warmup_s, timed_s)]
            ours = []
            for _ in range(rounds):
                ours.append(run_case("ours", case, size, reps, warmup_s, timed_s))
                theirs.append(run_case("torch", case, size, reps, warmup_s, timed_s))
            rows.append((size, case, best_of(ours, max), best_of(theirs, min)))
    print()
    head = ["size", "case", "ours ms", "torch ms", "ours/torch", "target", "met", "ours peak RSS MiB",
            "torch peak RSS MiB"]
    table = []
    for size, case, o, t in rows:
        ratio = o["ms"] / t["ms"] if o and t else None
        table.append([f"{size} px", CASE_NAMES[case], f"{o['ms']:.0f}" if o else "failed",
                      f"{t['ms']:.0f}" if t else "failed", f"{ratio:.2f}" if ratio else "",
                      f"<= {TARGETS[case]:.2f}", "" if ratio is None else ("yes" if ratio <= TARGETS[case] else "no"),
                      f"{o['peakRssMiB']:.0f}" if o and o["peakRssMiB"] else "",
                      f"{t['peakRssMiB']:.0f}" if t and t["peakRssMiB"] else ""])
    widths = [max(len(r[i]) for r in [head] + table) for i in range(len(head))]
    for r in [head, ["-" * w for w in widths]] + table:
        print("| " + " | ".join(v.rjust(w) if i >= 2 else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths)))
              + " |")
    print("\nours/torch = our time / PyTorch time (below 1: ours is faster); target: ours/torch at most 0.40 for "
          "G forward,\n0.50 for the D step and the D+G step. Each side: its fastest run (PyTorch runs before and after "
          "each of ours).\nPeak RSS: VmHWM of each case's own process, read from /proc/self/status at its end; "
          "ours the highest of our runs,\nPyTorch's the lowest of its runs.")


def check_openblas_coretype():
    """OpenBLAS's SkylakeX kernels use AVX-512: on a CPU without it the first product dies with SIGILL (exit 132)
    somewhere inside torch, with no word of why. Say so before anything runs."""
    core = os.environ.get("OPENBLAS_CORETYPE", "")
    if not core.lower().startswith("skylakex"):
        return
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return
    if flags and "avx512f" not in flags:
        sys.exit(f"compare.py: OPENBLAS_CORETYPE={core} needs AVX-512, and this CPU has none (no avx512f in "
                 f"/proc/cpuinfo): OpenBLAS would stop on an illegal instruction. Unset it (OpenBLAS then picks "
                 f"this CPU's own kernels) or set one the CPU has, e.g. OPENBLAS_CORETYPE=Zen or Haswell.")


def main():
    check_openblas_coretype()
    if "model" in sys.argv[1:]:
        model_main([a for a in sys.argv[1:] if a != "model"])
        return
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    torch.set_num_threads(THREADS)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, mkldnn={torch.backends.mkldnn.is_available()}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}", flush=True)
    cases = torch_cases(args)
    theirs = {name: time_ms(fn) for name, (fn, _, _) in cases.items()}
    if "--torch-only" in sys.argv:
        ours = {}
    else:
        ours = run_jmh(args)
        for name, (fn, _, _) in cases.items():
            theirs[name] = min(theirs[name], time_ms(fn))
    print()
    print(f"{'benchmark':45s} {'ours ms':>10s} {'torch ms':>10s} {'ours':>12s} {'torch':>12s} {'ratio':>7s}")
    for name, (_, work, unit) in cases.items():
        t = theirs[name]
        o = ours.get(name)
        rate = lambda ms: f"{work / ms / 1e6:8.1f} {'GF/s' if unit == 'FLOP' else 'GB/s'}"
        print(f"{name:45s} {o if o is None else round(o, 3)!s:>10s} {t:10.3f} "
              f"{rate(o) if o else '':>12s} {rate(t):>12s} {'' if o is None else f'{t / o:7.2f}'}")
    print("\nratio = PyTorch time / our time (above 1: ours is faster)")


if __name__ == "__main__":
    main()
