#!/usr/bin/env python3
"""Fits a weight-matrix product's floor (hardware keys `matmul_floor`,
`matmul_floor_bytes`) to fleetsim's own H200 GEMM table.

A decode step's matrix products are memory bound: a plain roofline times one
at its weight bytes over the device's bandwidth. The H200 table
(validation/measurements/h200-2026-11-30/sweeps.json, from
scripts/measure_gpu_iterations.py) times the bf16 products of Llama-3.1-8B's
and -70B's layers at M = 1 to 16,384 rows. At M <= 16 the math is under a
microsecond, and each product takes its bytes over the bandwidth plus a
time of its own: launch, the memory pipeline's fill and the tail of its last
wave. This script fits that time, t0 in

    t = t0 + bytes / (eta_m * W)

by least squares on log(predicted / measured) over those cells, with eta_m
the same run's HBM copy (4,206 of 4,800 GB/s), so that the bandwidth is the
one measured by a copy and t0 carries the rest. It prints the fit, the
error of the plain roofline at the same eta_m, and each shape's residual.
`matmul_floor_bytes` is the smallest matrix in the table (below it the
floor is not measured; docs/performance-model.md, "A matrix product's
floor").

Run: python3 scripts/matmul_floor_fit.py [sweeps.json]
"""

import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "validation", "measurements", "h200-2026-11-30", "sweeps.json")
BANDWIDTH = 4.8e12  # H200 datasheet, bytes/s
MAX_ROWS = 16       # cells whose math is under a microsecond at the bf16 peak


def cells(data):
    """(shape name, weight bytes, activation and output bytes, seconds)."""
    for c in data["gemm"]:
        if c["M"] <= MAX_ROWS:
            weights = 2.0 * c["N"] * c["K"]
            other = 2.0 * c["M"] * (c["N"] + c["K"])
            yield f'{c["model"]} {c["layer"]}', weights, other, c["s"]


def log_errors(points, t0, bandwidth):
    return [math.log((t0 + (w + o) / bandwidth) / s) for _name, w, o, s in points]


def rms(errors):
    return math.sqrt(sum(e * e for e in errors) / len(errors))


def main():
    data = json.load(open(sys.argv[1] if len(sys.argv) > 1 else DEFAULT))
    points = list(cells(data))
    eta_m = data["hbm"]["copy_GBps"] * 1e9 / BANDWIDTH
    bandwidth = eta_m * BANDWIDTH
    # Golden-section search on t0 in [0, 50] us: the rms log error is unimodal in it.
    lo, hi = 0.0, 50e-6
    g = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(100):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        if rms(log_errors(points, a, bandwidth)) < rms(log_errors(points, b, bandwidth)):
            hi = b
        else:
            lo = a
    t0 = (lo + hi) / 2.0
    plain = log_errors(points, 0.0, bandwidth)
    fitted = log_errors(points, t0, bandwidth)
    print(f"{len(points)} cells at M <= {MAX_ROWS}; eta_m = HBM copy {data['hbm']['copy_GBps']:.0f} GB/s"
          f" / {BANDWIDTH / 1e9:.0f} = {eta_m:.3f}")
    print(f"plain roofline: rms log error {rms(plain):.3f}, mean {sum(plain) / len(plain):+.3f}")
    print(f"t0 = {t0 * 1e6:.1f} us: rms log error {rms(fitted):.3f}, mean {sum(fitted) / len(fitted):+.3f}")
    smallest = min(w for _name, w, _o, _s in points)
    print(f"smallest matrix measured: {smallest / 1e6:.1f} MB")
    print(f"{'shape':<22} {'MB':>7} {'measured us':>12} {'plain':>7} {'with t0':>8}")
    shapes = {}
    for (name, w, _o, s), e0, e1 in zip(points, plain, fitted):
        shapes.setdefault(name, []).append((w, s, e0, e1))
    for name, rows in shapes.items():
        n = len(rows)
        w = rows[0][0]
        print(f"{name:<22} {w / 1e6:7.1f} {sum(r[1] for r in rows) / n * 1e6:12.1f}"
              f" {math.exp(sum(r[2] for r in rows) / n) - 1:+7.1%} {math.exp(sum(r[3] for r in rows) / n) - 1:+8.1%}")


if __name__ == "__main__":
    main()
