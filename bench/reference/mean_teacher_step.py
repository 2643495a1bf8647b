#!/usr/bin/env python3
"""Python PyTorch twin of one meanstream Mean Teacher training step, for speed comparisons only.

Same network as NetworkSpec.convNet (width 24, 1x28x28, one head), same batch (128 rows, 32 labeled),
same step: independently perturbed copies (translation by padding + crop, flip and Gaussian noise on both
copies: a few ms more than the engine's defaults, which skip the flip and the teacher's noise), the teacher's forward in training mode without gradients, the student's forward + backward, Nesterov SGD with
weight decay, the EMA update of the teacher. Random inputs: the cost of a step does not depend on the pixels.

    python3 bench/reference/mean_teacher_step.py --threads 2 --steps 200
"""
import argparse
import copy
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn_act(cin, cout, k, pad):
    return [nn.Conv2d(cin, cout, k, padding=pad, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(0.1)]


def convnet(w=24, classes=10, dropout=0.3, pool_first=False):
    first = ([nn.Conv2d(1, w, 3, padding=1, bias=False), nn.MaxPool2d(2), nn.BatchNorm2d(w), nn.LeakyReLU(0.1)]
             if pool_first else conv_bn_act(1, w, 3, 1) + [nn.MaxPool2d(2)])
    layers = first + conv_bn_act(w, 2 * w, 3, 1) + conv_bn_act(2 * w, 2 * w, 3, 1) + [nn.MaxPool2d(2)]
    layers += conv_bn_act(2 * w, 4 * w, 3, 1) + conv_bn_act(4 * w, 4 * w, 3, 1) + conv_bn_act(4 * w, 2 * w, 1, 0)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(2 * w, classes)]
    return nn.Sequential(*layers)


def augment(x, translate=2, noise=0.15):
    n, _, h, w = x.shape
    padded = F.pad(x, (translate,) * 4)
    dy = torch.randint(0, 2 * translate + 1, (n,))
    dx = torch.randint(0, 2 * translate + 1, (n,))
    rows = (dy.view(n, 1) + torch.arange(h).view(1, h))
    cols = (dx.view(n, 1) + torch.arange(w).view(1, w))
    out = padded[torch.arange(n).view(n, 1, 1), :, rows.view(n, h, 1), cols.view(n, 1, w)].permute(0, 3, 1, 2)
    flip = torch.rand(n) < 0.5
    out = torch.where(flip.view(n, 1, 1, 1), out.flip(3), out)
    return out + noise * torch.randn_like(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--width", type=int, default=24)
    p.add_argument("--pool-first", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    student = convnet(a.width, pool_first=a.pool_first)
    teacher = copy.deepcopy(student)
    for t in teacher.parameters():
        t.requires_grad_(False)
    opt = torch.optim.SGD(student.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=2e-4)
    x = torch.randn(128, 1, 28, 28)
    y = torch.randint(0, 10, (32,))
    student.train()
    teacher.train()
    print(f"torch {torch.__version__}, {sum(p.numel() for p in student.parameters())} parameters, {a.threads} threads")
    t0 = None
    for step in range(a.warmup + a.steps):
        if step == a.warmup:
            t0 = time.perf_counter()
        with torch.no_grad():
            t_logits = teacher(augment(x))
        s_logits = student(augment(x))
        class_loss = F.cross_entropy(s_logits[:32], y)
        cons = ((F.softmax(s_logits, 1) - F.softmax(t_logits, 1)) ** 2).sum(1).div(10).mean()
        loss = class_loss + 100.0 * cons
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for t, s in zip(teacher.parameters(), student.parameters()):
                t.mul_(0.99).add_(s, alpha=0.01)
    seconds = time.perf_counter() - t0
    print(f"{1000 * seconds / a.steps:.1f} ms/step, {a.steps * 128 / seconds:.0f} samples/s")


if __name__ == "__main__":
    main()
