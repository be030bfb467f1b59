#!/usr/bin/env python3
"""Fits the rounded knee of the matrices' roofline (hardware key `matmul_knee`).

fleetsim times a weight-matrix phase as (t_c^p + t_m^p)^(1/p), where t_c is its
math at eff_c of the peak and t_m its weight reads at eff_m of the bandwidth
(docs/performance-model.md). This script finds the p, eff_c and eff_m that
best explain a published table of GEMM throughput against the number of
tokens M, by least squares on log(predicted / measured time).

Data: the FP8 GEMM table of DeepGEMM's README as first released
(deepseek-ai/DeepGEMM, 2025-02-26), measured on an H800 (H100 SXM's SM count
and HBM3: 1979 dense FP8 TFLOP/s, 3.35 TB/s). Each cell is (TFLOP/s, GB/s)
for an M x K activation times a K x N FP8 weight matrix with a BF16 output.

Run: python3 scripts/matmul_knee_fit.py
"""

import math

PEAK_FLOPS = 1979e12
BANDWIDTH = 3.35e12

SHAPES = [(2112, 7168), (24576, 1536), (32768, 512), (7168, 16384), (4096, 7168), (7168, 2048)]  # (N, K)
TABLE = {  # M -> one (TFLOP/s, GB/s) cell per shape
    64: [(206, 1688), (289, 2455), (219, 2143), (336, 2668), (287, 2320), (295, 2470)],
    128: [(352, 1509), (535, 2448), (358, 2103), (645, 2604), (533, 2221), (510, 2277)],
    4096: [(1058, 527), (990, 786), (590, 1232), (1358, 343), (1304, 500), (1025, 697)],
}


def points():
    """(M, N, K, measured time, time at full peak, time at full bandwidth)."""
    for m, cells in TABLE.items():
        for (n, k), (tflops, _gbs) in zip(SHAPES, cells):
            flops = 2.0 * m * n * k
            seconds = flops / (tflops * 1e12)
            # FP8 weights and activations, BF16 output.
            moved = n * k + m * k + 2.0 * m * n
            yield m, n, k, seconds, flops / PEAK_FLOPS, moved / BANDWIDTH


def log_errors(eff_c, eff_m, p):
    errors = []
    for _m, _n, _k, seconds, t_c, t_m in points():
        a, b = t_c / eff_c, t_m / eff_m
        high, low = max(a, b), min(a, b)
        predicted = high * (1.0 + (low / high) ** p) ** (1.0 / p)
        errors.append(math.log(predicted / seconds))
    return errors


def best_for(p):
    grid = [x / 100 for x in range(30, 101)]
    return min(((sum(e * e for e in log_errors(c, m, p)), c, m) for c in grid for m in grid))


def main():
    print(f"{'p':>5} {'eff_c':>6} {'eff_m':>6} {'rms log err':>12} {'median |err|':>13}")
    results = []
    for p in [1.0, 1.25, 1.5, 1.75, 2.0, 3.0, 4.0, 8.0, 32.0]:
        sse, eff_c, eff_m = best_for(p)
        errors = sorted(abs(math.exp(e) - 1.0) for e in log_errors(eff_c, eff_m, p))
        rms = math.sqrt(sse / len(errors))
        results.append((rms, p))
        print(f"{p:5.2f} {eff_c:6.2f} {eff_m:6.2f} {rms:12.3f} {errors[len(errors) // 2]:13.3f}")
    print(f"best p by rms: {min(results)[1]}")


if __name__ == "__main__":
    main()
