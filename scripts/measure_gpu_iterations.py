#!/usr/bin/env python3
"""Measure a Llama-shaped decoder's iteration times on one GPU.

fleetsim predicts engine iteration times from a roofline with fitted
efficiencies (docs/performance-model.md). This script produces the figures
that check it on hardware at hand, with nothing to download: the model is
built from its shape (layers, hidden size, heads, FFN width, vocabulary) with
random bf16 weights, which time exactly as trained ones do.

It measures, in one short run:

  hbm      device memory bandwidth: a large copy (bytes read + written) and
           a large reduction (bytes read);
  gemm     matrix products x(M,K) @ W(N,K)^T for the model's own linear
           shapes over M = 1 ... 16384 (the tokens in an iteration): time,
           TFLOP/s and the bandwidth the weights were streamed at. Several
           copies of W rotate so that no product is served from L2;
  decode   one decode step of the whole model (embedding, 32 layers with
           RoPE, GQA attention over a KV cache, SwiGLU MLP, final norm, LM
           head, argmax) for batch B at context L, replayed from a CUDA
           graph as serving engines do (and eagerly for a few points, to show
           the launch cost graphs remove);
  prefill  one forward pass over B prompts of P tokens (causal attention,
           logits of the last token only), eager.

Steps are queued back to back, so no host work sits between them: the
figures are the device's, with no scheduler overhead (fleetsim's cases for
them set iteration_overhead to 0).

Usage:
  measure_gpu_iterations.py --out DIR [--model llama-3.1-8b] [--quick]

--quick runs a tiny model over a small grid (seconds; for a first check of
the script on any device, CPU included). Results go to DIR/results.json
(every figure, with the device, clocks and software versions) and a line
per figure on standard output.
"""

import argparse
import json
import math
import platform
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

# Shapes from the models' Hugging Face config.json files (the same sources
# as src/catalog/models.yaml).
SHAPES = {
    "llama-3.1-8b": dict(layers=32, hidden=4096, heads=32, kv_heads=8,
                         head_dim=128, ffn=14336, vocab=128256),
    "llama-3.1-70b": dict(layers=80, hidden=8192, heads=64, kv_heads=8,
                          head_dim=128, ffn=28672, vocab=128256),
    "tiny": dict(layers=2, hidden=256, heads=4, kv_heads=2, head_dim=64,
                 ffn=512, vocab=1000),
}

DTYPE = torch.bfloat16
ELEM = 2  # bytes per bf16 element


def log(*args):
    print(*args, flush=True)


# Which attention kernel each call used: flash attention where the backend
# takes the call (as serving engines use), anything else is recorded.
ATTENTION_PATHS = {}


def attention(q, k, v, causal):
    """Scaled dot-product attention, flash attention forced on a GPU.

    q has H heads and k, v have H_kv; H / H_kv query heads share one KV
    head (grouped-query attention)."""
    gqa = q.shape[1] != k.shape[1]
    kind = ("prefill" if causal else "decode") + (" gqa" if gqa else "")
    if q.is_cuda:
        from torch.nn.attention import SDPBackend, sdpa_kernel
        try:
            with sdpa_kernel([SDPBackend.FLASH_ATTENTION]):
                out = F.scaled_dot_product_attention(q, k, v, is_causal=causal,
                                                     enable_gqa=gqa)
            ATTENTION_PATHS.setdefault(kind, "flash")
            return out
        except (RuntimeError, TypeError) as e:
            ATTENTION_PATHS[kind] = f"default backend ({str(e)[:120]})"
    if gqa:
        rep = q.shape[1] // k.shape[1]
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
    return F.scaled_dot_product_attention(q, k, v, is_causal=causal)


class Timer:
    """Median time of fn() in seconds, from CUDA events on a GPU.

    Each timed span repeats fn() enough times to last about min_span
    seconds, so launch jitter of short kernels averages out.
    """

    def __init__(self, device, min_span=2e-3, spans=7):
        self.device = device
        self.min_span = min_span
        self.spans = spans

    def sync(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize()

    def _span(self, fn, inner):
        if self.device.type == "cuda":
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(inner):
                fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end) / 1e3 / inner
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        return (time.perf_counter() - t0) / inner

    def __call__(self, fn):
        fn()
        self.sync()
        once = self._span(fn, 1)
        inner = max(1, min(1000, math.ceil(self.min_span / max(once, 1e-7))))
        times = [self._span(fn, inner) for _ in range(self.spans)]
        return statistics.median(times), min(times), inner


def measure_hbm(device, timer, gib):
    n = int(gib * 2**30) // ELEM
    src = torch.randn(n, device=device, dtype=DTYPE)
    dst = torch.empty_like(src)
    copy_s, copy_min, _ = timer(lambda: dst.copy_(src))
    sum_s, sum_min, _ = timer(lambda: src.sum(dtype=torch.float32))
    nbytes = n * ELEM
    del src, dst
    out = {
        "bytes": nbytes,
        "copy_s": copy_s,
        "copy_GBps": 2 * nbytes / copy_s / 1e9,
        "copy_GBps_best": 2 * nbytes / copy_min / 1e9,
        "read_s": sum_s,
        "read_GBps": nbytes / sum_s / 1e9,
        "read_GBps_best": nbytes / sum_min / 1e9,
    }
    log(f"hbm copy {out['copy_GBps']:.0f} GB/s (best {out['copy_GBps_best']:.0f}), "
        f"read {out['read_GBps']:.0f} GB/s (best {out['read_GBps_best']:.0f})")
    return out


def linear_shapes(s):
    """(name, N, K) of the model's linear layers: y = x W^T, W is N x K."""
    q = s["heads"] * s["head_dim"]
    kv = s["kv_heads"] * s["head_dim"]
    return [
        ("qkv", q + 2 * kv, s["hidden"]),
        ("o", s["hidden"], q),
        ("gate_up", 2 * s["ffn"], s["hidden"]),
        ("down", s["hidden"], s["ffn"]),
    ]


def measure_gemm(device, timer, models, ms, l2_bytes):
    rows = []
    for model in models:
        for name, n, k in linear_shapes(SHAPES[model]):
            wbytes = n * k * ELEM
            copies = max(2, math.ceil(4 * l2_bytes / wbytes))
            ws = [torch.randn(n, k, device=device, dtype=DTYPE) * 0.02
                  for _ in range(copies)]
            for m in ms:
                x = torch.randn(m, k, device=device, dtype=DTYPE)
                state = {"i": 0}

                def run():
                    state["i"] = (state["i"] + 1) % copies
                    return F.linear(x, ws[state["i"]])

                t, tmin, _ = timer(run)
                flops = 2.0 * m * n * k
                moved = wbytes + (m * k + m * n) * ELEM
                row = dict(model=model, layer=name, M=m, N=n, K=k, s=t,
                           s_best=tmin, TFLOPs=flops / t / 1e12,
                           GBps=moved / t / 1e9)
                rows.append(row)
                log(f"gemm {model} {name} M={m} N={n} K={k}: {t*1e6:.1f} us, "
                    f"{row['TFLOPs']:.1f} TFLOP/s, {row['GBps']:.0f} GB/s")
                del x
            del ws
    return rows


class Decoder:
    """A Llama-shaped decoder with random weights."""

    def __init__(self, shape, device):
        s = self.s = shape
        self.device = device

        def w(*dims):
            return torch.randn(*dims, device=device, dtype=DTYPE) * 0.02

        q = s["heads"] * s["head_dim"]
        kv = s["kv_heads"] * s["head_dim"]
        self.embed = w(s["vocab"], s["hidden"])
        self.layers = []
        for _ in range(s["layers"]):
            self.layers.append(dict(
                norm1=torch.ones(s["hidden"], device=device, dtype=DTYPE),
                wqkv=w(q + 2 * kv, s["hidden"]),
                wo=w(s["hidden"], q),
                norm2=torch.ones(s["hidden"], device=device, dtype=DTYPE),
                wgu=w(2 * s["ffn"], s["hidden"]),
                wdown=w(s["hidden"], s["ffn"]),
            ))
        self.norm = torch.ones(s["hidden"], device=device, dtype=DTYPE)
        self.lm_head = w(s["vocab"], s["hidden"])
        half = s["head_dim"] // 2
        self.inv_freq = 1.0 / (500000.0 ** (
            torch.arange(0, half, device=device, dtype=torch.float32) / half))

    def weight_bytes(self):
        total = self.embed.numel() + self.lm_head.numel() + self.norm.numel()
        for layer in self.layers:
            total += sum(t.numel() for t in layer.values())
        return total * ELEM

    def kv_bytes_per_token(self):
        s = self.s
        return s["layers"] * 2 * s["kv_heads"] * s["head_dim"] * ELEM

    def rope(self, positions):
        freqs = positions.float()[:, None] * self.inv_freq[None, :]
        return freqs.cos().to(DTYPE), freqs.sin().to(DTYPE)

    @staticmethod
    def apply_rope(x, cos, sin):
        half = x.shape[-1] // 2
        x1, x2 = x[..., :half], x[..., half:]
        return torch.cat((x1 * cos - x2 * sin, x2 * cos + x1 * sin), dim=-1)

    def new_cache(self, batch, length):
        s = self.s
        shape = (batch, s["kv_heads"], length, s["head_dim"])
        return [(torch.randn(shape, device=self.device, dtype=DTYPE),
                 torch.randn(shape, device=self.device, dtype=DTYPE))
                for _ in self.layers]

    def _mlp(self, layer, h):
        x = F.rms_norm(h, (h.shape[-1],), layer["norm2"], 1e-5)
        g, u = F.linear(x, layer["wgu"]).chunk(2, dim=-1)
        return h + F.linear(F.silu(g) * u, layer["wdown"])

    def _qkv(self, layer, h, cos, sin):
        s = self.s
        nh, nkv, hd = s["heads"], s["kv_heads"], s["head_dim"]
        b, t = h.shape[0], h.shape[1]
        x = F.rms_norm(h, (h.shape[-1],), layer["norm1"], 1e-5)
        q, k, v = F.linear(x, layer["wqkv"]).split(
            [nh * hd, nkv * hd, nkv * hd], dim=-1)
        q = self.apply_rope(q.view(b, t, nh, hd).transpose(1, 2), cos, sin)
        k = self.apply_rope(k.view(b, t, nkv, hd).transpose(1, 2), cos, sin)
        v = v.view(b, t, nkv, hd).transpose(1, 2)
        return q, k, v

    def decode_step(self, ids, cache, pos, cos, sin):
        """One token for each of B sequences at position pos; cache holds
        pos + 1 positions, the last one written here."""
        s = self.s
        nh, nkv, hd = s["heads"], s["kv_heads"], s["head_dim"]
        b = ids.shape[0]
        h = self.embed[ids][:, None, :]  # (B, 1, hidden)
        for layer, (kc, vc) in zip(self.layers, cache):
            q, k, v = self._qkv(layer, h, cos, sin)
            kc[:, :, pos:pos + 1].copy_(k)
            vc[:, :, pos:pos + 1].copy_(v)
            # Grouped-query attention of one new token: the query heads of a
            # group attend to the same keys with no mask, so they stack as
            # "positions" of one KV head (exact, and no KV copies).
            qg = q.reshape(b, nkv, nh // nkv, hd)
            a = attention(qg, kc, vc, causal=False)
            h = h + F.linear(a.reshape(b, 1, nh * hd), layer["wo"])
            h = self._mlp(layer, h)
        h = F.rms_norm(h, (h.shape[-1],), self.norm, 1e-5)
        return F.linear(h[:, -1], self.lm_head).argmax(dim=-1)

    def prefill(self, ids, cos, sin):
        """B prompts of P tokens from position 0; logits of the last token."""
        s = self.s
        nh, hd = s["heads"], s["head_dim"]
        b, t = ids.shape
        h = self.embed[ids]
        for layer in self.layers:
            q, k, v = self._qkv(layer, h, cos, sin)
            a = attention(q, k, v, causal=True)
            h = h + F.linear(a.transpose(1, 2).reshape(b, t, nh * hd),
                             layer["wo"])
            h = self._mlp(layer, h)
        h = F.rms_norm(h[:, -1], (h.shape[-1],), self.norm, 1e-5)
        return F.linear(h, self.lm_head).argmax(dim=-1)


def graphed(fn):
    """fn captured in a CUDA graph after three warm-up calls on a side
    stream (as torch.cuda.graphs documents); returns the graph."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    return graph


def measure_decode(model, timer, grid, kv_budget, eager_points):
    rows = []
    dev = model.device
    for batch, context in grid:
        need = batch * (context + 1) * model.kv_bytes_per_token()
        if need > kv_budget:
            log(f"decode B={batch} L={context}: skipped, KV {need/1e9:.1f} GB "
                f"over the {kv_budget/1e9:.1f} GB budget")
            continue
        cache = model.new_cache(batch, context + 1)
        ids = torch.randint(0, model.s["vocab"], (batch,), device=dev)
        cos, sin = model.rope(torch.tensor([context], device=dev))

        def eager():
            return model.decode_step(ids, cache, context, cos, sin)

        row = dict(B=batch, L=context, kv_bytes=need)
        if dev.type == "cuda":
            graph = graphed(eager)
            t, tmin, _ = timer(graph.replay)
            row.update(graph_s=t, graph_s_best=tmin)
            del graph
        if (batch, context) in eager_points or dev.type != "cuda":
            t, tmin, _ = timer(eager)
            row.update(eager_s=t, eager_s_best=tmin)
        rows.append(row)
        log("decode B={B} L={L}: graph {g} ms, eager {e} ms".format(
            B=batch, L=context,
            g=f"{row['graph_s']*1e3:.3f}" if "graph_s" in row else "-",
            e=f"{row['eager_s']*1e3:.3f}" if "eager_s" in row else "-"))
        del cache
        if dev.type == "cuda":
            torch.cuda.empty_cache()
    return rows


def measure_prefill(model, timer, grid, eager_points):
    rows = []
    dev = model.device
    for batch, prompt in grid:
        ids = torch.randint(0, model.s["vocab"], (batch, prompt), device=dev)
        cos, sin = model.rope(torch.arange(prompt, device=dev))

        def eager():
            return model.prefill(ids, cos, sin)

        row = dict(B=batch, P=prompt)
        if dev.type == "cuda":
            graph = graphed(eager)
            t, tmin, _ = timer(graph.replay)
            row.update(graph_s=t, graph_s_best=tmin)
            del graph
        if (batch, prompt) in eager_points or dev.type != "cuda":
            t, tmin, _ = timer(eager)
            row.update(eager_s=t, eager_s_best=tmin)
        rows.append(row)
        log("prefill B={B} P={P}: graph {g} ms, eager {e} ms".format(
            B=batch, P=prompt,
            g=f"{row['graph_s']*1e3:.3f}" if "graph_s" in row else "-",
            e=f"{row['eager_s']*1e3:.3f}" if "eager_s" in row else "-"))
        if dev.type == "cuda":
            torch.cuda.empty_cache()
    return rows


class PowerSampler:
    """nvidia-smi's board power, sampled every 100 ms in the background."""

    def __init__(self):
        self.proc = subprocess.Popen(
            ["nvidia-smi", "--query-gpu=power.draw,clocks.sm,clocks.mem",
             "--format=csv,noheader,nounits", "-lms", "100"],
            stdout=subprocess.PIPE, text=True)
        self.samples = []
        import threading
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                w, sm, mem = (float(x) for x in line.split(","))
            except ValueError:
                continue
            self.samples.append((time.time(), w, sm, mem))

    def window(self, t0, t1):
        inside = [x for x in self.samples if t0 <= x[0] <= t1]
        if not inside:
            return None
        return dict(samples=len(inside),
                    watts_median=statistics.median(x[1] for x in inside),
                    watts_max=max(x[1] for x in inside),
                    sm_mhz_median=statistics.median(x[2] for x in inside),
                    mem_mhz_median=statistics.median(x[3] for x in inside))

    def stop(self):
        self.proc.terminate()


def measure_power(model, seconds):
    """Board power while one kind of step runs back to back for `seconds`
    (the first second left out: power and clocks settle)."""
    dev = model.device
    sampler = PowerSampler()
    phases = []

    def hold(name, fn, **info):
        t0 = time.time()
        n = 0
        while time.time() - t0 < seconds:
            for _ in range(8):
                fn()
            n += 8
            torch.cuda.synchronize()
        t1 = time.time()
        w = sampler.window(t0 + 1.0, t1)
        row = dict(phase=name, steps=n, s=t1 - t0, step_s=(t1 - t0) / n,
                   **info, **(w or {}))
        phases.append(row)
        log(f"power {name}: {row.get('watts_median', float('nan')):.0f} W "
            f"median, {row.get('watts_max', float('nan')):.0f} W max, "
            f"SM {row.get('sm_mhz_median', 0):.0f} MHz, "
            f"{row['step_s']*1e3:.2f} ms/step")

    time.sleep(1.0)
    hold("idle", lambda: time.sleep(0.05))
    n = 2**31 // ELEM
    src = torch.randn(n, device=dev, dtype=DTYPE)
    dst = torch.empty_like(src)
    hold("hbm copy 4 GiB", lambda: dst.copy_(src), bytes=4 * n)
    del src, dst
    for batch, context in ((1, 512), (16, 512), (64, 512), (64, 2048),
                           (128, 2048), (32, 8192)):
        cache = model.new_cache(batch, context + 1)
        ids = torch.randint(0, model.s["vocab"], (batch,), device=dev)
        cos, sin = model.rope(torch.tensor([context], device=dev))
        graph = graphed(lambda: model.decode_step(ids, cache, context,
                                                  cos, sin))
        hold(f"decode B={batch} L={context}", graph.replay, B=batch,
             L=context)
        del graph, cache
        torch.cuda.empty_cache()
    for prompt in (512, 8192):
        ids = torch.randint(0, model.s["vocab"], (1, prompt), device=dev)
        cos, sin = model.rope(torch.arange(prompt, device=dev))
        graph = graphed(lambda: model.prefill(ids, cos, sin))
        hold(f"prefill B=1 P={prompt}", graph.replay, B=1, P=prompt)
        del graph
        torch.cuda.empty_cache()
    a = torch.randn(8192, 8192, device=dev, dtype=DTYPE)
    b = torch.randn(8192, 8192, device=dev, dtype=DTYPE)
    hold("gemm 8192^3 bf16", lambda: a @ b, M=8192, N=8192, K=8192)
    sampler.stop()
    return phases


def measure_fp8_gemm(device, timer, models, ms, l2_bytes):
    """The same sweep in FP8 (e4m3, per-tensor scales, bf16 output) through
    torch._scaled_mm, Hopper's FP8 tensor-core path."""
    rows = []
    f8 = torch.float8_e4m3fn
    one = torch.ones((), device=device, dtype=torch.float32)
    ms = sorted({max(m, 16) for m in ms})  # the FP8 path needs M >= 16
    for model in models:
        for name, n, k in linear_shapes(SHAPES[model]):
            copies = max(2, math.ceil(4 * l2_bytes / (n * k)))
            ws = [(torch.randn(n, k, device=device) * 0.02).to(f8)
                  for _ in range(copies)]
            for m in ms:
                x = torch.randn(max(m, 16), k, device=device).to(f8)
                state = {"i": 0}

                def run():
                    state["i"] = (state["i"] + 1) % copies
                    return torch._scaled_mm(x, ws[state["i"]].t(), one, one,
                                            out_dtype=DTYPE)
                try:
                    t, tmin, _ = timer(run)
                except (RuntimeError, TypeError) as e:
                    log(f"fp8 gemm {model} {name} M={m}: {e}")
                    rows.append(dict(model=model, layer=name, M=m, N=n, K=k,
                                     error=str(e)[:200]))
                    break
                mm = max(m, 16)
                row = dict(model=model, layer=name, M=mm, N=n, K=k, s=t,
                           s_best=tmin, TFLOPs=2.0 * mm * n * k / t / 1e12,
                           GBps=(n * k + mm * k + 2 * mm * n) / t / 1e9)
                rows.append(row)
                log(f"fp8 gemm {model} {name} M={mm} N={n} K={k}: "
                    f"{t*1e6:.1f} us, {row['TFLOPs']:.1f} TFLOP/s, "
                    f"{row['GBps']:.0f} GB/s")
            del ws
    return rows


def device_facts(dev):
    facts = dict(torch=torch.__version__, python=platform.python_version(),
                 device=str(dev))
    if dev.type == "cuda":
        p = torch.cuda.get_device_properties(dev)
        facts.update(name=p.name, sms=p.multi_processor_count,
                     memory_bytes=p.total_memory,
                     cuda=torch.version.cuda,
                     l2_bytes=getattr(p, "L2_cache_size", None))
        try:
            facts["nvidia_smi"] = subprocess.run(
                ["nvidia-smi", "--query-gpu=name,driver_version,clocks.sm,"
                 "clocks.max.sm,clocks.mem,power.draw,power.limit,temperature.gpu",
                 "--format=csv"], capture_output=True, text=True,
                timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError) as e:
            facts["nvidia_smi"] = f"unavailable: {e}"
    return facts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="folder for results.json")
    ap.add_argument("--model", default="llama-3.1-8b", choices=sorted(SHAPES))
    ap.add_argument("--quick", action="store_true",
                    help="tiny model and grid: a check of the script")
    ap.add_argument("--power", type=float, default=0, metavar="SECONDS",
                    help="also sample board power (nvidia-smi) while each "
                    "kind of step runs this long")
    ap.add_argument("--fp8", action="store_true",
                    help="also sweep the matrix products in FP8")
    ap.add_argument("--skip-sweeps", action="store_true",
                    help="leave out the bf16 GEMM, decode and prefill sweeps")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available()
                    else "cpu")
    args = ap.parse_args()

    dev = torch.device(args.device)
    torch.manual_seed(0)
    torch.backends.cuda.matmul.allow_tf32 = False
    started = time.time()
    results = dict(script="scripts/measure_gpu_iterations.py",
                   facts=device_facts(dev), quick=args.quick)
    log(json.dumps(results["facts"]))

    if args.quick:
        timer = Timer(dev, min_span=1e-4, spans=3)
        model_name = "tiny"
        gemm_models, ms = ["tiny"], [1, 16, 256]
        decode_grid = [(1, 64), (4, 64)]
        prefill_grid = [(1, 32), (2, 64)]
        hbm_gib, kv_budget, eager_points = 0.0625, 2**30, {(1, 64)}
        prefill_eager = {(1, 32)}
    else:
        timer = Timer(dev)
        model_name = args.model
        gemm_models = ["llama-3.1-8b", "llama-3.1-70b"]
        ms = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096,
              8192, 16384]
        decode_grid = [(b, l) for l in (512, 2048, 8192)
                       for b in (1, 4, 16, 32, 64, 128, 256)]
        decode_grid += [(b, 128) for b in (1, 16, 64, 256, 512)]
        prefill_grid = [(1, p) for p in (128, 512, 1024, 2048, 4096, 8192)]
        prefill_grid += [(4, 512), (16, 512), (4, 2048)]
        hbm_gib, kv_budget = 4, 64e9
        eager_points = {(1, 2048), (64, 2048)}
        prefill_eager = {(1, 128), (1, 2048), (1, 8192)}

    l2 = results["facts"].get("l2_bytes") or 64 * 2**20
    results["hbm"] = measure_hbm(dev, timer, hbm_gib)
    if not args.skip_sweeps:
        results["gemm"] = measure_gemm(dev, timer, gemm_models, ms, l2)
    if args.fp8 and dev.type == "cuda":
        results["gemm_fp8"] = measure_fp8_gemm(dev, timer, gemm_models, ms, l2)
    if dev.type == "cuda":
        torch.cuda.empty_cache()

    model = Decoder(SHAPES[model_name], dev)
    results["model"] = dict(name=model_name, shape=model.s,
                            weight_bytes=model.weight_bytes(),
                            kv_bytes_per_token=model.kv_bytes_per_token())
    log(f"model {model_name}: {model.weight_bytes()/1e9:.2f} GB of weights")
    with torch.inference_mode():
        if not args.skip_sweeps:
            results["decode"] = measure_decode(model, timer, decode_grid,
                                               kv_budget, eager_points)
            results["prefill"] = measure_prefill(model, timer, prefill_grid,
                                                 prefill_eager)
        if args.power > 0 and dev.type == "cuda" and not args.quick:
            results["power"] = measure_power(model, args.power)
    results["attention"] = ATTENTION_PATHS
    log(f"attention kernels: {ATTENTION_PATHS}")
    results["facts_after"] = device_facts(dev)
    results["wall_s"] = time.time() - started
    with open(f"{args.out}/results.json", "w") as f:
        json.dump(results, f, indent=1)
    log(f"done in {results['wall_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
