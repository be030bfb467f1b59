#include <catch2/catch.hpp>

#include <cmath>
#include <utility>

#include "fleetsim/core/roofline_model.hpp"
#include "support/fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

TEST_CASE("KV bytes per token of Llama-3.1-8B in bf16 is 128 KiB", "[roofline]") {
  // 2 (K and V) * 32 layers * 8 KV heads * 128 dims * 2 bytes.
  CHECK(llama_8b().kv_bytes_per_token() == 131072.0);
}

TEST_CASE("A lone decode step is memory bound and matches the hand computation", "[roofline]") {
  EngineSettings engine;
  RooflineModel model(llama_8b(), h100_node(), engine);
  IterationShape s;
  s.decode_seqs = 1;
  s.decode_context = 1000;
  const IterationCost c = model.cost(s);
  // F = 2 * 8.03e9 + 4 * 32 * 4096 * (1000 + 1)
  const double flops = 2 * 8.03e9 + 4.0 * 32 * 4096 * 1001;
  // B = weights 16.06e9 + KV read 1000 * 131072 + KV written 1 * 131072
  const double bytes = 16.06e9 + 131072.0 * 1001;
  CHECK(c.flops == Approx(flops));
  CHECK(c.bytes == Approx(bytes));
  CHECK(c.compute_s == Approx(flops / (989e12 * 0.6)));
  CHECK(c.memory_s == Approx(bytes / (3.35e12 * 0.8)));
  CHECK(c.comm_s == 0.0);
  CHECK(c.time_s() == Approx(bytes / 2.68e12 + 1e-3));
  CHECK(c.time_s() == Approx(7.0416e-3).epsilon(1e-4));
}

TEST_CASE("A long prefill is compute bound and counts its attention pairs", "[roofline]") {
  EngineSettings engine;
  RooflineModel model(llama_8b(), h100_node(), engine);
  IterationShape s;
  s.prefill_tokens = 4096;
  s.prefill_attention_pairs = 4096.0 * 4097.0 / 2.0;
  const IterationCost c = model.cost(s);
  const double flops = 2 * 8.03e9 * 4096 + 4.0 * 32 * 4096 * (4096.0 * 4097.0 / 2.0);
  CHECK(c.flops == Approx(flops));
  CHECK(c.compute_s > c.memory_s);
  CHECK(c.time_s() == Approx(flops / (989e12 * 0.6) + 1e-3));
}

TEST_CASE("Tensor parallelism divides the work and adds ring all-reduces", "[roofline]") {
  EngineSettings tp1, tp4;
  tp4.tensor_parallel = 4;
  RooflineModel one(llama_8b(), h100_node(), tp1), four(llama_8b(), h100_node(), tp4);
  IterationShape s;
  s.decode_seqs = 8;
  s.decode_context = 8 * 2000;
  const IterationCost a = one.cost(s), b = four.cost(s);
  CHECK(b.memory_s == Approx(a.memory_s / 4));
  CHECK(b.compute_s == Approx(a.compute_s / 4));
  // 32 layers * 2 all-reduces * (2 * 3/4 * 8 tokens * 4096 * 2 bytes / 450e9 + 2 * 3 * 5e-6)
  const double per = 2.0 * 0.75 * 8 * 4096 * 2 / 450e9 + 6 * 5e-6;
  CHECK(b.comm_s == Approx(32 * 2 * per));
}

TEST_CASE("The model's compute type picks the matching peak, falling back to bf16", "[roofline]") {
  ModelSpec fp8 = llama_8b();
  fp8.weight_dtype = DataType::fp8;
  EngineSettings engine;
  CHECK(RooflineModel(fp8, h100_node(), engine).peak_flops() == 1979e12);
  ModelSpec int4 = llama_8b();
  int4.weight_dtype = DataType::int4;
  CHECK(RooflineModel(int4, h100_node(), engine).peak_flops() == 989e12);
  CHECK(RooflineModel(int4, graviton_socket(), engine).peak_flops() == 33.2e12);
  CHECK(int4.weight_bytes() == Approx(8.03e9 / 2));
}

TEST_CASE("Decode runs in closed form equal the sum of single iterations", "[roofline]") {
  EngineSettings engine;
  // A CPU socket at batch 64 and long contexts crosses from memory- to compute-bound.
  for (const auto& hw : {h100_node(), graviton_socket()}) {
    RooflineModel model(llama_8b(), hw, engine);
    for (double seqs : {1.0, 16.0, 64.0}) {
      RooflineModel::DecodeRun run{seqs, seqs * 3000};
      double sum = 0, compute = 0, memory = 0;
      const long n = 500;
      for (long j = 0; j < n; ++j) {
        IterationShape s;
        s.decode_seqs = seqs;
        s.decode_context = run.context + j * seqs;
        const IterationCost c = model.cost(s);
        sum += c.time_s();
        compute += c.compute_s;
        memory += c.memory_s;
        if (j == 9) REQUIRE(model.decode_run_time(run, 10) == Approx(sum).epsilon(1e-9));
      }
      CHECK(model.decode_run_time(run, n) == Approx(sum).epsilon(1e-9));
      double c2 = 0, m2 = 0;
      model.decode_run_components(run, n, c2, m2);
      CHECK(c2 == Approx(compute).epsilon(1e-9));
      CHECK(m2 == Approx(memory).epsilon(1e-9));
      const double half = model.decode_run_time(run, 250);
      CHECK(model.decode_iterations_within(run, n, half) == 250);
      CHECK(model.decode_iterations_within(run, n, half - 1e-9) == 249);
      CHECK(model.decode_iterations_within(run, n, 1e9) == n);
    }
  }
}

TEST_CASE("The iterations of a decode run done by a time are the largest count whose time fits", "[roofline]") {
  // iterations_within guesses from one side's quadratic and gallops; its
  // answer must be a plain scan's: the largest k <= limit with time(k) <= t.
  auto scan = [](const RooflineModel::DecodeTerms& t, long limit, double elapsed) {
    long k = 0;
    while (k < limit && t.time(k + 1) <= elapsed) ++k;
    return k;
  };
  RooflineModel::DecodeTerms memory_first;  // memory wins at first, compute from j = 50
  memory_first.linear = 2e-3;
  memory_first.fixed = 1e-3;
  memory_first.a_c = 1e-4;
  memory_first.b_c = 4e-6;
  memory_first.a_m = 2e-4;
  memory_first.b_m = 2e-6;
  RooflineModel::DecodeTerms compute_first = memory_first;  // compute wins, then memory
  std::swap(compute_first.a_c, compute_first.a_m);
  std::swap(compute_first.b_c, compute_first.b_m);
  RooflineModel::DecodeTerms flat;  // no growth, no attention: a constant step
  flat.linear = 5e-3;
  RooflineModel::DecodeTerms zero;  // nothing to do: every iteration fits
  for (const RooflineModel::DecodeTerms* t : {&memory_first, &compute_first, &flat, &zero}) {
    for (const long limit : {0L, 1L, 7L, 100L, 1000L}) {
      for (double elapsed = 0.0; elapsed < 8.0; elapsed = elapsed * 1.7 + 1e-3) {
        INFO("limit " << limit << ", elapsed " << elapsed);
        CHECK(t->iterations_within(limit, elapsed) == scan(*t, limit, elapsed));
        const long k = scan(*t, limit, elapsed);
        if (k > 0) CHECK(t->iterations_within(limit, t->time(k)) == scan(*t, limit, t->time(k)));
      }
    }
  }
}

TEST_CASE("A CPU socket becomes compute bound at large batch, memory bound again at long context", "[roofline]") {
  EngineSettings engine;
  RooflineModel model(llama_8b(), graviton_socket(), engine);
  IterationShape small, large, long_context;
  small.decode_seqs = 1;
  small.decode_context = 100;
  large.decode_seqs = 256;
  large.decode_context = 256 * 100;
  long_context.decode_seqs = 64;
  long_context.decode_context = 64 * 8000;  // 67 GB of KV read per iteration
  CHECK(model.cost(small).memory_s > model.cost(small).compute_s);
  CHECK(model.cost(large).compute_s > model.cost(large).memory_s);
  CHECK(model.cost(long_context).memory_s > model.cost(long_context).compute_s);
}

TEST_CASE("KV capacity is usable memory minus weights, in whole blocks", "[kv]") {
  EngineSettings engine;  // memory_fraction 0.9, 16-token blocks
  const KvCapacity k = kv_capacity(llama_8b(), h100_node(), engine);
  CHECK(k.usable_bytes == Approx(72e9));
  CHECK(k.kv_bytes == Approx(72e9 - 16.06e9));
  // 55.94e9 / (131072 * 16) = 26674.1
  CHECK(k.blocks == 26674);
  CHECK(k.tokens == 26674 * 16);

  engine.tensor_parallel = 2;
  engine.activation_reserve_bytes = 2e9;
  const KvCapacity k2 = kv_capacity(llama_8b(), h100_node(), engine);
  CHECK(k2.usable_bytes == Approx(2 * (72e9 - 2e9)));
  CHECK(k2.kv_bytes == Approx(140e9 - 16.06e9));
}

TEST_CASE("An all-reduce's ring moves its bytes at the interconnect's bus efficiency", "[roofline]") {
  EngineSettings tp4;
  tp4.tensor_parallel = 4;
  HardwareSpec nvlink = h100_node();
  nvlink.interconnect_efficiency = 0.8;
  IterationShape s;
  s.decode_seqs = 8;
  s.decode_context = 8 * 2000;
  const IterationCost c = RooflineModel(llama_8b(), nvlink, tp4).cost(s);
  // Only the bandwidth term slows down: 450 GB/s * 0.8 = 360 GB/s; the
  // per-step latency stays.
  const double per = 2.0 * 0.75 * 8 * 4096 * 2 / 360e9 + 6 * 5e-6;
  CHECK(c.comm_s == Approx(32 * 2 * per));
}

TEST_CASE("In a full mesh a tensor-parallel group reaches only the links to its own members", "[roofline]") {
  // The fixture node has 8 devices of 450 GB/s. In a full mesh each device's
  // 450 GB/s are 7 links of 64.3 GB/s, one to each other device: a group of 2
  // uses one of them, a group of 4 three, a group of all 8 every one.
  HardwareSpec mesh = h100_node();
  mesh.interconnect_topology = InterconnectTopology::full_mesh;
  CHECK(mesh.interconnect_bandwidth_for_group(2) == Approx(450e9 / 7));
  CHECK(mesh.interconnect_bandwidth_for_group(4) == Approx(450e9 * 3 / 7));
  CHECK(mesh.interconnect_bandwidth_for_group(8) == Approx(450e9));
  CHECK(h100_node().interconnect_bandwidth_for_group(2) == Approx(450e9));  // switched: all of it

  IterationShape s;
  s.decode_seqs = 8;
  s.decode_context = 8 * 2000;
  EngineSettings tp2;
  tp2.tensor_parallel = 2;
  // 32 layers x 2 all-reduces x (2 x 1/2 x 8 tokens x 4096 x 2 bytes / B + 2 x 1 x 5 us),
  // B = 450 GB/s switched, 450/7 GB/s in the mesh; the latency term is the same.
  const double bytes = 2.0 * 0.5 * 8 * 4096 * 2;
  const IterationCost switched = RooflineModel(llama_8b(), h100_node(), tp2).cost(s);
  const IterationCost meshed = RooflineModel(llama_8b(), mesh, tp2).cost(s);
  CHECK(switched.comm_s == Approx(32 * 2 * (bytes / 450e9 + 2 * 5e-6)));
  CHECK(meshed.comm_s == Approx(32 * 2 * (bytes / (450e9 / 7) + 2 * 5e-6)));
  EngineSettings tp8;
  tp8.tensor_parallel = 8;
  CHECK(RooflineModel(llama_8b(), mesh, tp8).cost(s).comm_s ==
        Approx(RooflineModel(llama_8b(), h100_node(), tp8).cost(s).comm_s));
}

TEST_CASE("The matrices' roofline has a rounded knee where math and weight reads meet", "[roofline]") {
  CHECK(matmul_time(3.0, 4.0, 0.0) == 4.0);          // plain roofline
  CHECK(matmul_time(3.0, 4.0, 1.0) == Approx(7.0));  // p = 1: the sum
  CHECK(matmul_time(3.0, 4.0, 2.0) == Approx(5.0));  // p = 2: sqrt(9 + 16)
  CHECK(matmul_time(0.0, 4.0, 1.5) == 4.0);          // one side alone
  CHECK(matmul_time(1e-300, 1.0, 64.0) == 1.0);      // no overflow far from the knee

  // 128 decodes of Llama-3.1-8B on the fixture H100: F_lin / C = 2 * 8.03e9 *
  // 128 / 593.4e12 = 3.464 ms against B_w / W = 16.06e9 / 2.68e12 = 5.993 ms.
  // With p = 1.5 the matrices take (3.464^1.5 + 5.993^1.5)^(1/1.5) = 7.640 ms.
  HardwareSpec knee = h100_node();
  knee.matmul_knee = 1.5;
  EngineSettings engine;
  IterationShape s;
  s.decode_seqs = 128;
  s.decode_context = 128 * 1000.0;
  const IterationCost plain = RooflineModel(llama_8b(), h100_node(), engine).cost(s);
  const IterationCost rounded = RooflineModel(llama_8b(), knee, engine).cost(s);
  const double tc = 2 * 8.03e9 * 128 / (989e12 * 0.6), tm = 16.06e9 / 2.68e12;
  CHECK(plain.linear_s == Approx(tm));
  CHECK(rounded.linear_s == Approx(std::pow(std::pow(tc, 1.5) + std::pow(tm, 1.5), 1 / 1.5)));
  CHECK(rounded.linear_s == Approx(7.640e-3).epsilon(1e-3));
  CHECK(rounded.time_s() - plain.time_s() == Approx(rounded.linear_s - tm));
  // The closed form of a decode run adds the same matrices' time per step.
  const RooflineModel model(llama_8b(), knee, engine);
  const RooflineModel::DecodeRun run{128, 128 * 1000.0};
  double sum = 0.0;
  for (int j = 0; j < 5; ++j) {
    IterationShape step;
    step.decode_seqs = 128;
    step.decode_context = 128 * (1000.0 + j);
    sum += model.cost(step).time_s();
  }
  CHECK(model.decode_run_time(run, 5) == Approx(sum));
}

TEST_CASE("The matrices' time read back for a token count is the one computed for it, exactly", "[roofline]") {
  // cost() keeps matmul_time() per whole token count; every figure must be
  // the direct computation's, bit for bit, whatever order the counts come in
  // (repeated, shrinking, past the kept range, fractional, zero).
  HardwareSpec knee = h100_node();
  knee.matmul_knee = 1.5;
  EngineSettings engine;
  const RooflineModel model(llama_8b(), knee, engine);
  for (const double tokens : {128.0, 1.0, 128.0, 4096.0, 7.0, 1.0, 70000.0, 70000.0, 2.5, 0.0, 4096.0}) {
    IterationShape s;
    s.prefill_tokens = tokens;
    s.prefill_attention_pairs = tokens * (tokens + 1.0) / 2.0;
    const IterationCost c = model.cost(s);
    const double direct = matmul_time(c.linear_compute_s, c.linear_memory_s, 1.5);
    CHECK(c.linear_s == direct);
    CHECK(c.linear_compute_s == Approx(2 * 8.03e9 * tokens / (989e12 * 0.6)));
  }
}

TEST_CASE("A decode run's terms read back for a batch are the ones computed for it, exactly", "[roofline]") {
  // decode_terms() keeps what does not depend on the context by batch;
  // every term must equal the one a model that kept nothing computes, bit
  // for bit, whatever the order of batches and contexts (repeated, a new
  // context for a kept batch, past the kept range, fractional), for every
  // KV layout.
  for (const KvLayout layout : {KvLayout::per_sequence, KvLayout::unified, KvLayout::slots}) {
    EngineSettings engine;
    engine.kv_layout = layout;
    engine.kv_slot_tokens = 4096;
    const RooflineModel kept(llama_8b(), h100_node(), engine);
    const std::vector<RooflineModel::DecodeRun> runs = {{16, 16 * 500.0}, {16, 16 * 900.0}, {1, 20.0},
                                                        {16, 16 * 500.0}, {70000, 7e7},       {2.5, 100.0},
                                                        {256, 256 * 3000.0}, {1, 4000.0}};
    for (const auto& run : runs) {
      INFO("seqs " << run.seqs << ", context " << run.context);
      const RooflineModel fresh(llama_8b(), h100_node(), engine);
      const auto a = kept.decode_terms(run), b = fresh.decode_terms(run);
      CHECK(a.linear_compute == b.linear_compute);
      CHECK(a.linear_memory == b.linear_memory);
      CHECK(a.linear == b.linear);
      CHECK(a.a_c == b.a_c);
      CHECK(a.b_c == b.b_c);
      CHECK(a.a_m == b.a_m);
      CHECK(a.b_m == b.b_m);
      CHECK(a.fixed == b.fixed);
      CHECK(a.overhead == b.overhead);
      CHECK(a.time(50) == b.time(50));
    }
  }
}

TEST_CASE("A dequantizing kernel streams the weights once per its rows, only where the device lacks the units",
          "[roofline]") {
  ModelSpec fp8 = llama_8b();
  fp8.weight_dtype = DataType::fp8;
  HardwareSpec ampere_like = h100_node();
  ampere_like.peak_flops.erase(DataType::fp8);  // no FP8 matrix units: 16-bit math on widened weights
  REQUIRE(!ampere_like.has_matrix_units_for(DataType::fp8));
  REQUIRE(ampere_like.has_matrix_units_for(DataType::fp16));
  EngineSettings marlin;
  marlin.dequant_kernel_rows = 64;
  const RooflineModel model(fp8, ampere_like, marlin);
  const double one_pass = 8.03e9 / (3.35e12 * 0.8);  // 1-byte weights over W * eff
  auto weight_time = [&](const RooflineModel& m, double seqs) {
    IterationShape s;
    s.decode_seqs = seqs;
    s.decode_context = seqs * 100;
    return m.cost(s).linear_memory_s;
  };
  // ceil(T / 64) passes: 1 token and 64 tokens one, 65 two, 256 four.
  CHECK(weight_time(model, 1) == Approx(one_pass));
  CHECK(weight_time(model, 64) == Approx(one_pass));
  CHECK(weight_time(model, 65) == Approx(2 * one_pass));
  CHECK(weight_time(model, 256) == Approx(4 * one_pass));
  // The math is the same 16-bit math whatever the passes.
  IterationShape big;
  big.prefill_tokens = 2048;
  big.prefill_attention_pairs = 2048.0 * 2049.0 / 2.0;
  const IterationCost c = model.cost(big);
  CHECK(c.linear_memory_s == Approx(32 * one_pass));
  CHECK(c.linear_compute_s == Approx(2 * 8.03e9 * 2048 / (989e12 * 0.6)));
  CHECK(c.bytes == Approx(32 * 8.03e9 + 131072.0 * 2048));
  // A device with FP8 units runs a native kernel: one pass, at any batch.
  CHECK(weight_time(RooflineModel(fp8, h100_node(), marlin), 256) == Approx(one_pass));
  // A stack without the kernel, 16-bit weights, and a mixture of experts keep one pass.
  CHECK(weight_time(RooflineModel(fp8, ampere_like, EngineSettings{}), 256) == Approx(one_pass));
  CHECK(weight_time(RooflineModel(llama_8b(), ampere_like, marlin), 256) == Approx(2 * one_pass));
}
