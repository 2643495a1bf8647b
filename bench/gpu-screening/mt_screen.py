#!/usr/bin/env python3
"""Hyper-parameter screening for the Mean Teacher engine, on a GPU, in PyTorch.

A port of the Java engine's step (trainer/.../engine/MeanTeacherEngine.java) used only to *screen* settings
quickly on a lent GPU machine: every number that the benchmarks document reports as a result comes from the
Java engine (`./meanstream train-offline`), which re-runs the settings this script points at.

Faithful to the engine: the same ConvNet (conv-BN-LeakyReLU 0.1, two max-pools, global average pooling,
optional dropout on the pooled features, one or two linear heads), Xavier-uniform weights, two-stream batches
(labeled rows cycled over the shuffled labeled pool, unlabeled rows over the rest of the training set),
translation by padding with black + cropping, student-only cutout, optional Gaussian noise, cross-entropy over
the labeled rows, softmax-MSE (summed over classes / class count, batch mean) or KL consistency on all rows,
sigmoid ramp-up exp(-5(1-t)^2), logit distance between the heads, Nesterov SGD with weight decay, linear lr
warm-up then cosine or constant, EMA teacher alpha = min(1 - 1/(step+1), decay) over trainable parameters,
teacher BatchNorm statistics from its own training-mode forward passes. Supervised mode: labeled rows only.

Usage: mt_screen.py --data DIR --out FILE --workers N --deadline-s S [--smoke] [--plan NAME]
"""
import argparse
import concurrent.futures as cf
import gzip
import json
import math
import multiprocessing as mp
import os
import sys
import time
import traceback

import numpy as np

MEAN, STD = 0.2860, 0.3530

BASE = dict(mode="mt", labels_per_class=100, steps=3000, batch=128, labeled=32, cons_type="mse", cons=400.0,
            rampup=1000, ema=0.99, ema_late=None, ema_late_step=0, two_heads=True, ld=0.01, lr=0.05, momentum=0.9,
            wd=2e-4, warmup=200, schedule="cosine", translate=2, flip=False, noise=0.0, cutout=12, weak_teacher=True,
            dropout=0.0, width=24, seed=1, eval_every=1000)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    dims = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


_DATA = {}


def load(data_dir, device):
    import torch
    if "train" not in _DATA:
        xtr = read_idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz"))
        ytr = read_idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz"))
        xte = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))
        yte = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz"))

        def norm(x):
            t = torch.from_numpy(x.astype(np.float32) / 255.0).to(device)
            return ((t - MEAN) / STD).unsqueeze(1)

        _DATA["train"] = (norm(xtr), torch.from_numpy(ytr.astype(np.int64)).to(device), ytr)
        _DATA["test"] = (norm(xte), torch.from_numpy(yte.astype(np.int64)).to(device))
    return _DATA["train"], _DATA["test"]


def build_net(cfg):
    import torch.nn as nn
    w = cfg["width"]

    def cba(cin, cout, k, p):
        return [nn.Conv2d(cin, cout, k, padding=p, bias=False), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1),
                nn.LeakyReLU(0.1)]

    layers = cba(1, w, 3, 1) + [nn.MaxPool2d(2, 2)] + cba(w, 2 * w, 3, 1) + cba(2 * w, 2 * w, 3, 1) \
        + [nn.MaxPool2d(2, 2)] + cba(2 * w, 4 * w, 3, 1) + cba(4 * w, 4 * w, 3, 1) + cba(4 * w, 2 * w, 1, 0) \
        + [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    if cfg["dropout"] > 0:
        layers.append(nn.Dropout(cfg["dropout"]))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.trunk = nn.Sequential(*layers)
            self.head1 = nn.Linear(2 * w, 10)
            self.head2 = nn.Linear(2 * w, 10) if cfg["two_heads"] else None

        def forward(self, x):
            f = self.trunk(x)
            a = self.head1(f)
            return (a, self.head2(f)) if self.head2 is not None else (a, a)

    net = Net()
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            # DJL's default Xavier (uniform, average fan, magnitude 6): bound sqrt(12 / (fan_in + fan_out))
            nn.init.xavier_uniform_(m.weight, gain=math.sqrt(2.0))
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return net


def augment(x, gen, translate, flip, cutout, noise):
    import torch
    n, c, h, w = x.shape
    pad = -MEAN / STD
    dev = x.device
    out = x
    if translate > 0 or flip:
        t = translate
        p = torch.nn.functional.pad(x, (t, t, t, t), value=pad)
        dy = torch.randint(-t, t + 1, (n,), generator=gen, device=dev)
        dx = torch.randint(-t, t + 1, (n,), generator=gen, device=dev)
        rows = torch.arange(h, device=dev)[None, :, None] - dy[:, None, None] + t
        cols = torch.arange(w, device=dev)[None, None, :] - dx[:, None, None]
        if flip:
            f = torch.rand(n, generator=gen, device=dev)[:, None, None] < 0.5
            cols = torch.where(f, (w - 1) - cols, cols)
        cols = cols + t
        b = torch.arange(n, device=dev)[:, None, None]
        out = p[b, :, rows, cols].permute(0, 3, 1, 2)
    if cutout > 0:
        top = torch.randint(1 - cutout, h, (n, 1, 1, 1), generator=gen, device=dev)
        left = torch.randint(1 - cutout, w, (n, 1, 1, 1), generator=gen, device=dev)
        r = torch.arange(h, device=dev).view(1, 1, h, 1)
        cc = torch.arange(w, device=dev).view(1, 1, 1, w)
        erased = (r >= top) & (r < top + cutout) & (cc >= left) & (cc < left + cutout)
        out = torch.where(erased, torch.full_like(out, pad), out)
    if noise > 0:
        out = out + noise * torch.randn(out.shape, generator=gen, device=dev)
    return out


def lr_at(cfg, step):
    lr = cfg["lr"]
    if cfg["warmup"] > 0 and step < cfg["warmup"]:
        return lr * (step + 1) / cfg["warmup"]
    if cfg["schedule"] == "cosine":
        t = min(1.0, step / cfg["steps"])
        return lr * 0.5 * (1 + math.cos(math.pi * t))
    return lr


def rampup(step, n):
    if n <= 0:
        return 1.0
    t = max(0.0, min(1.0, step / n))
    return math.exp(-5.0 * (1 - t) ** 2)


def evaluate(net, test):
    import torch
    x, y = test
    net.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], 2500):
            correct += (net(x[i:i + 2500])[0].argmax(1) == y[i:i + 2500]).sum()
    net.train()
    return correct.item() / x.shape[0]


def run(cfg, data_dir, deadline):
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(1)
    torch.backends.cudnn.benchmark = True
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    (xtr, ytr, ytr_np), test = load(data_dir, dev)
    torch.manual_seed(cfg["seed"])
    rng = np.random.default_rng(cfg["seed"])
    gen = torch.Generator(device=dev)
    gen.manual_seed(cfg["seed"] + 1000)
    k = cfg["labels_per_class"]
    labeled = np.concatenate([rng.choice(np.flatnonzero(ytr_np == c), k, replace=False) for c in range(10)])
    mask = np.ones(len(ytr_np), bool)
    mask[labeled] = False
    unlabeled = np.flatnonzero(mask)
    mt = cfg["mode"] == "mt"
    nl = cfg["labeled"]
    nu = cfg["batch"] - nl if mt else 0

    def cycle(pool):
        while True:
            for i in rng.permutation(pool):
                yield i

    lab_it, unl_it = cycle(labeled), cycle(unlabeled)
    student = build_net(cfg).to(dev)
    teacher = build_net(cfg).to(dev)
    teacher.load_state_dict(student.state_dict())
    for p in teacher.parameters():
        p.requires_grad_(False)
    sp = list(student.parameters())
    tp = list(teacher.parameters())
    opt = torch.optim.SGD(sp, lr=cfg["lr"], momentum=cfg["momentum"], nesterov=True, weight_decay=cfg["wd"],
                          foreach=True)
    curve = []
    t0 = time.time()
    truncated = False
    last_cons = 0.0
    step = 0
    for step in range(cfg["steps"]):
        idx = [next(lab_it) for _ in range(nl)] + [next(unl_it) for _ in range(nu)]
        idx_t = torch.as_tensor(np.asarray(idx, dtype=np.int64)).to(dev, non_blocking=True)
        x = xtr[idx_t]
        y = ytr[idx_t[:nl]]
        xs = augment(x, gen, cfg["translate"], cfg["flip"], cfg["cutout"], cfg["noise"])
        if cfg["weak_teacher"]:
            xt = augment(x, gen, cfg["translate"], cfg["flip"], 0, 0.0)
        else:
            xt = augment(x, gen, cfg["translate"], cfg["flip"], cfg["cutout"], cfg["noise"])
        with torch.no_grad():
            t_logits = teacher(xt)[0]
        s_class, s_cons = student(xs)
        loss = F.cross_entropy(s_class[:nl], y)
        if mt:
            w = cfg["cons"] * rampup(step, cfg["rampup"])
            if cfg["cons_type"] == "mse":
                cons = ((s_cons.softmax(1) - t_logits.softmax(1)) ** 2).sum(1).div(10).mean()
            else:
                tl = t_logits.log_softmax(1)
                cons = (tl.exp() * (tl - s_cons.log_softmax(1))).sum(1).mean()
            loss = loss + w * cons
        if cfg["two_heads"]:
            loss = loss + cfg["ld"] * ((s_class - s_cons) ** 2).sum(1).div(10).mean()
        for g in opt.param_groups:
            g["lr"] = lr_at(cfg, step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        decay = cfg["ema"]
        if cfg["ema_late"] is not None and step + 1 >= cfg["ema_late_step"]:
            decay = cfg["ema_late"]
        alpha = min(1 - 1 / (step + 2), decay)
        with torch.no_grad():
            torch._foreach_mul_(tp, alpha)
            torch._foreach_add_(tp, sp, alpha=1 - alpha)
        done = step + 1
        if done % cfg["eval_every"] == 0 or done == cfg["steps"]:
            if mt:
                last_cons = float(cons.item())
            curve.append(dict(step=done, teacher=evaluate(teacher, test), student=evaluate(student, test),
                              cons=last_cons))
        if done % 100 == 0 and time.time() > deadline:
            truncated = True
            break
    seconds = time.time() - t0
    if not curve or curve[-1]["step"] != step + 1:
        curve.append(dict(step=step + 1, teacher=evaluate(teacher, test), student=evaluate(student, test), cons=None))
    last = curve[-1]
    return dict(cfg=cfg, teacher=last["teacher"], student=last["student"], steps_done=last["step"],
                truncated=truncated, seconds=round(seconds, 1), ms_per_step=round(1000 * seconds / max(1, step + 1), 2),
                curve=curve)


def worker(args):
    cfg, data_dir, deadline = args
    if time.time() > deadline:
        return dict(cfg=cfg, error="skipped: past the deadline")
    try:
        return run(cfg, data_dir, deadline)
    except Exception:
        return dict(cfg=cfg, error=traceback.format_exc())


def variant(name, **kw):
    c = dict(BASE)
    c.update(kw)
    c["name"] = name
    return c


def plan(name):
    """Configs in priority order: the port check first, then one-factor variations at both label counts."""
    out = []
    if name == "s7":
        # 1. port check: the Java engine's defaults, both modes, both label counts, 3 seeds
        for lpc in (100, 25):
            for seed in (1, 2, 3):
                out.append(variant("mt-base", labels_per_class=lpc, seed=seed))
                out.append(variant("sup-base", mode="sup", labels_per_class=lpc, seed=seed))
        mt_vars = [
            ("mt-cons100", dict(cons=100.0)), ("mt-cons200", dict(cons=200.0)), ("mt-cons800", dict(cons=800.0)),
            ("mt-cons1600", dict(cons=1600.0)),
            ("mt-kl3", dict(cons_type="kl", cons=3.0)), ("mt-kl10", dict(cons_type="kl", cons=10.0)),
            ("mt-kl30", dict(cons_type="kl", cons=30.0)),
            ("mt-ema999", dict(ema=0.999)), ("mt-ema995", dict(ema=0.995)), ("mt-ema97", dict(ema=0.97)),
            ("mt-lab16", dict(labeled=16)), ("mt-lab64", dict(labeled=64)),
            ("mt-lr0.1", dict(lr=0.1)), ("mt-lr0.02", dict(lr=0.02)),
            ("mt-steps6000", dict(steps=6000)), ("mt-steps10000", dict(steps=10000, eval_every=2000)),
            ("mt-ramp3000", dict(rampup=3000)), ("mt-wd5e-4", dict(wd=5e-4)), ("mt-wd1e-4", dict(wd=1e-4)),
            ("mt-tr4", dict(translate=4)), ("mt-tr0", dict(translate=0)), ("mt-cut0", dict(cutout=0)),
            ("mt-cut16", dict(cutout=16)), ("mt-noise0.15", dict(noise=0.15)), ("mt-drop0.3", dict(dropout=0.3)),
            ("mt-onehead", dict(two_heads=False)), ("mt-strongteacher", dict(weak_teacher=False)),
            ("mt-b256l64", dict(batch=256, labeled=64)), ("mt-const", dict(schedule="constant")),
            ("mt-flip", dict(flip=True)),
        ]
        sup_vars = [
            ("sup-lr0.1", dict(lr=0.1)), ("sup-lr0.02", dict(lr=0.02)), ("sup-wd5e-4", dict(wd=5e-4)),
            ("sup-steps6000", dict(steps=6000)), ("sup-steps10000", dict(steps=10000, eval_every=2000)),
            ("sup-cut0", dict(cutout=0)), ("sup-cut16", dict(cutout=16)), ("sup-tr4", dict(translate=4)),
            ("sup-drop0.3", dict(dropout=0.3)), ("sup-lab64", dict(labeled=64)), ("sup-flip", dict(flip=True)),
        ]
        for seed in (1, 2):
            for lpc in (25, 100):
                for n, kw in mt_vars:
                    out.append(variant(n, labels_per_class=lpc, seed=seed, **kw))
                for n, kw in sup_vars:
                    out.append(variant(n, mode="sup", labels_per_class=lpc, seed=seed, **kw))
    elif name == "s7b":
        # second round: the first round's leaders, more seeds, combinations, longer budgets first
        for lpc, seed in ((100, 1), (100, 2), (25, 1)):
            out.append(variant("mt-ramp3000-steps6000", labels_per_class=lpc, seed=seed, rampup=3000, steps=6000))
        out.append(variant("sup-steps6000", mode="sup", labels_per_class=100, seed=1, steps=6000))
        runs = [(100, "mt-ramp3000", dict(rampup=3000), (2, 3)), (100, "mt-cons200", dict(cons=200.0), (2, 3)),
                (100, "mt-cons100", dict(cons=100.0), (2, 3)),
                (100, "mt-cons200-ramp3000", dict(cons=200.0, rampup=3000), (1, 2, 3)),
                (100, "mt-lab64-ramp3000", dict(labeled=64, rampup=3000), (1, 2)),
                (25, "mt-ramp3000", dict(rampup=3000), (2, 3)), (25, "mt-cons800", dict(cons=800.0), (2, 3)),
                (25, "mt-kl10", dict(cons_type="kl", cons=10.0), (2, 3)),
                (25, "mt-cons800-ramp3000", dict(cons=800.0, rampup=3000), (1, 2, 3)),
                (25, "mt-tr0", dict(translate=0), (2, 3)), (25, "mt-lab64", dict(labeled=64), (2, 3))]
        for lpc, n, kw, seeds in runs:
            for seed in seeds:
                out.append(variant(n, labels_per_class=lpc, seed=seed, **kw))
    elif name == "s7c":
        # third round: 6,000-step budgets, both modes, the remaining seeds
        for lpc, seed in ((100, 2), (100, 3), (25, 2), (25, 3)):
            out.append(variant("sup-steps6000", mode="sup", labels_per_class=lpc, seed=seed, steps=6000))
        for lpc, seed in ((100, 3), (25, 2), (25, 3)):
            out.append(variant("mt-ramp3000-steps6000", labels_per_class=lpc, seed=seed, rampup=3000, steps=6000))
        out.append(variant("sup-steps6000", mode="sup", labels_per_class=25, seed=1, steps=6000))
    elif name == "smoke":
        out = [variant("smoke-mt", steps=20, eval_every=10), variant("smoke-sup", mode="sup", steps=20, eval_every=10),
               variant("smoke-kl-flip-drop", steps=20, eval_every=10, cons_type="kl", flip=True, dropout=0.3,
                       two_heads=False, noise=0.1, ema_late=0.999, ema_late_step=5, weak_teacher=False)]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--deadline-s", type=float, default=400)
    ap.add_argument("--plan", default="s7")
    args = ap.parse_args()
    deadline = time.time() + args.deadline_s
    configs = plan(args.plan)
    print(f"{len(configs)} configs, {args.workers} workers, deadline in {args.deadline_s:.0f} s", flush=True)
    ctx = mp.get_context("spawn")
    done = 0
    with open(args.out, "a") as out, cf.ProcessPoolExecutor(max_workers=args.workers, mp_context=ctx) as pool:
        futures = [pool.submit(worker, (c, args.data, deadline)) for c in configs]
        for fut in cf.as_completed(futures):
            r = fut.result()
            out.write(json.dumps(r) + "\n")
            out.flush()
            done += 1
            c = r["cfg"]
            if "error" in r:
                print(f"ERROR {c['name']}: {r['error']}", flush=True)
            else:
                print(f"{done}/{len(configs)} {c['name']} lpc={c['labels_per_class']} seed={c['seed']} "
                      f"teacher={r['teacher']:.4f} student={r['student']:.4f} steps={r['steps_done']} "
                      f"{r['ms_per_step']} ms/step{' TRUNCATED' if r['truncated'] else ''}", flush=True)
            if time.time() > deadline + 30:
                for f in futures:
                    f.cancel()
    print("done", flush=True)


if __name__ == "__main__":
    sys.exit(main())
