// Weight formats, mixtures of experts and CPU thread counts: each term of the
// roofline they change, checked against a hand computation.
#include <catch2/catch.hpp>

#include <cmath>

#include "fleetsim/core/roofline_model.hpp"
#include "support/decode_runs.hpp"
#include "support/fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

ModelSpec mixtral() {
  ModelSpec m = llama_8b();
  m.name = "mixtral";
  m.params_total = 46.7e9;
  m.params_active = 12.9e9;
  m.experts = 8;
  m.experts_per_token = 2;
  return m;
}

// One prompt of `tokens` new tokens and no cached prefix: the causal triangle.
IterationShape whole_prompt(double tokens) {
  IterationShape s;
  s.prefill_tokens = tokens;
  s.prefill_attention_pairs = tokens * (tokens + 1) / 2;
  return s;
}

}  // namespace

TEST_CASE("Bits per weight set the bytes a decode streams, scales included", "[roofline][formats]") {
  ModelSpec q4 = llama_8b();
  q4.weight_dtype = DataType::int4;
  CHECK(q4.weight_bytes() == Approx(8.03e9 * 0.5));  // the dtype's own width
  q4.bits_per_weight = 4.5;                          // GGUF Q4_0: 18 bytes per 32 weights
  CHECK(q4.weight_bytes() == Approx(8.03e9 * 4.5 / 8));

  EngineSettings engine;
  RooflineModel model(q4, graviton_socket(), engine);
  IterationShape s;
  s.decode_seqs = 1;
  s.decode_context = 0;
  // B = 4.517e9 bytes of weights + one token of KV written (fp16 KV: 128 KiB).
  const double bytes = 8.03e9 * 4.5 / 8 + 131072.0;
  CHECK(model.cost(s).bytes == Approx(bytes));
  CHECK(model.cost(s).memory_s == Approx(bytes / (537.6e9 * 0.4)));
  // Q4 blocks still compute on the int8 units.
  CHECK(model.peak_flops() == Approx(33.2e12));
}

TEST_CASE("FP4 weights use fp4 units where the device has them, else fp8, else bf16", "[roofline][formats]") {
  ModelSpec fp4 = llama_8b();
  fp4.weight_dtype = DataType::fp4;
  HardwareSpec hw = h100_node();
  EngineSettings engine;
  CHECK(RooflineModel(fp4, hw, engine).peak_flops() == Approx(1979e12));
  hw.peak_flops[DataType::fp4] = 4000e12;
  CHECK(RooflineModel(fp4, hw, engine).peak_flops() == Approx(4000e12));
  hw.peak_flops.erase(DataType::fp4);
  hw.peak_flops.erase(DataType::fp8);
  CHECK(RooflineModel(fp4, hw, engine).peak_flops() == Approx(989e12));
}

TEST_CASE("A mixture of experts reads its active weights for one token and all of them for many",
          "[roofline][moe]") {
  const ModelSpec m = mixtral();
  // routed = (46.7 - 12.9) * 8 / 6 = 45.067e9; shared = 1.633e9.
  const double routed = (46.7e9 - 12.9e9) * 8.0 / 6.0;
  CHECK(m.routed_expert_params() == Approx(routed));
  CHECK(m.weight_bytes_read(1) == Approx(12.9e9 * 2));
  // Two tokens: an expert is missed by both with probability (3/4)^2.
  CHECK(m.weight_bytes_read(2) == Approx((46.7e9 - routed + routed * (1 - 0.5625)) * 2));
  CHECK(m.weight_bytes_read(8) == Approx((46.7e9 - routed * std::pow(0.75, 8)) * 2));
  CHECK(m.weight_bytes_read(4096) == Approx(46.7e9 * 2));
  CHECK(m.weight_bytes() == Approx(46.7e9 * 2));  // memory holds every expert

  // The roofline streams what the batch routes to, and FLOPs follow active weights.
  EngineSettings engine;
  RooflineModel model(m, h100_node(), engine);
  IterationShape one, eight;
  one.decode_seqs = 1;
  eight.decode_seqs = 8;
  // Besides the weights and each token's KV, one pass over each token's
  // expert rows (the default): (2 + 1) rows of 4,096 16-bit values a layer.
  const double copies = 3.0 * 4096 * 32 * 2;
  CHECK(model.cost(one).bytes == Approx(12.9e9 * 2 + 131072.0 + copies));
  CHECK(model.cost(eight).bytes == Approx(m.weight_bytes_read(8) + 8 * (131072.0 + copies)));
  CHECK(model.cost(eight).flops == Approx(2 * 12.9e9 * 8 + 4.0 * 32 * 4096 * 8));
}

TEST_CASE("A mixture's token copies stream on every device, whatever the degree", "[roofline][moe]") {
  // Mixtral's shape: k = 2 of 8 experts, hidden 4,096, 32 layers. Each pass
  // moves (k + 1) rows of hidden 16-bit values per token and layer:
  // 3 * 4096 * 2 B * 32 = 786,432 B a token.
  const ModelSpec m = mixtral();
  CHECK(m.expert_row_elements_per_token() == 3.0 * 4096 * 32);
  CHECK(llama_8b().expert_row_elements_per_token() == 0.0);  // a dense model has no such kernels

  const IterationShape prompt = whole_prompt(1000);
  const auto extra_s = [&](double passes, int tp) {
    EngineSettings with, without;
    with.expert_token_passes = passes;
    without.expert_token_passes = 0;
    with.tensor_parallel = without.tensor_parallel = tp;
    return RooflineModel(m, h100_node(), with).cost(prompt).time_s() -
           RooflineModel(m, h100_node(), without).cost(prompt).time_s();
  };
  // One device streams at 3.35e12 * 0.8 B/s: 1,000 tokens' two passes
  // (TensorRT-LLM's copy to the experts and sum back) take
  // 2 * 786,432 * 1000 / 2.68e12 = 0.587 ms.
  const double one_device_s = 2 * 786432.0 * 1000 / (3.35e12 * 0.8);
  CHECK(extra_s(2, 1) == Approx(one_device_s));
  CHECK(extra_s(1, 1) == Approx(one_device_s / 2));
  // Every device of a tensor-parallel replica copies every token whole: the
  // time does not shrink with the degree, as the weights' share does.
  CHECK(extra_s(2, 8) == Approx(one_device_s));
  // Streaming, not math: the time counts as memory for power, and the bytes
  // are every device's.
  EngineSettings tp8;
  tp8.tensor_parallel = 8;
  tp8.expert_token_passes = 2;
  EngineSettings tp8_none = tp8;
  tp8_none.expert_token_passes = 0;
  const IterationCost c = RooflineModel(m, h100_node(), tp8).cost(prompt);
  const IterationCost c0 = RooflineModel(m, h100_node(), tp8_none).cost(prompt);
  CHECK(c.memory_s - c0.memory_s == Approx(one_device_s));
  CHECK(c.compute_s == Approx(c0.compute_s));
  CHECK(c.bytes - c0.bytes == Approx(8 * 2 * 786432.0 * 1000));
  // A dense model's cost does not change with the key.
  EngineSettings dense_passes;
  dense_passes.expert_token_passes = 2;
  CHECK(RooflineModel(llama_8b(), h100_node(), dense_passes).cost(prompt).time_s() ==
        RooflineModel(llama_8b(), h100_node(), EngineSettings{}).cost(prompt).time_s());
}

TEST_CASE("A dense model reads all its weights whatever the batch", "[roofline][moe]") {
  const ModelSpec m = llama_8b();
  CHECK(m.routed_expert_params() == 0.0);
  CHECK(m.weight_bytes_read(1) == Approx(m.weight_bytes()));
  CHECK(m.weight_bytes_read(256) == Approx(m.weight_bytes()));
}

TEST_CASE("Decode runs of a mixture of experts stay exact in closed form", "[roofline][moe]") {
  EngineSettings engine;
  RooflineModel model(mixtral(), h100_node(), engine);
  const RooflineModel::DecodeRun run{16, 16 * 500.0};
  CHECK(model.decode_run_time(run, 200) == Approx(summed_decode_run(model, 16, 16 * 500.0, 200)).epsilon(1e-9));
}

TEST_CASE("CPU threads take their share of peak and what their cores can stream", "[roofline][cpu]") {
  HardwareSpec hw = graviton_socket();  // 96 cores, 537.6 GB/s at efficiency 0.4, no per-core rate
  EngineSettings all, sixteen;
  sixteen.threads = 16;
  const double socket = 537.6e9 * 0.4;

  // Without a per-core rate: the core-proportional share.
  const DeviceShare whole = device_share(hw, all), part = device_share(hw, sixteen);
  CHECK(whole.compute_fraction == 1.0);
  CHECK(whole.achieved_bandwidth_bps == Approx(socket));
  CHECK(part.compute_fraction == Approx(16.0 / 96));
  CHECK(part.achieved_bandwidth_bps == Approx(socket * 16 / 96));

  // With one: the p-norm of the cores' reach and the socket, p = 2 here.
  hw.core_bandwidth_bps = 8e9;
  const double reach = 16 * 8e9;  // 128 GB/s against the socket's 215 GB/s
  CHECK(device_share(hw, sixteen).achieved_bandwidth_bps ==
        Approx(1.0 / std::sqrt(1.0 / (reach * reach) + 1.0 / (socket * socket))));
  // Few cores are near their own reach, all cores near the socket.
  EngineSettings two;
  two.threads = 2;
  CHECK(device_share(hw, two).achieved_bandwidth_bps == Approx(16e9).epsilon(0.01));
  CHECK(device_share(hw, all).achieved_bandwidth_bps == Approx(socket).epsilon(0.15));
  // A sharp knee approaches min(reach, socket).
  hw.bandwidth_knee = 40;
  CHECK(device_share(hw, sixteen).achieved_bandwidth_bps == Approx(reach).epsilon(0.01));

  // Threads of a two-socket replica spread evenly over its sockets.
  EngineSettings two_sockets;
  two_sockets.tensor_parallel = 2;
  two_sockets.threads = 32;
  CHECK(device_share(hw, two_sockets).cores == 16);

  // The roofline uses both shares.
  hw.bandwidth_knee = 2;
  RooflineModel model(llama_8b(), hw, sixteen);
  IterationShape s;
  s.decode_seqs = 1;
  const IterationCost c = model.cost(s);
  CHECK(c.memory_s == Approx(c.bytes / device_share(hw, sixteen).achieved_bandwidth_bps));
  CHECK(c.compute_s == Approx(c.flops / (16.6e12 * 16 / 96 * 0.5)));  // bf16 weights: bf16 peak
}

TEST_CASE("A GPU replica ignores CPU thread settings", "[roofline][cpu]") {
  EngineSettings engine;
  engine.threads = 8;
  const DeviceShare s = device_share(h100_node(), engine);
  CHECK(s.compute_fraction == 1.0);
  CHECK(s.achieved_bandwidth_bps == Approx(3.35e12 * 0.8));
}

TEST_CASE("Matrices and attention each meet their own roofline, and their times add", "[roofline]") {
  EngineSettings engine;
  RooflineModel model(llama_8b(), h100_node(), engine);
  // 512 decodes at 4,000 tokens of context: the matrices are compute bound
  // (8.2 TFLOP at 593 TFLOP/s = 13.9 ms against 6 ms of weights), attention
  // memory bound (268 GB of KV at 2.68 TB/s = 100 ms against 1.8 ms of math).
  IterationShape s;
  s.decode_seqs = 512;
  s.decode_context = 512 * 4000.0;
  const IterationCost c = model.cost(s);
  const double linear_flops = 2 * 8.03e9 * 512, attention_flops = 4.0 * 32 * 4096 * (512 * 4000.0 + 512);
  const double weights = 16.06e9, kv = 131072.0 * (512 * 4000.0 + 512);
  CHECK(c.linear_compute_s == Approx(linear_flops / (989e12 * 0.6)));
  CHECK(c.linear_memory_s == Approx(weights / 2.68e12));
  CHECK(c.attention_compute_s == Approx(attention_flops / (989e12 * 0.6)));
  CHECK(c.attention_memory_s == Approx(kv / 2.68e12));
  CHECK(c.time_s() == Approx(linear_flops / (989e12 * 0.6) + kv / 2.68e12 + 1e-3));
  // One max over the totals would have hidden the matrices under the KV reads.
  CHECK(c.time_s() > std::max(c.compute_s, c.memory_s) + 1e-3);
}

TEST_CASE("Attention runs in the KV cache's type", "[roofline]") {
  ModelSpec m = llama_8b();
  m.weight_dtype = DataType::fp8;
  m.kv_dtype = DataType::bf16;
  EngineSettings engine;
  const IterationShape s = whole_prompt(4096);
  const IterationCost bf16_kv = RooflineModel(m, h100_node(), engine).cost(s);
  CHECK(bf16_kv.linear_compute_s == Approx(2 * 8.03e9 * 4096 / (1979e12 * 0.6)));
  CHECK(bf16_kv.attention_compute_s == Approx(4.0 * 32 * 4096 * 4096.0 * 4097.0 / 2.0 / (989e12 * 0.6)));
  m.kv_dtype = DataType::fp8;
  const IterationCost fp8_kv = RooflineModel(m, h100_node(), engine).cost(s);
  CHECK(fp8_kv.attention_compute_s == Approx(4.0 * 32 * 4096 * 4096.0 * 4097.0 / 2.0 / (1979e12 * 0.6)));

  // A device with no peak for the cache's type runs attention in the weights'.
  HardwareSpec fp8_only = h100_node();
  fp8_only.peak_flops.erase(DataType::bf16);
  m.kv_dtype = DataType::bf16;
  const IterationCost fallback = RooflineModel(m, fp8_only, engine).cost(s);
  CHECK(fallback.attention_compute_s == Approx(fp8_kv.attention_compute_s));
}

TEST_CASE("An fp16 cache computes at the fp16 peak where the device lists one, else at bf16's", "[roofline][cpu]") {
  // llama.cpp's f16 KV cache on an Arm socket: bf16 has a matrix instruction
  // (BFMMLA, 128 FLOP/cycle), fp16 only vector FMAs (64 FLOP/cycle).
  ModelSpec m = llama_8b();
  m.weight_dtype = DataType::int8;
  m.kv_dtype = DataType::fp16;
  EngineSettings engine;
  const IterationShape s = whole_prompt(512);
  const double flops = 4.0 * 32 * 4096 * 512.0 * 513.0 / 2.0;
  const double share = 0.5;  // one socket (tensor_parallel 1), all its cores, compute efficiency 0.5

  HardwareSpec hw = graviton_socket();
  const IterationCost without = RooflineModel(m, hw, engine).cost(s);
  CHECK(without.attention_compute_s == Approx(flops / (16.6e12 * share)));

  hw.peak_flops[DataType::fp16] = 8.3e12;
  const IterationCost with = RooflineModel(m, hw, engine).cost(s);
  CHECK(with.attention_compute_s == Approx(flops / (8.3e12 * share)));
  // The matrices stay on the int8 units.
  CHECK(with.linear_compute_s == Approx(without.linear_compute_s));

  // A bf16 cache keeps the bf16 peak on the same device.
  m.kv_dtype = DataType::bf16;
  CHECK(RooflineModel(m, hw, engine).cost(s).attention_compute_s == Approx(without.attention_compute_s));
}

TEST_CASE("A CPU stack's attention rate per cycle", "[roofline][cpu]") {
  // 96 cores at 2.7 GHz, an fp16 peak of 8.3 TFLOPS (32 FLOP a cycle) and
  // compute efficiency 0.5: 4.15 TFLOPS of attention without the key.
  ModelSpec m = llama_8b();
  m.weight_dtype = DataType::int8;
  m.kv_dtype = DataType::fp16;
  HardwareSpec hw = graviton_socket();
  hw.peak_flops[DataType::fp16] = 8.3e12;
  const IterationShape s = whole_prompt(512);
  const double flops = 4.0 * 32 * 4096 * 512.0 * 513.0 / 2.0;
  EngineSettings engine;
  const IterationCost without = RooflineModel(m, hw, engine).cost(s);
  CHECK(without.attention_compute_s == Approx(flops / (8.3e12 * 0.5)));

  // 8 FLOP a cycle: 96 x 2.7e9 x 8 = 2.0736 TFLOPS, the efficiency not applied.
  engine.attention_flops_per_cycle = 8.0;
  const IterationCost with = RooflineModel(m, hw, engine).cost(s);
  CHECK(with.attention_compute_s == Approx(flops / (96 * 2.7e9 * 8.0)));
  // The matrices keep their rate.
  CHECK(with.linear_compute_s == Approx(without.linear_compute_s));

  // 16 of the 96 cores, Amdahl's 0.01: the replica's share applies as to the matrices.
  EngineSettings sixteen = engine;
  sixteen.threads = 16;
  sixteen.serial_fraction = 0.01;
  const double share = 16.0 / 96 / (1.0 + 0.01 * 15);
  CHECK(RooflineModel(m, hw, sixteen).cost(s).attention_compute_s == Approx(flops / (96 * 2.7e9 * 8.0 * share)));

  // The chip scales the stack's share: 0.4 of 0.01 on all 96 threads is
  // 96 / (1 + 0.004 x 95) of one thread, for the matrices and attention alike.
  HardwareSpec scaled_hw = hw;
  scaled_hw.serial_fraction_scale = 0.4;
  EngineSettings all = engine;
  all.serial_fraction = 0.01;
  const IterationCost stack_share = RooflineModel(m, hw, all).cost(s);
  const IterationCost chip_share = RooflineModel(m, scaled_hw, all).cost(s);
  CHECK(chip_share.attention_compute_s == Approx(flops / (96 * 2.7e9 * 8.0 / (1.0 + 0.004 * 95))));
  CHECK(chip_share.linear_compute_s == Approx(stack_share.linear_compute_s * (1.0 + 0.004 * 95) / (1.0 + 0.01 * 95)));
  // A stack with no serial share has none to scale.
  CHECK(RooflineModel(m, scaled_hw, engine).cost(s).linear_compute_s == Approx(RooflineModel(m, hw, engine).cost(s).linear_compute_s));

  // Never above the peak in the cache's type: 64 FLOP a cycle would be 16.6 TFLOPS.
  engine.attention_flops_per_cycle = 64.0;
  CHECK(RooflineModel(m, hw, engine).cost(s).attention_compute_s == Approx(flops / 8.3e12));

  // A GPU ignores the key.
  EngineSettings gpu;
  gpu.attention_flops_per_cycle = 8.0;
  const IterationCost h100 = RooflineModel(llama_8b(), h100_node(), gpu).cost(s);
  CHECK(h100.attention_compute_s == Approx(RooflineModel(llama_8b(), h100_node(), EngineSettings{}).cost(s).attention_compute_s));
}

TEST_CASE("A unified KV cache makes every token attend over every sequence's cells", "[roofline][kv_layout]") {
  const ModelSpec m = llama_8b();  // 32 layers, attention width 4096, fp16 KV: 128 KiB per token
  EngineSettings per_sequence, unified;
  unified.kv_layout = KvLayout::unified;
  const RooflineModel separate(m, graviton_socket(), per_sequence);
  const RooflineModel shared(m, graviton_socket(), unified);
  const double per_pair = 4.0 * 32 * 4096;

  // Four sequences decoding at 100 cached tokens each: 400 cells.
  IterationShape decode;
  decode.decode_seqs = 4;
  decode.decode_context = 400;
  decode.cache_cells = 400;
  const double linear = 2.0 * 8.03e9 * 4;
  // Per sequence: sum of (context + 1) = 404 pairs. Unified: 4 tokens x 400
  // cells + 4 x 5 / 2 among themselves = 1610.
  CHECK(separate.cost(decode).flops == Approx(linear + per_pair * 404));
  CHECK(shared.cost(decode).flops == Approx(linear + per_pair * 1610));
  // The buffer is read once either way: the same bytes.
  CHECK(shared.cost(decode).bytes == Approx(separate.cost(decode).bytes));

  // Two 100-token prompts in one iteration, nothing cached: per sequence
  // 2 x 100 x 101 / 2 = 10,100 pairs; unified 200 x 201 / 2 = 20,100.
  IterationShape prefill;
  prefill.prefill_tokens = 200;
  prefill.prefill_seqs = 2;
  prefill.prefill_attention_pairs = 2 * 5050.0;
  CHECK(separate.cost(prefill).flops == Approx(2.0 * 8.03e9 * 200 + per_pair * 10100));
  CHECK(shared.cost(prefill).flops == Approx(2.0 * 8.03e9 * 200 + per_pair * 20100));

  // One sequence alone sees only its own cells: the layouts agree.
  IterationShape one;
  one.decode_seqs = 1;
  one.decode_context = 700;
  one.cache_cells = 700;
  CHECK(shared.cost(one).time_s() == Approx(separate.cost(one).time_s()));
}

TEST_CASE("An unfused attention computes a prompt's whole rectangle and moves every score", "[roofline][attention]") {
  const ModelSpec m = llama_8b();  // 32 layers, 32 query heads of 128, fp16 KV: 128 KiB per token
  EngineSettings fused, unfused;
  unfused.attention_score_bytes = 8;  // scores and probabilities in 16 bits, each written once and read once
  const RooflineModel flash(m, h100_node(), fused);
  const RooflineModel eager(m, h100_node(), unfused);
  const double per_pair = 4.0 * 32 * 4096;    // FLOPs of one (query, key) pair over all heads and layers
  const double scores_per_pair = 8.0 * 32 * 32;  // bytes of its scores: 8 B x 32 heads x 32 layers
  const double rate = 989e12 * 0.6, stream = 3.35e12 * 0.8;

  // One 2,048-token prompt, nothing cached: the fused kernel computes the
  // causal triangle, 2048 x 2049 / 2 = 2,098,176 pairs; the unfused one the
  // whole square, 2048^2 = 4,194,304, the 2,096,128 above the diagonal masked.
  IterationShape prompt;
  prompt.prefill_tokens = 2048;
  prompt.prefill_seqs = 1;
  prompt.prefill_attention_pairs = 2048.0 * 2049 / 2;
  prompt.prefill_masked_pairs = 2048.0 * 2047 / 2;
  const IterationCost f = flash.cost(prompt), e = eager.cost(prompt);
  const double kv = 131072.0 * 2048;  // the prompt's keys and values written
  CHECK(f.attention_compute_s == Approx(per_pair * 2098176 / rate));
  CHECK(f.attention_memory_s == Approx(kv / stream));
  CHECK(e.attention_compute_s == Approx(per_pair * 4194304 / rate));
  // 8,192 B x 4,194,304 pairs = 34.4 GB of scores: 12.9 ms at 2.68 TB/s,
  // where the fused kernel's math takes 1.9 ms (the square's, 3.7 ms): the
  // unfused prompt is memory bound in its attention.
  CHECK(e.attention_memory_s == Approx((kv + scores_per_pair * 4194304) / stream));
  CHECK(e.bytes - f.bytes == Approx(scores_per_pair * 4194304));
  CHECK(e.flops - f.flops == Approx(per_pair * 2096128));
  CHECK(e.time_s() - f.time_s() ==
        Approx((kv + scores_per_pair * 4194304) / stream - per_pair * 2098176 / rate));
  CHECK(e.linear_s == f.linear_s);  // the matrices do not change

  // A decode step has no future to mask: the same pairs, and their scores.
  IterationShape decode;
  decode.decode_seqs = 4;
  decode.decode_context = 4 * 1000.0;
  const double pairs = 4 * 1000.0 + 4;
  CHECK(eager.cost(decode).flops == Approx(flash.cost(decode).flops));
  CHECK(eager.cost(decode).bytes - flash.cost(decode).bytes == Approx(scores_per_pair * pairs));

  // Under a unified cache the iteration's tokens attend as one sequence:
  // two 100-token prompts, 200 x 201 / 2 = 20,100 pairs fused, 200^2 unfused.
  EngineSettings unified = unfused;
  unified.kv_layout = KvLayout::unified;
  EngineSettings unified_fused;
  unified_fused.kv_layout = KvLayout::unified;
  IterationShape two;
  two.prefill_tokens = 200;
  two.prefill_seqs = 2;
  two.prefill_attention_pairs = 2 * 5050.0;
  two.prefill_masked_pairs = 2 * 4950.0;
  CHECK(RooflineModel(m, h100_node(), unified_fused).cost(two).flops == Approx(2.0 * 8.03e9 * 200 + per_pair * 20100));
  CHECK(RooflineModel(m, h100_node(), unified).cost(two).flops == Approx(2.0 * 8.03e9 * 200 + per_pair * 40000));

  // Switched off, the masked pairs an iteration carries change nothing.
  IterationShape unmasked = prompt;
  unmasked.prefill_masked_pairs = 0;
  CHECK(flash.cost(unmasked).time_s() == f.time_s());
}

TEST_CASE("Decode runs of an unfused attention stay exact in closed form", "[roofline][attention]") {
  for (const KvLayout layout : {KvLayout::per_sequence, KvLayout::unified}) {
    EngineSettings engine;
    engine.attention_score_bytes = 8;
    engine.kv_layout = layout;
    const RooflineModel model(llama_8b(), h100_node(), engine);
    const RooflineModel::DecodeRun run{16, 16 * 500.0};
    CHECK(model.decode_run_time(run, 300) == Approx(summed_decode_run(model, 16, 16 * 500.0, 300)).epsilon(1e-9));
  }
}

TEST_CASE("Fixed KV slots make every decode step read every slot's whole cache", "[roofline][kv_layout]") {
  const ModelSpec m = llama_8b();  // 32 layers, attention width 4096, fp16 KV: 128 KiB per token
  EngineSettings per_sequence, slots;
  slots.kv_layout = KvLayout::slots;
  slots.max_batch_size = 8;
  slots.kv_slot_tokens = 2048;  // 8 slots x 2,048 cells = 16,384 cells, whatever is in them
  const RooflineModel paged(m, graviton_socket(), per_sequence);
  const RooflineModel fixed(m, graviton_socket(), slots);
  const double per_pair = 4.0 * 32 * 4096;
  const double kv_per_token = 2.0 * 32 * 8 * 128 * 2;  // K and V, 8 KV heads of 128, fp16

  // Three sequences decoding at 100 cached tokens each: paged, 300 + 3
  // pairs and 300 cells read; slots, 16,384 pairs and cells.
  IterationShape decode;
  decode.decode_seqs = 3;
  decode.decode_context = 300;
  const double linear = 2.0 * 8.03e9 * 3;
  CHECK(paged.cost(decode).flops == Approx(linear + per_pair * 303));
  CHECK(fixed.cost(decode).flops == Approx(linear + per_pair * 16384));
  const double weights = paged.cost(decode).bytes - kv_per_token * (300 + 3);
  CHECK(fixed.cost(decode).bytes == Approx(weights + kv_per_token * (16384 + 3)));

  // A prompt's iteration prefills as paged attention does: no slot is read.
  IterationShape prefill;
  prefill.prefill_tokens = 100;
  prefill.prefill_seqs = 1;
  prefill.prefill_attention_pairs = 5050.0;
  CHECK(fixed.cost(prefill).time_s() == Approx(paged.cost(prefill).time_s()));

  // A decode run costs the same every iteration: the cells do not grow.
  const RooflineModel::DecodeRun run{3, 300};
  CHECK(fixed.decode_run_time(run, 50) == Approx(50 * fixed.cost(decode).time_s()).epsilon(1e-12));
}

TEST_CASE("Decode runs on a unified KV cache stay exact in closed form", "[roofline][kv_layout]") {
  EngineSettings unified;
  unified.kv_layout = KvLayout::unified;
  // A CPU socket at 16 sequences: the attention pairs grow by 16 x 16 per
  // iteration, and the closed form follows whichever side of the roofline binds.
  const RooflineModel model(llama_8b(), graviton_socket(), unified);
  const RooflineModel::DecodeRun run{16, 16 * 500.0};
  CHECK(model.decode_run_time(run, 300) == Approx(summed_decode_run(model, 16, 16 * 500.0, 300)).epsilon(1e-9));
}
