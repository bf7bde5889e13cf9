#!/usr/bin/python3
"""Weights exchange with the authors' SARGAN code, with their code as the oracle.

Their code is imported from a clone of github arbishakram/SARGAN (--ref: a checkout, or a bare git directory whose
HEAD is extracted to a temporary folder); nothing of it is copied into this project. Run with Debian's python3-torch:

  /usr/bin/python3 bench/sargan_interop.py fixtures --ref CLONE --out sargan/src/test/resources/interop
      (a) random-weight G (conv_dim 8) and D (32 px) saved in both torch.save layouts, their G's outputs on fixed
          inputs for every target, their state-dict keys/shapes/dtypes; (c) one D step and one G step of their
          Solver.train on a fixed batch, permutation and gradient-penalty alphas: the seven losses and the updated
          weights. The Java tests (InteropTest) check ours against these files in CI, where there is no torch.
  /usr/bin/python3 bench/sargan_interop.py check-export --ref CLONE --jar sargan/target/sargan.jar \
          --fixtures sargan/src/test/resources/interop
      (b) our exports (`sargan export`, .ckpt and --with-discriminator after a `train --resume` of their pair)
          loaded by their strict load_state_dict / Solver.restore_model, and their output compared with ours.
  /usr/bin/python3 bench/sargan_interop.py parity --ref CLONE --jar sargan/target/sargan.jar [--size 128 --conv-dim 64]
      their random G at full size in both layouts, translated by our `sargan translate` and by their G from the same
      PNG; prints the largest pixel difference in 1/255 steps.
"""
import argparse
import collections
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import types

import numpy as np
import torch
import torch.nn.functional as F

EXPRESSIONS = ["afraid", "angry", "disgusted", "happy", "neutral", "sad", "surprised"]


def import_reference(ref):
    """Their generator, discriminator and solver modules, from a checkout or a bare git directory."""
    if not os.path.exists(os.path.join(ref, "generator.py")):
        out = tempfile.mkdtemp(prefix="sargan-ref-")
        archive = subprocess.run(["git", "--git-dir", ref, "archive", "HEAD", "generator.py", "discriminator.py",
                                  "solver.py", "utils.py"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", out], input=archive, check=True)
        ref = out
    # utils.py imports TensorFlow for its TensorBoard logger only; a stand-in keeps TensorFlow out of the way
    tf1 = types.ModuleType("tensorflow.compat.v1")
    tf1.disable_v2_behavior = lambda: None
    compat = types.ModuleType("tensorflow.compat")
    compat.v1 = tf1
    tf = types.ModuleType("tensorflow")
    tf.compat = compat
    sys.modules.update({"tensorflow": tf, "tensorflow.compat": compat, "tensorflow.compat.v1": tf1})
    sys.path.insert(0, ref)
    import discriminator
    import generator
    import solver
    return generator, discriminator, solver


def write_safetensors(path, tensors, metadata=None):
    """The safetensors layout by hand (8-byte header length, JSON header, raw little-endian data)."""
    header = {}
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name, value in tensors.items():
        a = np.asarray(value, dtype=np.float32, order="C")  # (ascontiguousarray would make a scalar 1-d)
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def repack_deflated_zip64(src, dst):
    """The same torch.save archive re-packed by Python's zipfile with deflate and Zip64 records: layouts a reader
    must also handle (a seed of the fuzz test)."""
    import zipfile
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            with zout.open(info.filename, "w", force_zip64=True) as f:
                f.write(zin.read(info.filename))


def one_hot(labels, classes=7):
    c = torch.zeros(len(labels), classes)
    c[torch.arange(len(labels)), torch.as_tensor(labels)] = 1
    return c


def state_spec(module):
    """One line per state-dict entry: key, shape (comma-separated, empty for a scalar), dtype."""
    return "".join(k + " " + ",".join(str(d) for d in v.shape) + " " + str(v.dtype).replace("torch.", "") + "\n"
                   for k, v in module.state_dict().items())


class RecordingTorch:
    """Stands in for the `torch` module inside their solver.py: torch.rand and torch.randperm return the fixed
    alphas and permutation, torch.mean records each value it returns; everything else is torch itself."""

    def __init__(self, alpha, perm):
        self.alpha = alpha
        self.perm = perm
        self.means = []

    def rand(self, *size, **kw):
        assert tuple(size) == tuple(self.alpha.shape), size
        return self.alpha.clone()

    def randperm(self, n, **kw):
        assert n == len(self.perm)
        return self.perm.clone()

    def mean(self, *args, **kw):
        m = torch.mean(*args, **kw)
        self.means.append(m.item())
        return m

    def __getattr__(self, name):
        return getattr(torch, name)


def their_step(solver_mod, g_file, d_file, x_real, label_org, perm, alpha, size, conv_dim, d_conv_dim, d_layers):
    """One iteration of their Solver.train with n_critic 1 (a D step, then a G step) on a fixed batch."""
    work = tempfile.mkdtemp(prefix="sargan-step-")
    cfg = argparse.Namespace(
        c_dim=7, image_size=size, g_conv_dim=conv_dim, d_conv_dim=d_conv_dim, d_repeat_num=d_layers, lambda_cls=1,
        lambda_rec=1, lambda_gp=10, batch_size=len(label_org), num_iters=1, num_iters_decay=0, g_lr=1e-4,
        d_lr=1e-4, n_critic=1, beta1=0.5, beta2=0.999, resume_iters=None, test_iters=None, use_tensorboard=False,
        log_dir=work, sample_dir=work, model_save_dir=work, result_dir=work, log_step=1000, sample_step=1000,
        model_save_step=1000, lr_update_step=1000)
    batch = (x_real.clone(), torch.as_tensor(label_org))
    with open(os.devnull, "w") as quiet:
        stdout = sys.stdout
        sys.stdout = quiet
        try:
            s = solver_mod.Solver([batch, batch], cfg)  # x_fixed, then the training batch
        finally:
            sys.stdout = stdout
    s.G.load_state_dict(torch.load(g_file))
    s.D.load_state_dict(torch.load(d_file))
    rec = RecordingTorch(alpha, perm)
    cls, gp = [], []
    plain_cls, plain_gp = s.classification_loss, s.gradient_penalty

    def classification_loss(logit, target):
        v = plain_cls(logit, target)
        cls.append(v.item())
        return v

    def gradient_penalty(y, x):
        v = plain_gp(y, x)
        gp.append(v.item())
        return v

    s.classification_loss = classification_loss
    s.gradient_penalty = gradient_penalty
    # each optimiser's gradients as its step sees them (the test needs them to tell where Adam's first update,
    # lr * g / (|g| + eps), is sensitive to rounding: where |g| is near eps)
    grads = {}

    def snapshot(opt, model, prefix):
        plain = opt.step

        def step(*a, **kw):
            for n, p in model.named_parameters():
                if p.grad is not None:
                    grads[prefix + n] = p.grad.detach().clone().numpy()
            return plain(*a, **kw)
        opt.step = step

    snapshot(s.d_optimizer, s.D, "grad.D.")
    snapshot(s.g_optimizer, s.G, "grad.G.")
    real_torch = solver_mod.torch
    solver_mod.torch = rec
    try:
        with open(os.devnull, "w") as quiet:
            stdout = sys.stdout
            sys.stdout = quiet
            try:
                s.train()
            finally:
                sys.stdout = stdout
    finally:
        solver_mod.torch = real_torch
    # torch.mean calls in order: D real, D fake, the penalty's own mean, G fake, G reconstruction
    m = rec.means
    losses = {"D/real": -m[0], "D/fake": m[1], "D/cls": cls[0], "D/gp": gp[0],
              "G/fake": -m[3], "G/rec": m[4], "G/cls": cls[1]}
    return losses, s.G, s.D, grads


def fixtures(args):
    gen, dis, sol = import_reference(args.ref)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(1)
    size, conv, d_conv, d_layers = 32, 8, 8, 5
    G = gen.Generator(conv, 7)
    D = dis.Discriminator(size, d_conv, 7, d_layers)
    g_file = os.path.join(args.out, "100-G.ckpt")
    d_file = os.path.join(args.out, "100-D.ckpt")
    torch.save(G.state_dict(), g_file)
    torch.save(G.state_dict(), os.path.join(args.out, "100-G-legacy.ckpt"), _use_new_zipfile_serialization=False)
    torch.save(D.state_dict(), d_file)
    for name, module in (("G", G), ("D", D)):
        with open(os.path.join(args.out, name + "-keys.txt"), "w") as f:
            f.write(state_spec(module))

    # a tiny state dict with every element type and view the reader must handle, for the format and fuzz tests
    tiny = collections.OrderedDict()
    tiny["w"] = torch.randn(3, 4)
    tiny["half"] = torch.randn(5).half()
    tiny["bf16"] = torch.randn(2, 3).bfloat16()
    tiny["count"] = torch.tensor(7)
    tiny["transposed"] = torch.randn(3, 4).t()
    tiny["view"] = torch.randn(10)[3:7]
    torch.save(tiny, os.path.join(args.out, "tiny.pt"))
    torch.save(tiny, os.path.join(args.out, "tiny-legacy.pt"), _use_new_zipfile_serialization=False)
    repack_deflated_zip64(os.path.join(args.out, "tiny.pt"), os.path.join(args.out, "tiny-deflated-zip64.pt"))
    write_safetensors(os.path.join(args.out, "tiny-expected.safetensors"),
                      {k: v.float().numpy() for k, v in tiny.items()})

    rng = np.random.RandomState(2)
    x = torch.from_numpy(rng.uniform(-1, 1, (2, 3, size, size)).astype(np.float32))
    out = {"x": x.numpy()}
    with torch.no_grad():
        # their test mode: no G.eval(), so instance statistics (as in training); fresh copy per call keeps the
        # running-statistics buffers out of it (they never affect outputs anyway)
        for t in range(7):
            out["y." + EXPRESSIONS[t]] = G(x, one_hot([t, t])).numpy()
        out["d_src"], out["d_cls"] = [v.numpy() for v in D(x)]
    write_safetensors(os.path.join(args.out, "forward.safetensors"), out,
                      {"size": size, "conv_dim": conv, "d_layers": d_layers})

    x_real = torch.from_numpy(rng.uniform(-1, 1, (4, 3, size, size)).astype(np.float32))
    label_org = [0, 3, 4, 6]
    perm = torch.tensor([2, 0, 3, 1])
    alpha = torch.from_numpy(rng.uniform(0, 1, (4, 1, 1, 1)).astype(np.float32))
    losses, G1, D1, grads = their_step(sol, g_file, d_file, x_real, label_org, perm, alpha, size, conv, d_conv, d_layers)
    step = {"x_real": x_real.numpy(), "label_org": np.array(label_org, np.float32),
            "label_trg": np.array(label_org, np.float32)[perm.numpy()], "alpha": alpha.numpy().reshape(-1)}
    for k, v in losses.items():
        step["loss." + k] = np.float32(v)
    skip = ("running_mean", "running_var", "num_batches_tracked")
    for k, v in G1.state_dict().items():
        if not k.startswith("att_func.") and not k.endswith(skip):
            step["G." + k] = v.numpy()
    for k, v in D1.state_dict().items():
        step["D." + k] = v.numpy()
    step.update(grads)
    write_safetensors(os.path.join(args.out, "step.safetensors"), step, {"torch": torch.__version__})
    print("fixtures in", args.out, "torch", torch.__version__)
    print("their losses:", {k: round(v, 6) for k, v in losses.items()})


def sargan(jar, *cmd):
    t0 = time.time()
    r = subprocess.run(["java", "--add-modules=jdk.incubator.vector", "-jar", jar, *cmd], capture_output=True,
                       text=True)
    if r.returncode != 0:
        sys.exit("sargan " + " ".join(cmd) + " failed:\n" + r.stdout + r.stderr)
    return r.stdout, time.time() - t0


def compare(name, ours, theirs):
    d = np.abs(ours - theirs)
    rel = d.max() / max(np.abs(theirs).max(), 1e-30)
    print(f"{name}: max |diff| {d.max():.3g}, relative to max |value| {rel:.3g}")
    return rel


def check_export(args):
    gen, dis, sol = import_reference(args.ref)
    work = tempfile.mkdtemp(prefix="sargan-export-")
    fx = args.fixtures
    ref = {}
    with open(os.path.join(fx, "forward.safetensors"), "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    for k, spec in header.items():
        if k != "__metadata__":
            a, b = spec["data_offsets"]
            ref[k] = np.frombuffer(data[a:b], np.float32).reshape(spec["shape"])
    x = torch.from_numpy(ref["x"].copy())
    worst = 0.0
    for ext in ("ckpt", "safetensors"):
        out = os.path.join(work, "ours." + ext)
        sargan(args.jar, "export", "--checkpoint", os.path.join(fx, "100-G.ckpt"), "--out", out)
        if ext == "ckpt":
            G = gen.Generator(8, 7)
            G.load_state_dict(torch.load(out), strict=True)
            print("their strict load_state_dict accepted", out)
            with torch.no_grad():
                for t in range(7):
                    worst = max(worst, compare("G(x, " + EXPRESSIONS[t] + ") on our export",
                                               G(x, one_hot([t, t])).numpy(), ref["y." + EXPRESSIONS[t]]))
    # --with-discriminator: train one iteration from their pair, export both, let their restore_model continue
    data_dir = os.path.join(work, "data")
    sargan(args.jar, "data", "synth", "--out", data_dir, "--identities", "2", "--size", "32")
    run = os.path.join(work, "run")
    sargan(args.jar, "train", "--data", data_dir, "--resume", os.path.join(fx, "100-G.ckpt"), "--iters", "101",
           "--batch", "4", "--out", run)
    exp = os.path.join(work, "exported")
    sargan(args.jar, "export", "--checkpoint", os.path.join(run, "checkpoint.safetensors"), "--with-discriminator",
           "--out", exp)
    cfg = argparse.Namespace(c_dim=7, image_size=32, g_conv_dim=8, d_conv_dim=8, d_repeat_num=5, lambda_cls=1,
                             lambda_rec=1, lambda_gp=10, batch_size=4, num_iters=1, num_iters_decay=0, g_lr=1e-4,
                             d_lr=1e-4, n_critic=1, beta1=0.5, beta2=0.999, resume_iters=None, test_iters=None,
                             use_tensorboard=False, log_dir=work, sample_dir=work, model_save_dir=exp,
                             result_dir=work, log_step=1, sample_step=1, model_save_step=1, lr_update_step=1)
    with open(os.devnull, "w") as quiet:
        stdout = sys.stdout
        sys.stdout = quiet
        try:
            s = sol.Solver([], cfg)
        finally:
            sys.stdout = stdout
    s.restore_model(101)
    print("their Solver.restore_model(101) accepted", sorted(os.listdir(exp)))
    print("worst relative difference:", f"{worst:.3g}", "PASS" if worst < 1e-4 else "FAIL")
    return 0 if worst < 1e-4 else 1


def parity(args):
    """Their random G at full size, through our translate and their forward, from the same PNG."""
    from PIL import Image
    gen, _, _ = import_reference(args.ref)
    work = tempfile.mkdtemp(prefix="sargan-parity-")
    torch.manual_seed(3)
    G = gen.Generator(args.conv_dim, 7)
    files = {"zip": os.path.join(work, "sargan_G.ckpt"), "legacy": os.path.join(work, "sargan_G_legacy.ckpt")}
    torch.save(G.state_dict(), files["zip"])
    torch.save(G.state_dict(), files["legacy"], _use_new_zipfile_serialization=False)
    print("their G:", sum(v.numel() for v in G.state_dict().values()), "values,",
          os.path.getsize(files["zip"]), "bytes (zip)")
    # a face: their in-the-wild test image, cropped to a square and resized once, so both sides read the same pixels
    img = Image.open(args.image).convert("RGB")
    w, h = img.size
    side = min(w, h)
    img = img.crop(((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side))
    img = img.resize((args.size, args.size), Image.BICUBIC)
    face = os.path.join(work, "face.png")
    img.save(face)
    x = torch.from_numpy(np.asarray(img, np.float32).transpose(2, 0, 1)[None] / 127.5 - 1)
    theirs = {}
    with torch.no_grad():
        for t in range(7):
            y = G(x, one_hot([t]))[0]
            # torchvision's save_image of denorm(y): clamp to [0, 1], then round(255 * v)
            theirs[t] = ((y + 1) / 2).clamp(0, 1).mul(255).add(0.5).clamp(0, 255).to(torch.uint8).numpy()
    worst = 0
    ours_png = {}
    for layout, f in files.items():
        out = os.path.join(work, "ours-" + layout)
        _, secs = sargan(args.jar, "translate", "--checkpoint", f, "--input", face, "--to", "all", "--out", out)
        for t in range(7):
            ours = np.asarray(Image.open(os.path.join(out, "face_" + EXPRESSIONS[t] + ".png")).convert("RGB"),
                              np.int32).transpose(2, 0, 1)
            ours_png[layout, t] = ours
            d = np.abs(ours - theirs[t].astype(np.int32))
            worst = max(worst, int(d.max()))
            print(f"{layout:6s} {EXPRESSIONS[t]:9s}: max pixel difference {d.max()}/255, "
                  f"{(d > 0).mean() * 100:.3f}% of values differ")
        print(f"{layout}: `sargan translate --to all` took {secs:.1f} s (JVM start, load, 7 images)")
    # the other direction: our export of that model, loaded by their strict loader, against our translate output
    exported = os.path.join(work, "ours_G.ckpt")
    sargan(args.jar, "export", "--checkpoint", files["zip"], "--out", exported)
    G2 = gen.Generator(args.conv_dim, 7)
    G2.load_state_dict(torch.load(exported), strict=True)
    with torch.no_grad():
        for t in range(7):
            y = G2(x, one_hot([t]))[0]
            png = ((y + 1) / 2).clamp(0, 1).mul(255).add(0.5).clamp(0, 255).to(torch.uint8).numpy().astype(np.int32)
            d = np.abs(ours_png["zip", t] - png)
            worst = max(worst, int(d.max()))
            print(f"their G on our export, {EXPRESSIONS[t]:9s} vs our translate: max pixel difference {d.max()}/255")
    print("worst:", worst, "/255", "PASS" if worst <= 1 else "FAIL")
    return 0 if worst <= 1 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["fixtures", "check-export", "parity"])
    p.add_argument("--ref", required=True, help="a clone of github arbishakram/SARGAN (checkout or bare git dir)")
    p.add_argument("--out", default="sargan/src/test/resources/interop")
    p.add_argument("--fixtures", default="sargan/src/test/resources/interop")
    p.add_argument("--jar", default="sargan/target/sargan.jar")
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--conv-dim", type=int, default=64)
    p.add_argument("--image", default=None, help="a face photo (default: their testing_imgs/NES/young.jpeg)")
    args = p.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    if args.mode == "fixtures":
        fixtures(args)
        return 0
    if args.mode == "check-export":
        return check_export(args)
    if args.image is None:
        args.image = os.path.join(tempfile.mkdtemp(), "young.jpeg")
        with open(args.image, "wb") as f:
            f.write(subprocess.run(["git", "--git-dir", args.ref, "show", "HEAD:testing_imgs/NES/young.jpeg"],
                                   check=True, capture_output=True).stdout)
    return parity(args)


if __name__ == "__main__":
    sys.exit(main())
