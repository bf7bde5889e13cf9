#!/usr/bin/env python3
"""Prints the GPU check's summary table from GpuCheck.java's and gpu_peer.py's TSV files (either may be missing).

    python3 bench/gpu_summary.py java.tsv torch.tsv [suite line ...]

ratio = PyTorch time / our time (above 1: ours is faster). "% copy" = achieved bandwidth as a share of the same
library's device-to-device copy; instance norm and the attention gate aim for >= 70% (the issue's target).
"""
import sys


def read(path):
    rows = {}
    try:
        with open(path) as f:
            next(f)
            for line in f:
                group, name, ms, amount, unit = line.rstrip("\n").split("\t")
                rows[name] = (group, float(ms), float(amount), unit)
    except (OSError, StopIteration, ValueError):
        pass
    return rows


ours = read(sys.argv[1]) if len(sys.argv) > 1 else {}
peer = read(sys.argv[2]) if len(sys.argv) > 2 else {}
notes = sys.argv[3:]
copy_name = "copy (cuMemcpyDtoD) 1 GiB"
copy = ours.get(copy_name, (None, 0, 0, ""))[2]

print()
print("=" * 118)
print("GPU CHECK SUMMARY")
for n in notes:
    print("  " + n)
if not ours:
    print("  no Java results (see java.log)")
print(f"{'measurement':46s} {'ours ms':>10s} {'ours rate':>16s} {'torch ms':>10s} {'torch rate':>16s} "
      f"{'ratio':>6s} {'% copy':>7s}")
failed = [(n, r[3]) for n, r in ours.items() if r[0] == "failed"]
ours = {n: r for n, r in ours.items() if r[0] != "failed"}
names = list(ours) + [n for n in peer if n not in ours]
below = []
for name in names:
    o = ours.get(name)
    p = peer.get(name)
    unit = (o or p)[3]

    def rate(r):
        return f"{r[2]:10.1f} {r[3]:5s}" if r and r[3] else ""

    ratio = f"{p[1] / o[1]:6.2f}" if o and p and o[1] > 0 else ""
    share = ""
    if o and unit == "GB/s" and copy > 0 and name != copy_name:
        pct = 100 * o[2] / copy
        share = f"{pct:6.0f}%"
        if ("instance norm" in name or "attention gate" in name) and pct < 70:
            below.append(f"{name}: {pct:.0f}%")
    print(f"{name:46s} {o[1] if o else float('nan'):10.3f} {rate(o):>16s} "
          f"{p[1] if p else float('nan'):10.3f} {rate(p):>16s} {ratio:>6s} {share:>7s}")
for n, why in failed:
    print(f"FAILED {n}: {why[:150]}")
if copy > 0:
    fused = [n for n in ours if ("instance norm" in n or "attention gate" in n)]
    print(f"fused kernels at >= 70% of our copy bandwidth ({copy:.0f} GB/s): {len(fused) - len(below)} of "
          f"{len(fused)}" + (f"; below: {', '.join(below)}" if below else ""))
print("=" * 118)
