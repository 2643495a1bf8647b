#!/usr/bin/env python3
"""Summarise train-offline JSON lines: mean and spread of accuracy per (labels, mode), plus speed."""
import json
import statistics
import sys
from collections import defaultdict


def main(paths):
    groups = defaultdict(list)
    for path in paths:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    r = json.loads(line)
                    c = r.get("config", {})
                    variant = r["mode"] if r["mode"] == "supervised" else \
                        f'{r["mode"]} {c.get("consistencyType", "?")} w={c.get("consistencyWeight", "?")} ema={c.get("emaDecay", "?")}'
                    if r["mode"] != "supervised" and c.get("twoHeads"):
                        variant += f' two-heads ld={c.get("logitDistanceCost")}'
                    if "emaDecayAfterRampup" in c and c["emaDecayAfterRampup"] != c.get("emaDecay"):
                        variant += f' ema-after-rampup={c["emaDecayAfterRampup"]}'
                    if c.get("cutoutPixels"):
                        variant += f' cutout={c["cutoutPixels"]}'
                    if c.get("weakTeacherInput"):
                        variant += ' weak-teacher-input'
                    groups[(r["labelsPerClass"], variant, r["steps"])].append(r)
    print("| labels | mode | steps | seeds | teacher acc. mean ± std (min..max) | student acc. mean ± std | samples/s | ms/step | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (labels, mode, steps), runs in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1], kv[0][2])):
        t = [r["teacherAccuracy"] for r in runs]
        s = [r["studentAccuracy"] for r in runs]
        sd = lambda xs: statistics.stdev(xs) if len(xs) > 1 else 0.0
        print(f"| {labels * 10} | {mode} | {steps} | {len(runs)} | {statistics.mean(t):.4f} ± {sd(t):.4f} ({min(t):.4f}..{max(t):.4f}) "
              f"| {statistics.mean(s):.4f} ± {sd(s):.4f} | {statistics.mean(r['samplesPerSecond'] for r in runs):.0f} "
              f"| {statistics.mean(r['msPerStep'] for r in runs):.0f} | {max(r['peakRssMiB'] for r in runs)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
