#!/usr/bin/env python3
"""Turn measure_gpu_iterations.py results into fleetsim validation cases.

Writes one scenario file (a variant per measured point) and prints the
matching entries for validation/cases.yaml. Every measured point becomes a
case; the roles are fixed here, before any case is run:

  decode step and prefill times   holdout, kind latency
  board power of a kind of step   holdout, kind power
  loaded-idle power               check (the catalog takes it as an input)

How each measurement maps onto a fleetsim run:

  decode (B, L)  B requests arrive together, prompt L - 8, 16 output tokens,
                 every prompt prefilled in one iteration (no chunking, a
                 token budget of B x L); then B sequences decode together at
                 contexts L - 7 ... L + 8, whose mean is the measured L. The
                 median TPOT is the decode step time.
  prefill (B, P) B prompts of P tokens arrive together and prefill in one
                 iteration; the median TTFT is its time.
  power, decode  as decode, but the statistics window opens half a
                 simulated TTFT after the first token (first runs find the
                 TTFT and step), so that it holds decode iterations only,
                 and the output is long enough for 16 steps and 0.5 s of
                 decode in the window; the prompt is shortened so that the
                 window's mean context is the measured L.
  power, idle    one 16-token call every 10 minutes; the window is 10 to
                 50 minutes.
  power, prefill back-to-back single-prompt prefills for about 2 s.

The hardware is the catalog's H200 entry with one device, no iteration
overhead (the measurement queues its steps back to back: no host work sits
between them) and no host power (nvidia-smi reads the board alone). The
pools name the catalog's `pytorch-cuda-graph` stack, which describes the
software measured: no host overhead, and 22 kernels per layer besides the
matrix products and attention, each at the H200's kernel floor (added in
the round after the first run, as a mechanism of the model; the roles did
not change).

Usage:
  gpu_measurement_cases.py --measurements DIR --fleetsim BIN \\
      --scenario validation/h200-pytorch-8b.yaml > cases-block.yaml
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import yaml

HARDWARE = """\
hardware:
  h200-bare:
    catalog: h200-p5en.48xlarge
    devices: 1
    iteration_overhead: 0s
    power: {host: 0W}
"""

SOURCE = ("fleetsim scripts/measure_gpu_iterations.py on one H200 SXM "
          "(PyTorch {torch}, CUDA {cuda}, driver 580.159), 2026-11-30; "
          "validation/measurements/h200-2026-11-30/{file}")


def pool(batch, tokens):
    return ("{name: gpu, hardware: h200-bare, count: 1, models: [llama-3.1-8b], "
            f"engine: {{stack: pytorch-cuda-graph, max_batch_size: {batch}, max_batched_tokens: "
            f"{max(tokens, 256)}, chunked_prefill: false, memory_fraction: 0.95, "
            "kv_retention: none}}")


def variant(name, batch, tokens, prompt, output, sessions, rate="1e12/s",
            simulation=None):
    sim = simulation or f"{{sessions: {sessions}}}"
    return f"""  {name}:
    fleet:
      pools:
        - {pool(batch, tokens)}
    workloads:
      - name: bench
        arrivals: {{process: constant, rate: {rate}}}
        steps:
          - llm: {{model: llama-3.1-8b, prompt_tokens: {prompt}, output_tokens: {output}}}
    simulation: {sim}
"""


def scenario_text(variants):
    """A scenario whose base is the first variant, with every variant."""
    first = variants[0].split("\n", 1)[1]
    base = "\n".join(line[4:] for line in first.splitlines())
    return (HEADER + "name: h200-pytorch-8b\n" + HARDWARE + base
            + "\nvariants:\n" + "".join(variants))


def run_base(fleetsim, text):
    """The JSON report of a scenario's base run."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.yaml")
        with open(path, "w") as f:
            f.write(text)
        out = subprocess.run([fleetsim, "run", path, "--format", "json"],
                             capture_output=True, text=True,
                             check=True).stdout
    return json.loads(out)


def case(id_, variant_, setup, metric, value, published, role, kind, file_,
         facts, tolerance=None):
    c = dict(id=id_, scenario="h200-pytorch-8b.yaml", variant=variant_,
             hardware="H200 SXM (one GPU)", model="Llama-3.1-8B shape, bf16",
             setup=setup, metric=metric, value=value,
             published=round(published, 3))
    if tolerance is not None:
        c["tolerance"] = tolerance
    c.update(role=role, kind=kind, source_id="fleetsim-h200-pytorch-2026-11",
             **{"class": "hopper"}, stack="pytorch-bare",
             source=SOURCE.format(file=file_, **facts), date="2026-11-30")
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--measurements", required=True)
    ap.add_argument("--fleetsim", required=True)
    ap.add_argument("--scenario", required=True)
    args = ap.parse_args()

    sweeps = json.load(open(os.path.join(args.measurements, "sweeps.json")))
    power = json.load(open(os.path.join(args.measurements, "power.json")))
    facts = dict(torch=sweeps["facts"]["torch"], cuda=sweeps["facts"]["cuda"])

    variants, cases = [], []
    for d in sweeps["decode"]:
        b, l = d["B"], d["L"]
        name = f"decode-b{b}-l{l}"
        variants.append(variant(name, b, b * l, l - 8, 16, b))
        cases.append(case(
            f"h200-pt-{name}", name,
            f"decode step, batch {b}, context {l}, CUDA graph",
            "decode step ms", "workloads.bench.tpot_s.p50 * 1000",
            d["graph_s"] * 1e3, "holdout", "latency", "sweeps.json", facts))
    for p in sweeps["prefill"]:
        b, n = p["B"], p["P"]
        name = f"prefill-b{b}-p{n}"
        variants.append(variant(name, b, b * n, n, 1, b))
        cases.append(case(
            f"h200-pt-{name}", name,
            f"prefill of {b} x {n}-token prompts, CUDA graph",
            "prefill ms", "workloads.bench.ttft_s.p50 * 1000",
            p["graph_s"] * 1e3, "holdout", "latency", "sweeps.json", facts))

    for ph in power["power"]:
        name = ph["phase"]
        if name == "idle":
            v = "power-idle"
            variants.append(variant(
                v, 1, 16, 16, 1, None, rate="6/h",
                simulation="{sessions: 6, warmup: 10min}"))
            cases.append(case(
                "h200-pt-power-idle", v,
                "weights resident, one 16-token call per 10 min",
                "GPU W", "pools.gpu.mean_power_w", ph["watts_median"],
                "check", "power", "power.json", facts, tolerance=0.05))
        elif name.startswith("decode"):
            # The window needs the simulated TTFT and step: a first run.
            b, l = ph["B"], ph["L"]
            r = run_base(args.fleetsim, scenario_text(
                [variant("probe", b, b * l, l, 16, b)]))
            w = r["workloads"][0]
            ttft, tpot = w["ttft_s"]["p50"], w["tpot_s"]["p50"]
            # The window skips the first k0 decode steps (half a TTFT: room
            # for the prefill model to change) and holds 16 steps + 0.5 s.
            k0 = math.ceil(0.5 * ttft / tpot)
            out = k0 + 16 + math.ceil(0.5 / tpot)
            prompt = l - (k0 + out) // 2
            r = run_base(args.fleetsim, scenario_text(
                [variant("probe", b, b * prompt, prompt, out, b)]))
            warm_ms = math.ceil((r["workloads"][0]["ttft_s"]["p50"]
                                 + k0 * tpot) * 1e3)
            v = f"power-decode-b{b}-l{l}"
            variants.append(variant(
                v, b, b * prompt, prompt, out, b,
                simulation=f"{{sessions: {b}, warmup: {warm_ms}ms}}"))
            cases.append(case(
                f"h200-pt-{v}", v,
                f"decode steps back to back, batch {b}, context {l}",
                "GPU W while decoding", "pools.gpu.mean_power_w",
                ph["watts_median"], "holdout", "power", "power.json", facts))
        elif name.startswith("prefill"):
            n = ph["P"]
            count = max(8, math.ceil(2.0 / ph["step_s"]))
            v = f"power-prefill-p{n}"
            variants.append(variant(v, 1, n, n, 1, count))
            cases.append(case(
                f"h200-pt-{v}", v,
                f"{n}-token prefills back to back, batch 1",
                "GPU W while prefilling", "pools.gpu.mean_power_w",
                ph["watts_median"], "holdout", "power", "power.json", facts))

    with open(args.scenario, "w") as f:
        f.write(scenario_text(variants))
    yaml.safe_dump(cases, sys.stdout, sort_keys=False, width=1000,
                   allow_unicode=True)
    return 0


HEADER = """\
# fleetsim's own measurements on one H200 SXM (2026-11-30): a Llama-3.1-8B
# shaped decoder with random bf16 weights in bare PyTorch (no serving
# engine): unfused RMSNorm, RoPE and SwiGLU kernels, flash attention, every
# step replayed from a CUDA graph. scripts/measure_gpu_iterations.py measured
# them; scripts/gpu_measurement_cases.py wrote this file from the results in
# validation/measurements/h200-2026-11-30/ (its docstring says how each
# measurement maps onto a run). Do not edit by hand: rerun the script.
"""


if __name__ == "__main__":
    sys.exit(main())
