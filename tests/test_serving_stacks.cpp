// Serving-stack profiles: the built-in stacks and their sources, overlay
// entries and their mistakes, a pool's `engine: {stack: NAME}`, and the
// stack's iteration overhead in the performance model.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "../src/io/catalog_reader.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "support/cli_runner.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::messages;

namespace {

ServingStack test_stack() {
  ServingStack s;
  s.name = "teststack";
  s.overhead = {2e-3, 10e-6, 30e-6};
  s.chunked_prefill = false;
  s.max_batch_size = 64;
  s.kv_admission = "reserve_output";
  s.kv_layout = KvLayout::unified;
  return s;
}

// Fixed figures, so that the expectations below do not move with the catalog.
const Catalog& fixed_stack_catalog() {
  static const Catalog catalog = [] {
    HardwareSpec h = testing::h100_node();
    h.name = "h100-p5.48xlarge";
    return Catalog({h}, {testing::llama_8b()}, {test_stack()});
  }();
  return catalog;
}

std::string scenario_with_engine(const std::string& engine) {
  return "name: stacks\n"
         "fleet:\n"
         "  pools:\n"
         "    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], engine: " +
         engine +
         "}\n"
         "workloads:\n"
         "  - name: chat\n"
         "    arrivals: {rate: 1/s}\n"
         "    steps:\n"
         "      - llm: {model: llama-3.1-8b, output_tokens: 10}\n"
         "simulation: {sessions: 10}\n";
}

// One pool of a built-in catalog entry with the given engine map, loaded
// against the built-in catalog.
LoadResult load_builtin_pool(const std::string& hardware, const std::string& engine) {
  return load_scenario_text(
      "name: s\nfleet:\n  pools:\n    - {name: p, hardware: " + hardware +
          ", count: 1, models: [llama-3.1-8b], engine: " + engine +
          "}\nworkloads:\n  - name: chat\n    arrivals: {rate: 1/s}\n    steps:\n      - llm: "
          "{model: llama-3.1-8b, output_tokens: 10}\nsimulation: {sessions: 10}\n",
      "s.yaml");
}

}  // namespace

TEST_CASE("The built-in stacks parse, and every figure has a source", "[stacks]") {
  const Catalog& c = Catalog::builtin();
  for (const char* name :
       {"vllm-0.5", "vllm-0.6", "vllm-v1", "sglang", "sglang-0.3", "tensorrt-llm", "tensorrt-llm-engine", "llama.cpp",
        "llama.cpp-2024", "llama.cpp-server", "vllm-cpu", "pytorch-cuda-graph"}) {
    INFO(name);
    const ServingStack* s = c.find_stack(name);
    REQUIRE(s);
    CHECK_FALSE(s->description.empty());
    for (const char* field : {"overhead.fixed", "overhead.per_sequence", "overhead.per_output_token", "cuda_graphs"})
      CHECK(s->sources.count(field) == 1);
    if (s->chunked_prefill) CHECK(s->sources.count("engine.chunked_prefill") == 1);
    if (s->max_batched_tokens) CHECK(s->sources.count("engine.max_batched_tokens") == 1);
    if (s->max_batch_size) CHECK(s->sources.count("engine.max_batch_size") == 1);
    if (s->kv_admission) CHECK(s->sources.count("engine.kv_admission") == 1);
    if (s->kv_layout) CHECK(s->sources.count("engine.kv_layout") == 1);
    if (s->scheduler_steps) CHECK(s->sources.count("engine.scheduler_steps") == 1);
    if (s->kernels_per_layer > 0) CHECK(s->sources.count("kernels_per_layer") == 1);
    if (s->sync_points_per_layer > 0) CHECK(s->sources.count("sync_points_per_layer") == 1);
    if (s->expert_token_passes) CHECK(s->sources.count("expert_token_passes") == 1);
  }
  // TensorRT-LLM's two executors share its scheduling defaults
  // (GUARANTEED_NO_EVICT admission); only the host loop differs: the C++
  // executor with TensorRT engines overlaps none of its per-request work.
  for (const char* name : {"tensorrt-llm", "tensorrt-llm-engine"}) {
    INFO(name);
    REQUIRE(c.find_stack(name)->kv_admission);
    CHECK(*c.find_stack(name)->kv_admission == "reserve_output");
  }
  CHECK(c.find_stack("tensorrt-llm-engine")->overhead.per_sequence_s >
        c.find_stack("tensorrt-llm")->overhead.per_sequence_s);
  CHECK(c.find_stack("vllm-0.5")->overhead.fixed_s == Approx(4e-3));
}

TEST_CASE("A built-in entry starts from one above it and states only what differs", "[stacks][catalog]") {
  // The llama.cpp variants share ggml's kernels and thread pool: their fitted
  // figures are the llama.cpp stack's, stated once.
  const Catalog& c = Catalog::builtin();
  const ServingStack* base = c.find_stack("llama.cpp");
  REQUIRE(base);
  for (const char* name : {"llama.cpp-2024", "llama.cpp-server"}) {
    INFO(name);
    const ServingStack* s = c.find_stack(name);
    REQUIRE(s);
    CHECK(s->serial_fraction == base->serial_fraction);
    CHECK(s->format_efficiency == base->format_efficiency);
    CHECK(s->format_core_bandwidth == base->format_core_bandwidth);
    CHECK(s->sync_points_per_layer == base->sync_points_per_layer);
    CHECK(s->overhead.fixed_s == base->overhead.fixed_s);
    CHECK(s->sources.at("serial_fraction") == base->sources.at("serial_fraction"));
  }
  // What each changes, with its own source.
  const ServingStack* old_build = c.find_stack("llama.cpp-2024");
  CHECK(old_build->kv_layout == KvLayout::unified);
  CHECK(base->kv_layout == KvLayout::per_sequence);
  CHECK_FALSE(old_build->dot_product_formats.empty());
  CHECK(base->dot_product_formats.empty());
  CHECK(old_build->sources.at("engine.kv_layout") != base->sources.at("engine.kv_layout"));
  const ServingStack* server = c.find_stack("llama.cpp-server");
  CHECK(server->overhead.per_output_token_s == Approx(50e-6));
  CHECK(base->overhead.per_output_token_s == 0.0);
  CHECK(server->chunked_prefill == true);
  CHECK(server->max_batch_size == 4);
  CHECK_FALSE(base->max_batch_size);

  // The rule, on a file of its own: an entry may name one above it, not one
  // below it or one that does not exist.
  const std::string stacks = R"(stacks:
  first:
    overhead: {fixed: 1ms, per_sequence: 2us, per_output_token: 0us}
    serial_fraction: 0.01
    cuda_graphs: false
    sources: {serial_fraction: "fitted", overhead.fixed: "measured"}
  second:
    catalog: first
    overhead: {per_output_token: 5us}
    sources: {overhead.per_output_token: "est."}
)";
  std::vector<Diagnostic> diagnostics;
  const auto read = read_catalog("hardware: {}\n", "hw", "models: {}\n", "m", diagnostics, stacks, "stacks.yaml");
  INFO(messages(diagnostics));
  REQUIRE(read);
  const ServingStack* second = read->find_stack("second");
  REQUIRE(second);
  CHECK(second->overhead.fixed_s == Approx(1e-3));
  CHECK(second->overhead.per_sequence_s == Approx(2e-6));
  CHECK(second->overhead.per_output_token_s == Approx(5e-6));
  CHECK(second->serial_fraction == 0.01);
  CHECK(second->sources.at("serial_fraction") == "fitted");
  CHECK(second->sources.at("overhead.per_output_token") == "est.");
  CHECK(read->find_stack("first")->sources.count("overhead.per_output_token") == 0);

  std::vector<Diagnostic> errors;
  const auto bad = read_catalog("hardware: {}\n", "hw", "models: {}\n", "m", errors, R"(stacks:
  early:
    catalog: later
  later:
    overhead: {fixed: 1ms, per_sequence: 0us, per_output_token: 0us}
    cuda_graphs: false
  odd:
    catalog: nosuch
)",
                                  "stacks.yaml");
  CHECK_FALSE(bad);
  const std::string text = messages(errors);
  INFO(text);
  CHECK_THAT(text, Contains("stacks.yaml:3:14: error: stacks.early.catalog: no entry \"later\" above this one"));
  CHECK_THAT(text, Contains("hint: an entry starts from one defined earlier in the same file"));
  CHECK_THAT(text, Contains("stacks.odd.catalog: no entry \"nosuch\" above this one"));
  CHECK(errors.size() == 2);
}

TEST_CASE("A catalog file overrides a stack's keys and adds stacks", "[stacks][catalog]") {
  std::vector<Diagnostic> diagnostics;
  const auto c = overlay_catalog(fixed_stack_catalog(), R"(stacks:
  teststack:
    overhead: {fixed: 5ms}
  mine:
    catalog: teststack
    engine: {max_batched_tokens: 1024}
  fresh:
    overhead: {fixed: 0s, per_sequence: 1us, per_output_token: 0s}
    cuda_graphs: false
)",
                                 "mine.yaml", diagnostics);
  INFO(messages(diagnostics));
  REQUIRE(c);
  const ServingStack* own = c->find_stack("teststack");
  REQUIRE(own);
  CHECK(own->overhead.fixed_s == Approx(5e-3));
  CHECK(own->overhead.per_sequence_s == Approx(10e-6));  // kept
  const ServingStack* mine = c->find_stack("mine");
  REQUIRE(mine);
  CHECK(mine->overhead.fixed_s == Approx(2e-3));  // the base entry's, not the overlay's override
  CHECK(mine->max_batched_tokens == 1024);
  CHECK(mine->max_batch_size == 64);
  const ServingStack* fresh = c->find_stack("fresh");
  REQUIRE(fresh);
  CHECK(fresh->overhead.per_sequence_s == Approx(1e-6));
  CHECK_FALSE(fresh->max_batch_size);
  CHECK(c->stacks().size() == 3);
}

TEST_CASE("A stack entry's mistakes are located", "[stacks][catalog]") {
  std::vector<Diagnostic> diagnostics;
  const auto c = overlay_catalog(fixed_stack_catalog(), R"(stacks:
  teststack:
    overhead: {fixed: -1ms, per_sequnce: 1us}
    engine: {max_batch_size: 0, kv_admission: reserve}
  partial:
    overhead: {fixed: 1ms}
  typo:
    cuda_graphs: maybe
    catalog: nosuch
)",
                                 "mine.yaml", diagnostics);
  CHECK_FALSE(c);
  const std::string text = messages(diagnostics);
  INFO(text);
  CHECK_THAT(text, Contains("mine.yaml:3:23: error: stacks.teststack.overhead.fixed"));
  CHECK_THAT(text, Contains("did you mean \"per_sequence\"?"));
  CHECK_THAT(text, Contains("mine.yaml:4:30: error: stacks.teststack.engine.max_batch_size"));
  CHECK_THAT(text, Contains("stacks.teststack.engine.kv_admission"));
  CHECK_THAT(text, Contains("stack \"partial\" is missing required key \"cuda_graphs\""));
  CHECK_THAT(text, Contains("missing required keys \"per_sequence\", \"per_output_token\""));
  CHECK_THAT(text, Contains("stacks.typo.cuda_graphs"));
  CHECK_THAT(text, Contains("unknown catalog entry \"nosuch\""));
}

TEST_CASE("A pool's stack fills in only the engine settings the pool leaves out", "[stacks][loader]") {
  SECTION("no stack: fleetsim's defaults and the hardware's overhead, as before") {
    const LoadResult r =
        load_scenario_text(scenario_with_engine("{tensor_parallel: 1}"), "s.yaml", fixed_stack_catalog());
    INFO(messages(r.diagnostics));
    REQUIRE(r.ok());
    const EngineSettings& e = r.scenario->pools[0].engine;
    const EngineSettings plain;
    CHECK(e.stack.empty());
    CHECK_FALSE(e.overhead);
    CHECK(e.chunked_prefill == plain.chunked_prefill);
    CHECK(e.max_batch_size == plain.max_batch_size);
    CHECK(e.max_batched_tokens == plain.max_batched_tokens);
    CHECK(e.kv_admission == plain.kv_admission);
    CHECK(e.kv_layout == KvLayout::per_sequence);
  }
  SECTION("the stack's defaults where the pool is silent, the pool's keys where it is not") {
    const LoadResult r = load_scenario_text(scenario_with_engine("{stack: teststack, max_batch_size: 8}"), "s.yaml",
                                            fixed_stack_catalog());
    INFO(messages(r.diagnostics));
    REQUIRE(r.ok());
    const EngineSettings& e = r.scenario->pools[0].engine;
    CHECK(e.stack == "teststack");
    REQUIRE(e.overhead);
    CHECK(e.overhead->fixed_s == Approx(2e-3));
    CHECK(e.overhead->per_output_token_s == Approx(30e-6));
    CHECK(e.max_batch_size == 8);                            // the pool's
    CHECK_FALSE(e.chunked_prefill);                          // the stack's
    CHECK(e.kv_admission == "reserve_output");    // the stack's
    CHECK(e.kv_layout == KvLayout::unified);                 // the stack's
    CHECK(e.max_batched_tokens == EngineSettings{}.max_batched_tokens);  // neither sets it
  }
  SECTION("a pool's key overrides the stack even when it equals fleetsim's default") {
    const LoadResult r = load_scenario_text(scenario_with_engine("{stack: teststack, chunked_prefill: true}"),
                                            "s.yaml", fixed_stack_catalog());
    REQUIRE(r.ok());
    CHECK(r.scenario->pools[0].engine.chunked_prefill);
  }
  SECTION("an unknown stack is an error with a spelling hint") {
    const LoadResult r = load_scenario_text(scenario_with_engine("{stack: teststak}"), "s.yaml", fixed_stack_catalog());
    CHECK_FALSE(r.ok());
    const std::string text = messages(r.diagnostics);
    CHECK_THAT(text, Contains("s.yaml:4:97: error: fleet.pools[0].engine.stack: unknown serving stack \"teststak\""));
    CHECK_THAT(text, Contains("did you mean \"teststack\"?"));
  }
  SECTION("against the built-in catalog") {
    const LoadResult r = load_scenario_text(scenario_with_engine("{stack: sglnag}"), "s.yaml", fixed_stack_catalog());
    CHECK_FALSE(r.ok());
    const LoadResult builtin = load_scenario_text(
        "name: s\nfleet:\n  pools:\n    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], "
        "engine: {stack: sglnag}}\nworkloads:\n  - name: chat\n    arrivals: {rate: 1/s}\n    steps:\n      - llm: "
        "{model: llama-3.1-8b, output_tokens: 10}\nsimulation: {sessions: 10}\n",
        "s.yaml");
    CHECK_THAT(messages(builtin.diagnostics), Contains("did you mean \"sglang\"?"));
  }
}

TEST_CASE("The stack's overhead: fixed + per sequence + per sampled token, by hand", "[stacks][roofline]") {
  const IterationOverhead o{2e-3, 10e-6, 30e-6};
  EngineSettings engine;
  engine.overhead = o;
  const RooflineModel with_stack(testing::llama_8b(), testing::h100_node(), engine);
  const RooflineModel without(testing::llama_8b(), testing::h100_node(), EngineSettings{});

  // 8 decoding sequences and 3 prompt chunks, one of them the prompt's last:
  // 11 sequences, 9 sampled tokens.
  IterationShape s;
  s.decode_seqs = 8;
  s.decode_context = 8 * 500.0;
  s.prefill_tokens = 3 * 100.0;
  s.prefill_attention_pairs = 3 * (100.0 * 101.0 / 2.0);
  s.prefill_seqs = 3;
  s.prefill_outputs = 1;
  const IterationCost c = with_stack.cost(s);
  CHECK(c.overhead_s == Approx(2e-3 + 10e-6 * 11 + 30e-6 * 9));
  CHECK(c.overhead_s == Approx(2.38e-3));
  // Only the overhead differs from the hardware-only model.
  const IterationCost plain = without.cost(s);
  CHECK(plain.overhead_s == testing::h100_node().iteration_overhead_s);  // exactly, no stack named
  CHECK(c.time_s() - plain.time_s() == Approx(2.38e-3 - 1e-3));
  // An overhead with no per-sequence and per-token terms is exactly its fixed part.
  CHECK(IterationOverhead{1e-3, 0.0, 0.0}.time_s(256, 256) == 1e-3);
}

TEST_CASE("A decode run's closed form equals the sum of its iterations with the stack's terms", "[stacks][roofline]") {
  EngineSettings engine;
  engine.overhead = IterationOverhead{0.3e-3, 2e-6, 5e-6};
  const RooflineModel model(testing::llama_8b(), testing::h100_node(), engine);
  for (double seqs : {1.0, 32.0, 256.0}) {
    const RooflineModel::DecodeRun run{seqs, seqs * 2000.0};
    double sum = 0.0;
    const long n = 300;
    for (long j = 0; j < n; ++j) {
      IterationShape step;
      step.decode_seqs = seqs;
      step.decode_context = run.context + static_cast<double>(j) * seqs;
      sum += model.cost(step).time_s();
      if (j == 0) CHECK(model.cost(step).overhead_s == Approx(0.3e-3 + 7e-6 * seqs));
    }
    CHECK(model.decode_run_time(run, n) == Approx(sum).epsilon(1e-9));
    const double half = model.decode_run_time(run, 150);
    CHECK(model.decode_iterations_within(run, n, half) == 150);
  }
}

TEST_CASE("Kernels per layer cost the device's kernel floor each, by hand", "[stacks][roofline]") {
  HardwareSpec gpu = testing::h100_node();
  gpu.kernel_floor_s = 2e-6;
  EngineSettings engine;
  engine.kernels_per_layer = 20;
  const RooflineModel with_kernels(testing::llama_8b(), gpu, engine);
  const RooflineModel without(testing::llama_8b(), gpu, EngineSettings{});

  IterationShape s;
  s.decode_seqs = 4;
  s.decode_context = 4 * 300.0;
  // 32 layers x 20 kernels x 2 us = 1.28 ms on every iteration, added to
  // the rest unchanged.
  const IterationCost c = with_kernels.cost(s), plain = without.cost(s);
  CHECK(c.layer_kernels_s == Approx(1.28e-3));
  CHECK(c.time_s() - plain.time_s() == Approx(1.28e-3));
  CHECK(c.compute_s == plain.compute_s);  // no work of its own: power sees a longer, lighter iteration
  CHECK(c.memory_s == plain.memory_s);
  // Tensor parallelism: every device runs every layer's kernels.
  EngineSettings tp4 = engine;
  tp4.tensor_parallel = 4;
  CHECK(RooflineModel(testing::llama_8b(), gpu, tp4).cost(s).layer_kernels_s == Approx(1.28e-3));
  // Hardware with no floor, or a stack with no count: nothing.
  CHECK(RooflineModel(testing::llama_8b(), testing::h100_node(), engine).cost(s).layer_kernels_s == 0.0);  // floor 0
  CHECK(plain.layer_kernels_s == 0.0);
  // A decode run's closed form carries the term on every iteration.
  const RooflineModel::DecodeRun run{4, 4 * 300.0};
  CHECK(with_kernels.decode_run_time(run, 100) - without.decode_run_time(run, 100) == Approx(100 * 1.28e-3));
}

TEST_CASE("Thread barriers on a CPU replica, by hand", "[stacks][roofline]") {
  HardwareSpec cpu = testing::graviton_socket();  // 2 sockets x 96 cores
  cpu.core_to_core_latency_s = 50e-9;
  EngineSettings engine;
  engine.sync_points_per_layer = 30;
  engine.threads = 64;

  // 64 threads on one socket: (64 + 1) line transfers of 50 ns = 3.25 us a
  // barrier; 32 layers x 30 barriers = 3.12 ms an iteration.
  CHECK(barrier_time(cpu, engine) == Approx(3.25e-6));
  IterationShape s;
  s.decode_seqs = 2;
  s.decode_context = 2 * 100.0;
  const RooflineModel with_sync(testing::llama_8b(), cpu, engine);
  EngineSettings no_sync = engine;
  no_sync.sync_points_per_layer = 0;
  const RooflineModel without(testing::llama_8b(), cpu, no_sync);
  const IterationCost c = with_sync.cost(s), plain = without.cost(s);
  CHECK(c.thread_sync_s == Approx(3.12e-3));
  CHECK(c.time_s() - plain.time_s() == Approx(3.12e-3));
  CHECK(c.compute_s == plain.compute_s);
  CHECK(c.memory_s == plain.memory_s);
  CHECK(with_sync.cost(IterationShape{}).thread_sync_s == 0.0);  // an empty iteration runs no graph

  // Across both sockets (64 threads on each): half the transfers cross, at
  // 150 ns: (128 + 1) x (50 + 150) / 2 ns = 12.9 us.
  EngineSettings two = engine;
  two.tensor_parallel = 2;
  two.threads = 128;
  cpu.socket_to_socket_latency_s = 150e-9;
  CHECK(barrier_time(cpu, two) == Approx(129 * 100e-9));
  // No cross-socket figure: the within-socket one.
  cpu.socket_to_socket_latency_s = 0;
  CHECK(barrier_time(cpu, two) == Approx(129 * 50e-9));

  // One thread waits for nobody; a GPU, or a CPU with no latency, is charged nothing.
  EngineSettings one = engine;
  one.threads = 1;
  CHECK(barrier_time(cpu, one) == 0.0);
  CHECK(barrier_time(testing::h100_node(), engine) == 0.0);
  CHECK(barrier_time(testing::graviton_socket(), engine) == 0.0);
  // A decode run's closed form carries the term on every iteration.
  const RooflineModel::DecodeRun run{2, 2 * 100.0};
  CHECK(with_sync.decode_run_time(run, 50) - without.decode_run_time(run, 50) == Approx(50 * 3.12e-3));
}

TEST_CASE("sync_points_per_layer: the llama.cpp stacks' count, a pool's override, bad values located",
          "[stacks][loader]") {
  const Catalog& c = Catalog::builtin();
  REQUIRE(c.find_stack("llama.cpp"));
  CHECK(c.find_stack("llama.cpp")->sync_points_per_layer == 32);
  CHECK(c.find_stack("llama.cpp-server")->sync_points_per_layer == 32);
  CHECK(c.find_stack("vllm-cpu")->sync_points_per_layer == 0);
  CHECK(c.find_stack("llama.cpp")->sources.count("sync_points_per_layer") == 1);
  for (const char* hw : {"graviton3-c7g.16xlarge", "graviton4-r8g.16xlarge", "graviton4-c8g.48xlarge"}) {
    REQUIRE(c.find_hardware(hw));
    CHECK(c.find_hardware(hw)->core_to_core_latency_s == Approx(45e-9));
    CHECK(c.find_hardware(hw)->sources.count("core_to_core_latency") == 1);
  }
  auto load = [](const std::string& engine) { return load_builtin_pool("graviton4-r8g.16xlarge", engine); };
  const LoadResult stack = load("{stack: llama.cpp}");
  REQUIRE(stack.ok());
  CHECK(stack.scenario->pools[0].engine.sync_points_per_layer == 32);
  const LoadResult pool = load("{stack: llama.cpp, sync_points_per_layer: 40}");
  REQUIRE(pool.ok());
  CHECK(pool.scenario->pools[0].engine.sync_points_per_layer == 40);
  const LoadResult bad = load("{sync_points_per_layer: -1}");
  CHECK_FALSE(bad.ok());
  CHECK_THAT(messages(bad.diagnostics), Contains("fleet.pools[0].engine.sync_points_per_layer"));
  const LoadResult bad_hw = load_scenario_text(
      "name: s\nhardware:\n  g:\n    catalog: graviton4-r8g.16xlarge\n    core_to_core_latency: -5ns\n"
      "fleet:\n  pools:\n    - {name: cpu, hardware: g, count: 1, models: [llama-3.1-8b]}\nworkloads:\n"
      "  - name: chat\n    arrivals: {rate: 1/s}\n    steps:\n      - llm: {model: llama-3.1-8b, output_tokens: 10}\n"
      "simulation: {sessions: 10}\n",
      "s.yaml");
  CHECK_FALSE(bad_hw.ok());
  CHECK_THAT(messages(bad_hw.diagnostics), Contains("core_to_core_latency"));
}

TEST_CASE("Amdahl's serial fraction on a CPU replica, by hand", "[stacks][roofline]") {
  const HardwareSpec cpu = testing::graviton_socket();  // 2 sockets x 96 cores
  EngineSettings engine;
  engine.threads = 64;
  EngineSettings serial = engine;
  serial.serial_fraction = 0.02;
  const IterationShape s = testing::one_prompt(1000);
  const IterationCost ideal = RooflineModel(testing::llama_8b(), cpu, engine).cost(s);
  const IterationCost amdahl = RooflineModel(testing::llama_8b(), cpu, serial).cost(s);
  // 64 threads compute 64 / (1 + 0.02 x 63) = 28.3 times one thread's rate,
  // not 64: the math takes 2.26 times as long; the weight reads do not change.
  CHECK(amdahl.linear_compute_s / ideal.linear_compute_s == Approx(2.26));
  CHECK(amdahl.attention_compute_s / ideal.attention_compute_s == Approx(2.26));
  CHECK(amdahl.linear_memory_s == ideal.linear_memory_s);
  CHECK(amdahl.attention_memory_s == ideal.attention_memory_s);
  // By hand: bf16 peak 16.6 TFLOP/s a socket x 0.5 x 28.3/96 = 2.448 TFLOP/s.
  const double rate = 16.6e12 * 0.5 * (64.0 / 2.26) / 96.0;
  CHECK(amdahl.linear_compute_s == Approx(2.0 * testing::llama_8b().params_active * 1000 / rate));
  // A replica over both sockets counts every thread: N = 128, 1 + 0.02 x 127.
  EngineSettings two = serial;
  two.tensor_parallel = 2;
  two.threads = 128;
  EngineSettings two_ideal = two;
  two_ideal.serial_fraction = 0;
  CHECK(RooflineModel(testing::llama_8b(), cpu, two).cost(s).linear_compute_s /
            RooflineModel(testing::llama_8b(), cpu, two_ideal).cost(s).linear_compute_s ==
        Approx(3.54));
  // One thread has nobody to wait for; a GPU has no threads.
  EngineSettings one = serial;
  one.threads = 1;
  EngineSettings one_ideal = engine;
  one_ideal.threads = 1;
  CHECK(RooflineModel(testing::llama_8b(), cpu, one).cost(s).time_s() ==
        RooflineModel(testing::llama_8b(), cpu, one_ideal).cost(s).time_s());
  CHECK(RooflineModel(testing::llama_8b(), testing::h100_node(), serial).cost(s).time_s() ==
        RooflineModel(testing::llama_8b(), testing::h100_node(), EngineSettings{}).cost(s).time_s());
}

TEST_CASE("serial_fraction: the llama.cpp stacks' fitted value, a pool's own, bad values located",
          "[stacks][loader]") {
  // Fitted in round 9 (docs/validation.md) for the llama.cpp stacks, with
  // its source; the other stacks give none.
  const Catalog& c = Catalog::builtin();
  for (const ServingStack& s : c.stacks()) {
    const bool ggml = s.name == "llama.cpp" || s.name == "llama.cpp-2024" || s.name == "llama.cpp-server";
    CHECK((s.serial_fraction > 0) == ggml);
    CHECK(s.sources.count("serial_fraction") == (ggml ? 1u : 0u));
  }
  CHECK(c.find_stack("llama.cpp")->serial_fraction < 0.2);
  auto load = [](const std::string& engine) { return load_builtin_pool("graviton4-r8g.16xlarge", engine); };
  const LoadResult stack = load("{stack: llama.cpp}");
  REQUIRE(stack.ok());
  CHECK(stack.scenario->pools[0].engine.serial_fraction == c.find_stack("llama.cpp")->serial_fraction);
  CHECK(load("{stack: vllm-cpu}").scenario->pools[0].engine.serial_fraction == 0);
  ServingStack measured = *c.find_stack("llama.cpp");
  measured.serial_fraction = 0.01;
  CHECK(engine_defaults(measured).serial_fraction == 0.01);
  const LoadResult pool = load("{stack: llama.cpp, serial_fraction: 0.05}");
  REQUIRE(pool.ok());
  CHECK(pool.scenario->pools[0].engine.serial_fraction == 0.05);
  CHECK(load("{}").scenario->pools[0].engine.serial_fraction == 0);
  for (const char* bad : {"{serial_fraction: 1}", "{serial_fraction: -0.1}"}) {
    const LoadResult r = load(bad);
    CHECK_FALSE(r.ok());
    CHECK_THAT(messages(r.diagnostics), Contains("fleet.pools[0].engine.serial_fraction"));
  }
}

TEST_CASE("A CPU stack's kernel speed by weight format, by hand", "[stacks][roofline]") {
  const HardwareSpec cpu = testing::graviton_socket();
  ModelSpec repacked = testing::llama_8b();
  repacked.weight_format = "q4_0_8_8";
  ModelSpec plain = repacked;
  plain.weight_format = "q4_0";
  EngineSettings engine;
  engine.format_efficiency["q4_0_8_8"] = 2.5;
  const IterationShape s = testing::one_prompt(1000);
  const IterationCost fast = RooflineModel(repacked, cpu, engine).cost(s);
  const IterationCost slow = RooflineModel(plain, cpu, engine).cost(s);
  // The listed format's matrices compute 2.5 times as fast; attention and
  // the weight reads are the same; an unlisted format keeps the class's rate.
  CHECK(slow.linear_compute_s / fast.linear_compute_s == Approx(2.5));
  CHECK(fast.attention_compute_s == slow.attention_compute_s);
  CHECK(fast.linear_memory_s == slow.linear_memory_s);
  CHECK(slow.linear_compute_s == RooflineModel(plain, cpu, EngineSettings{}).cost(s).linear_compute_s);
  // A GPU's kernels are inside its fitted efficiencies: no factor.
  CHECK(RooflineModel(repacked, testing::h100_node(), engine).cost(s).time_s() ==
        RooflineModel(repacked, testing::h100_node(), EngineSettings{}).cost(s).time_s());
}

TEST_CASE("A CPU stack's per-core streaming by weight format, by hand", "[stacks][roofline]") {
  HardwareSpec cpu = testing::graviton_socket();  // 537.6 GB/s at memory efficiency 0.4
  cpu.core_bandwidth_bps = 8e9;
  cpu.bandwidth_knee = 2;
  EngineSettings four;
  four.threads = 4;
  four.format_core_bandwidth["q4_0_8_8"] = 1.5;
  const double socket = 537.6e9 * 0.4;
  // p = 2: the cores' reach and the socket in quadrature; the listed
  // format's cores reach 4 x 8 x 1.5 = 48 GB/s, the others 32 GB/s.
  const auto quadrature = [&](double reach) { return 1.0 / std::sqrt(1.0 / (reach * reach) + 1.0 / (socket * socket)); };
  CHECK(device_share(cpu, four, "q4_0_8_8").achieved_bandwidth_bps == Approx(quadrature(48e9)));
  CHECK(device_share(cpu, four, "q4_0").achieved_bandwidth_bps == Approx(quadrature(32e9)));
  CHECK(device_share(cpu, four).achieved_bandwidth_bps == Approx(quadrature(32e9)));
  // The roofline streams a repacked model's weights at its format's rate.
  ModelSpec repacked = testing::llama_8b();
  repacked.weight_format = "q4_0_8_8";
  IterationShape s;
  s.decode_seqs = 1;
  const IterationCost c = RooflineModel(repacked, cpu, four).cost(s);
  CHECK(c.memory_s == Approx(c.bytes / quadrature(48e9)));
  // Without a per-core rate the share is the cores' part of the socket,
  // whatever the format's factor.
  cpu.core_bandwidth_bps = 0;
  CHECK(device_share(cpu, four, "q4_0_8_8").achieved_bandwidth_bps == Approx(socket * 4 / 96));
  // A GPU streams at its class's rate: no factor.
  CHECK(device_share(testing::h100_node(), four, "q4_0_8_8").achieved_bandwidth_bps ==
        device_share(testing::h100_node(), EngineSettings{}).achieved_bandwidth_bps);
}

TEST_CASE("format_efficiency: the llama.cpp stacks list the repacked Q4_0 layout, bad entries located",
          "[stacks][loader]") {
  const Catalog& c = Catalog::builtin();
  for (const char* name : {"llama.cpp", "llama.cpp-2024", "llama.cpp-server"}) {
    REQUIRE(c.find_stack(name));
    REQUIRE(c.find_stack(name)->format_efficiency.count("q4_0_8_8") == 1);
    CHECK(c.find_stack(name)->format_efficiency.at("q4_0_8_8") > 0);
    CHECK(c.find_stack(name)->sources.count("format_efficiency") == 1);
  }
  CHECK(c.find_stack("tensorrt-llm")->format_efficiency.empty());
  // The llama.cpp stacks stream Q4_K at a per-core rate of its own, fitted
  // in round 39 with its source; the repacked layout has none (round 37's
  // fit of one was not kept), and no other stack lists any
  // (docs/validation.md).
  for (const ServingStack& s : c.stacks()) {
    if (s.name == "llama.cpp" || s.name == "llama.cpp-2024" || s.name == "llama.cpp-server") {
      CHECK(s.format_core_bandwidth.size() == 1);
      CHECK(s.format_core_bandwidth.count("q4_k_m") == 1);
      CHECK(s.format_core_bandwidth.count("q4_0_8_8") == 0);
      CHECK(s.sources.count("format_core_bandwidth") == 1);
    } else {
      CHECK(s.format_core_bandwidth.empty());
    }
  }
  const LoadResult stack = load_builtin_pool("graviton3-c7g.16xlarge", "{stack: llama.cpp}");
  REQUIRE(stack.ok());
  CHECK(stack.scenario->pools[0].engine.format_efficiency == c.find_stack("llama.cpp")->format_efficiency);
  // A catalog file's stack: an unknown format and a value out of range, located.
  for (const char* key : {"format_efficiency", "format_core_bandwidth"})
    for (const char* entry : {": {q4_0_9_9: 2}}", ": {q4_0_8_8: 0}}", ": 2}"}) {
      const std::string text = std::string("stacks:\n  mine: {catalog: llama.cpp, ") + key + entry + "\n";
      std::vector<Diagnostic> diagnostics;
      CHECK_FALSE(overlay_catalog(Catalog::builtin(), text, "c.yaml", diagnostics));
      CHECK_THAT(messages(diagnostics), Contains(std::string("stacks.mine.") + key));
    }
  // A catalog file's stack gives one, and a pool naming that stack runs with it.
  std::vector<Diagnostic> diagnostics;
  const auto mine = overlay_catalog(Catalog::builtin(),
                                    "stacks:\n  mine: {catalog: llama.cpp, format_core_bandwidth: {q4_0_8_8: 1.7}}\n",
                                    "c.yaml", diagnostics);
  REQUIRE(mine);
  CHECK(mine->find_stack("mine")->format_core_bandwidth.at("q4_0_8_8") == 1.7);
  CHECK(mine->find_stack("mine")->format_efficiency == c.find_stack("llama.cpp")->format_efficiency);
  CHECK(engine_defaults(*mine->find_stack("mine")).format_core_bandwidth.at("q4_0_8_8") == 1.7);
}

TEST_CASE("kernels_per_layer: a stack's count, a pool's override, bad values located", "[stacks][loader]") {
  const Catalog& c = Catalog::builtin();
  REQUIRE(c.find_stack("pytorch-cuda-graph"));
  CHECK(c.find_stack("pytorch-cuda-graph")->kernels_per_layer == 22);
  CHECK(c.find_stack("tensorrt-llm")->kernels_per_layer == 0);  // inside the fitted efficiencies
  CHECK(c.find_hardware("h200-p5en.48xlarge")->kernel_floor_s == Approx(1.8e-6));
  auto load = [](const std::string& engine) { return load_builtin_pool("h200-p5en.48xlarge", engine); };
  const LoadResult stack = load("{stack: pytorch-cuda-graph}");
  REQUIRE(stack.ok());
  CHECK(stack.scenario->pools[0].engine.kernels_per_layer == 22);
  const LoadResult pool = load("{stack: pytorch-cuda-graph, kernels_per_layer: 10}");
  REQUIRE(pool.ok());
  CHECK(pool.scenario->pools[0].engine.kernels_per_layer == 10);
  const LoadResult plain = load("{tensor_parallel: 1}");
  REQUIRE(plain.ok());
  CHECK(plain.scenario->pools[0].engine.kernels_per_layer == 0);
  const LoadResult bad = load("{kernels_per_layer: -3}");
  CHECK_FALSE(bad.ok());
  CHECK_THAT(messages(bad.diagnostics), Contains("fleet.pools[0].engine.kernels_per_layer"));
}

TEST_CASE("expert_token_passes: TensorRT-LLM's two passes, a pool's override, bad values located",
          "[stacks][loader]") {
  const Catalog& c = Catalog::builtin();
  // TensorRT-LLM copies each token to its experts and sums them back; vLLM's
  // and SGLang's grouped products read the token in place and only sum.
  for (const char* name : {"tensorrt-llm", "tensorrt-llm-engine"}) CHECK(c.find_stack(name)->expert_token_passes == 2.0);
  for (const char* name : {"vllm-0.5", "vllm-0.6", "vllm-v1", "sglang", "sglang-0.3"})
    CHECK(c.find_stack(name)->expert_token_passes == 1.0);
  CHECK_FALSE(c.find_stack("llama.cpp")->expert_token_passes);  // names none: the engine's default, the sum alone
  auto load = [](const std::string& engine) { return load_builtin_pool("h200-p5en.48xlarge", engine); };
  const LoadResult stack = load("{stack: tensorrt-llm}");
  REQUIRE(stack.ok());
  CHECK(stack.scenario->pools[0].engine.expert_token_passes == 2.0);
  const LoadResult pool = load("{stack: tensorrt-llm, expert_token_passes: 1}");
  REQUIRE(pool.ok());
  CHECK(pool.scenario->pools[0].engine.expert_token_passes == 1.0);
  const LoadResult plain = load("{tensor_parallel: 1}");
  REQUIRE(plain.ok());
  CHECK(plain.scenario->pools[0].engine.expert_token_passes == 1.0);
  const LoadResult bad = load("{expert_token_passes: -1}");
  CHECK_FALSE(bad.ok());
  CHECK_THAT(messages(bad.diagnostics), Contains("fleet.pools[0].engine.expert_token_passes"));
}

TEST_CASE("attention_score_bytes: fused by default, a pool's or a catalog stack's count, bad values located",
          "[stacks][loader]") {
  const Catalog& c = Catalog::builtin();
  // No built-in stack runs an unfused attention: every one keeps the default.
  for (const ServingStack& s : c.stacks()) {
    INFO(s.name);
    CHECK_FALSE(s.attention_score_bytes);
  }
  auto load = [](const std::string& engine) { return load_builtin_pool("h200-p5en.48xlarge", engine); };
  const LoadResult plain = load("{tensor_parallel: 1}");
  REQUIRE(plain.ok());
  CHECK(plain.scenario->pools[0].engine.attention_score_bytes == 0.0);
  const LoadResult pool = load("{tensor_parallel: 1, attention_score_bytes: 8}");
  REQUIRE(pool.ok());
  CHECK(pool.scenario->pools[0].engine.attention_score_bytes == 8.0);
  for (const char* value : {"-1", "65", "x"}) {
    INFO(value);
    const LoadResult bad = load(std::string("{attention_score_bytes: ") + value + "}");
    CHECK_FALSE(bad.ok());
    CHECK_THAT(messages(bad.diagnostics), Contains("fleet.pools[0].engine.attention_score_bytes"));
  }
  // A catalog file's stack (an eager PyTorch engine, say) gives one, and
  // hands it to the engine settings of a pool that names it.
  std::vector<Diagnostic> diagnostics;
  const auto mine = overlay_catalog(Catalog::builtin(), "stacks:\n  mine: {catalog: vllm-0.6, attention_score_bytes: 24}\n",
                                    "c.yaml", diagnostics);
  REQUIRE(mine);
  REQUIRE(mine->find_stack("mine")->attention_score_bytes);
  CHECK(*mine->find_stack("mine")->attention_score_bytes == 24.0);
  CHECK(engine_defaults(*mine->find_stack("mine")).attention_score_bytes == 24.0);
  std::vector<Diagnostic> found;
  CHECK_FALSE(overlay_catalog(Catalog::builtin(), "stacks:\n  mine: {catalog: vllm-0.6, attention_score_bytes: -8}\n",
                              "c.yaml", found));
  CHECK_THAT(messages(found), Contains("stacks.mine.attention_score_bytes"));
}

TEST_CASE("overlapped_host: TensorRT-LLM's sourced host loop, a pool's own, bad values located", "[stacks][loader]") {
  const Catalog& c = Catalog::builtin();
  // Only the overlap executor of TensorRT-LLM's PyTorch backend states one
  // (src/catalog/stacks.yaml sources it); every other stack keeps none.
  for (const ServingStack& s : c.stacks()) {
    INFO(s.name);
    const bool overlap = s.name == "tensorrt-llm";
    CHECK((s.overlapped_host.per_sequence_s > 0.0) == overlap);
    CHECK(s.sources.count("overlapped_host.per_sequence") == (overlap ? 1u : 0u));
  }
  CHECK(c.find_stack("tensorrt-llm")->overlapped_host.per_sequence_s == Approx(29.4e-6));
  auto load = [](const std::string& engine) { return load_builtin_pool("h200-p5en.48xlarge", engine); };
  const LoadResult stack = load("{stack: tensorrt-llm}");
  REQUIRE(stack.ok());
  CHECK(stack.scenario->pools[0].engine.overlapped_host.per_sequence_s == Approx(29.4e-6));
  // trtllm-bench's harness (no API server) keeps the whole loop: the loop
  // is the executor's own, not the server's.
  const LoadResult bench = load("{stack: tensorrt-llm, frontend: none}");
  REQUIRE(bench.ok());
  CHECK(bench.scenario->pools[0].engine.overlapped_host.per_sequence_s == Approx(29.4e-6));
  // A pool on a faster host says so, term by term.
  const LoadResult pool = load("{stack: tensorrt-llm, overlapped_host: {per_sequence: 18us, fixed: 0.2ms}}");
  REQUIRE(pool.ok());
  CHECK(pool.scenario->pools[0].engine.overlapped_host.per_sequence_s == Approx(18e-6));
  CHECK(pool.scenario->pools[0].engine.overlapped_host.fixed_s == Approx(0.2e-3));
  const LoadResult none = load("{stack: vllm-0.6}");
  REQUIRE(none.ok());
  CHECK(none.scenario->pools[0].engine.overlapped_host.per_sequence_s == 0.0);
  for (const char* value : {"{per_sequence: 2s}", "{per_sequenc: 20us}", "{per_sequence: -1us}", "20us"}) {
    INFO(value);
    const LoadResult bad = load(std::string("{stack: tensorrt-llm, overlapped_host: ") + value + "}");
    CHECK_FALSE(bad.ok());
    CHECK_THAT(messages(bad.diagnostics), Contains("fleet.pools[0].engine.overlapped_host"));
  }
  // A catalog file's stack states its own loop.
  std::vector<Diagnostic> diagnostics;
  const auto mine = overlay_catalog(
      Catalog::builtin(), "stacks:\n  mine: {catalog: sglang, overlapped_host: {per_sequence: 12us}}\n", "c.yaml",
      diagnostics);
  REQUIRE(mine);
  CHECK(engine_defaults(*mine->find_stack("mine")).overlapped_host.per_sequence_s == Approx(12e-6));
  std::vector<Diagnostic> found;
  CHECK_FALSE(overlay_catalog(Catalog::builtin(),
                              "stacks:\n  mine: {catalog: sglang, overlapped_host: {per_sequence: 5s}}\n", "c.yaml",
                              found));
  CHECK_THAT(messages(found), Contains("stacks.mine.overlapped_host.per_sequence"));
}

TEST_CASE("fleetsim catalog lists the stacks", "[stacks][cli]") {
  const auto table = testing::run_fleetsim("catalog");
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Contains("Serving stacks"));
  CHECK_THAT(table.out, Contains("llama.cpp-server"));
  const auto json = testing::run_fleetsim("catalog --format json");
  REQUIRE(json.exit_code == 0);
  CHECK_THAT(json.out, Contains("\"stacks\": ["));
  CHECK_THAT(json.out, Contains("\"overhead_per_sequence_s\""));
  CHECK_THAT(json.out, Contains("\"overlapped_host_per_sequence_s\""));
  CHECK_THAT(json.out, Contains("\"mixed_batches\": true"));
  CHECK_THAT(table.out, Contains("mixed"));
  CHECK_THAT(json.out, Contains("\"kv_admission\": \"reserve_output\""));
}

TEST_CASE("dequant_kernel_rows: the vLLM stacks' Marlin rows, a pool's override, bad values located",
          "[stacks][loader]") {
  // vLLM runs FP8 checkpoints on Ampere through Marlin, 64 rows per weight
  // pass (src/catalog/stacks.yaml sources it); the other stacks give none.
  const Catalog& c = Catalog::builtin();
  for (const ServingStack& s : c.stacks()) {
    const bool marlin = s.name == "vllm-0.5" || s.name == "vllm-0.6" || s.name == "vllm-v1";
    CHECK(s.dequant_kernel_rows == (marlin ? 64 : 0));
    CHECK(s.sources.count("dequant_kernel_rows") == (marlin ? 1u : 0u));
  }
  auto load = [](const std::string& engine) { return load_builtin_pool("a100-p4d.24xlarge", engine); };
  const LoadResult stack = load("{stack: vllm-0.5}");
  REQUIRE(stack.ok());
  CHECK(stack.scenario->pools[0].engine.dequant_kernel_rows == 64);
  const LoadResult pool = load("{stack: vllm-0.5, dequant_kernel_rows: 16}");
  REQUIRE(pool.ok());
  CHECK(pool.scenario->pools[0].engine.dequant_kernel_rows == 16);
  CHECK(load("{}").scenario->pools[0].engine.dequant_kernel_rows == 0);
  for (const char* bad : {"{dequant_kernel_rows: -1}", "{dequant_kernel_rows: 1.5}"}) {
    const LoadResult r = load(bad);
    CHECK_FALSE(r.ok());
    CHECK_THAT(messages(r.diagnostics), Contains("fleet.pools[0].engine.dequant_kernel_rows"));
  }
  std::vector<Diagnostic> diagnostics;
  CHECK_FALSE(overlay_catalog(Catalog::builtin(), "stacks:\n  mine: {catalog: vllm-0.5, dequant_kernel_rows: x}\n",
                              "c.yaml", diagnostics));
  CHECK_THAT(messages(diagnostics), Contains("stacks.mine.dequant_kernel_rows"));
}

TEST_CASE("mixed_batches: TensorRT-LLM's in-flight batching, a pool's override, multi-step refused, bad values located",
          "[stacks][loader]") {
  // The two TensorRT-LLM stacks put whole prompts into the decode iteration
  // (in-flight batching, sourced in src/catalog/stacks.yaml); no other does.
  const Catalog& c = Catalog::builtin();
  for (const ServingStack& s : c.stacks()) {
    CAPTURE(s.name);
    const bool inflight = s.name == "tensorrt-llm" || s.name == "tensorrt-llm-engine";
    CHECK(s.mixed_batches.value_or(false) == inflight);
    CHECK(s.sources.count("engine.mixed_batches") == (inflight ? 1u : 0u));
  }
  auto load = [](const std::string& engine) { return load_builtin_pool("h100-p5.48xlarge", engine); };
  CHECK(load("{stack: tensorrt-llm}").scenario->pools[0].engine.mixed_batches);
  CHECK_FALSE(load("{stack: tensorrt-llm, mixed_batches: false}").scenario->pools[0].engine.mixed_batches);
  CHECK_FALSE(load("{stack: sglang-0.3}").scenario->pools[0].engine.mixed_batches);
  CHECK(load("{chunked_prefill: false, mixed_batches: true}").scenario->pools[0].engine.mixed_batches);
  // A multi-step window holds decodes only, as with chunked prefill.
  const LoadResult windowed = load("{stack: vllm-0.6, mixed_batches: true}");
  CHECK_FALSE(windowed.ok());
  CHECK_THAT(messages(windowed.diagnostics),
             Contains("fleet.pools[0].engine.mixed_batches: scheduler_steps 10 needs mixed_batches: false"));
  const LoadResult bad = load("{mixed_batches: sometimes}");
  CHECK_FALSE(bad.ok());
  CHECK_THAT(messages(bad.diagnostics), Contains("fleet.pools[0].engine.mixed_batches"));
  std::vector<Diagnostic> found;
  CHECK_FALSE(overlay_catalog(Catalog::builtin(),
                              "stacks:\n  mine: {catalog: vllm-0.6, engine: {mixed_batches: true}}\n", "c.yaml", found));
  CHECK_THAT(messages(found), Contains("stacks.mine.engine.mixed_batches"));
}

TEST_CASE("scheduler_steps: vllm-0.6's window of 10, a pool's override, chunked prefill refused, bad values located",
          "[stacks][loader][multi_step]") {
  const Catalog& c = Catalog::builtin();
  for (const ServingStack& s : c.stacks()) {
    CAPTURE(s.name);
    CHECK(s.scheduler_steps.value_or(1) == (s.name == "vllm-0.6" ? 10 : 1));
  }
  auto load = [](const std::string& engine) { return load_builtin_pool("h100-p5.48xlarge", engine); };
  const LoadResult stack = load("{stack: vllm-0.6}");
  REQUIRE(stack.ok());
  CHECK(stack.scenario->pools[0].engine.scheduler_steps == 10);
  const LoadResult pool = load("{stack: vllm-0.6, scheduler_steps: 8}");
  REQUIRE(pool.ok());
  CHECK(pool.scenario->pools[0].engine.scheduler_steps == 8);
  CHECK(load("{}").scenario->pools[0].engine.scheduler_steps == 1);
  CHECK(load("{chunked_prefill: false, scheduler_steps: 4}").ok());

  // A window holds decodes only: chunked prefill needs the scheduler in every iteration.
  const LoadResult chunked = load("{stack: vllm-0.6, chunked_prefill: true}");
  CHECK_FALSE(chunked.ok());
  CHECK_THAT(messages(chunked.diagnostics),
             Contains("fleet.pools[0].engine.chunked_prefill: scheduler_steps 10 needs chunked_prefill: false"));
  const LoadResult defaulted = load("{scheduler_steps: 4}");  // fleetsim's default chunks prompts
  CHECK_FALSE(defaulted.ok());
  CHECK_THAT(messages(defaulted.diagnostics), Contains("fleet.pools[0].engine.scheduler_steps: scheduler_steps 4"));
  for (const char* bad : {"{chunked_prefill: false, scheduler_steps: 0}", "{chunked_prefill: false, scheduler_steps: 2.5}",
                          "{chunked_prefill: false, scheduler_steps: 5000}"}) {
    CAPTURE(bad);
    const LoadResult r = load(bad);
    CHECK_FALSE(r.ok());
    CHECK_THAT(messages(r.diagnostics), Contains("fleet.pools[0].engine.scheduler_steps"));
  }
  std::vector<Diagnostic> diagnostics;
  CHECK_FALSE(overlay_catalog(Catalog::builtin(), "stacks:\n  mine: {catalog: vllm-0.6, engine: {scheduler_steps: 0}}\n",
                              "c.yaml", diagnostics));
  CHECK_THAT(messages(diagnostics), Contains("stacks.mine.engine.scheduler_steps"));

  // A stack with the refused pair is refused where it is defined, used or not,
  // at the key the entry set.
  for (const auto& [entry, key] :
       {std::pair{"{catalog: vllm-0.6, engine: {chunked_prefill: true}}", "stacks.mine.engine.chunked_prefill"},
        std::pair{"{overhead: {fixed: 0s, per_sequence: 0s, per_output_token: 0s}, cuda_graphs: false, "
                  "engine: {scheduler_steps: 4}}",  // unset: the engine's default chunks
                  "stacks.mine.engine.scheduler_steps"},
        std::pair{"{catalog: vllm-v1, engine: {scheduler_steps: 4}}", "stacks.mine.engine.scheduler_steps"}}) {
    CAPTURE(entry);
    std::vector<Diagnostic> found;
    CHECK_FALSE(overlay_catalog(Catalog::builtin(), std::string("stacks:\n  mine: ") + entry + "\n", "c.yaml", found));
    CHECK_THAT(messages(found), Contains(std::string(key) + ": scheduler_steps"));
  }
  for (const char* entry : {"{catalog: vllm-v1, engine: {chunked_prefill: false, scheduler_steps: 4}}",
                            "{catalog: vllm-0.5, engine: {scheduler_steps: 4}}"}) {  // 0.5 prefills whole prompts
    CAPTURE(entry);
    std::vector<Diagnostic> fine;
    CHECK(overlay_catalog(Catalog::builtin(), std::string("stacks:\n  mine: ") + entry + "\n", "c.yaml", fine));
  }
}
