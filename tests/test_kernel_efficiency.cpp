// A stack's kernels (docs/performance-model.md 2.12): the share of the
// hardware's calibrated efficiencies a stack's kernels reach, by hand on the
// roofline, read from a stack or a pool's engine map, and its mistakes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/core/serving_stack.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::messages;

namespace {

IterationShape lone_decode() {
  IterationShape s;
  s.decode_seqs = 1;
  s.decode_context = 1000;
  return s;
}

EngineSettings kernels(double memory, double compute) {
  EngineSettings e;
  e.kernel_efficiency = {memory, compute};
  return e;
}

// A catalog file that defines stack `mine` from tensorrt-llm with `keys`,
// and one pool naming it with `engine` laid over it.
LoadResult load_with_stack(const std::string& keys, const std::string& engine) {
  std::vector<Diagnostic> diagnostics;
  const auto catalog =
      overlay_catalog(Catalog::builtin(), "stacks:\n  mine: {catalog: tensorrt-llm" + keys + "}\n", "c.yaml", diagnostics);
  REQUIRE(catalog);
  return load_scenario_text(
      "name: s\nfleet:\n  pools:\n    - {name: p, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], "
      "engine: {stack: mine" + engine +
          "}}\nworkloads:\n  - name: chat\n    arrivals: {rate: 1/s}\n    steps:\n      - llm: "
          "{model: llama-3.1-8b, output_tokens: 10}\nsimulation: {sessions: 10}\n",
      "s.yaml", *catalog);
}

}  // namespace

TEST_CASE("A stack's kernel efficiency scales the class's rates, by hand, and stops at the peak", "[roofline]") {
  const ModelSpec model = testing::llama_8b();
  const HardwareSpec h100 = testing::h100_node();  // 3.35 TB/s at 0.8, 989 TFLOPS at 0.6, 1 ms overhead
  const IterationShape s = lone_decode();
  const IterationCost base = RooflineModel(model, h100, EngineSettings{}).cost(s);
  // B = weights 16.06e9 + KV read and written 1001 * 131072 (test_roofline's hand computation).
  const double bytes = 16.06e9 + 131072.0 * 1001;
  const double flops = 2 * 8.03e9 + 4.0 * 32 * 4096 * 1001;
  CHECK(base.memory_s == Approx(bytes / (3.35e12 * 0.8)));

  // Half the streaming rate: the bytes take twice as long; the math and the
  // stack's overhead do not move.
  const IterationCost slow_memory = RooflineModel(model, h100, kernels(0.5, 1.0)).cost(s);
  CHECK(slow_memory.memory_s == Approx(bytes / (3.35e12 * 0.8 * 0.5)));
  CHECK(slow_memory.compute_s == Approx(base.compute_s));
  CHECK(slow_memory.time_s() == Approx(bytes / (3.35e12 * 0.4) + 1e-3));

  // Half the math rate: matrices and attention take twice as long.
  const IterationCost slow_math = RooflineModel(model, h100, kernels(1.0, 0.5)).cost(s);
  CHECK(slow_math.compute_s == Approx(flops / (989e12 * 0.6 * 0.5)));
  CHECK(slow_math.memory_s == Approx(base.memory_s));

  // 0.8 x 1.5 would pass the peak: the device streams at most its peak.
  CHECK(RooflineModel(model, h100, kernels(1.5, 1.0)).cost(s).memory_s == Approx(bytes / 3.35e12));
  CHECK(RooflineModel(model, h100, kernels(1.2, 1.0)).cost(s).memory_s == Approx(bytes / (3.35e12 * 0.96)));
  CHECK(RooflineModel(model, h100, kernels(1.0, 2.0)).cost(s).compute_s == Approx(flops / 989e12));

  // Unset, it is the hardware's own figures, exactly.
  CHECK(EngineSettings{}.kernel_efficiency == KernelEfficiency{1.0, 1.0});
  CHECK(RooflineModel(model, h100, kernels(1.0, 1.0)).cost(s).time_s() == base.time_s());
}

TEST_CASE("A stack's KV share slows attention's cache traffic alone, by hand, and a decode run's growth with it",
          "[roofline]") {
  const ModelSpec model = testing::llama_8b();
  const HardwareSpec h100 = testing::h100_node();  // 3.35 TB/s at 0.8
  const IterationShape s = lone_decode();
  const IterationCost base = RooflineModel(model, h100, EngineSettings{}).cost(s);
  const double kv_bytes = 131072.0 * 1001;  // 1,000 cells read, one written
  CHECK(base.attention_memory_s == Approx(kv_bytes / (3.35e12 * 0.8)));

  EngineSettings half;
  half.kernel_efficiency.kv = 0.5;
  const IterationCost c = RooflineModel(model, h100, half).cost(s);
  CHECK(c.attention_memory_s == Approx(kv_bytes / (3.35e12 * 0.8 * 0.5)));
  CHECK(c.linear_memory_s == base.linear_memory_s);  // the weights keep their rate
  CHECK(c.compute_s == base.compute_s);
  CHECK(c.bytes == base.bytes);

  // On top of the memory share, and never past the peak.
  half.kernel_efficiency.memory = 0.9;
  CHECK(RooflineModel(model, h100, half).cost(s).attention_memory_s == Approx(kv_bytes / (3.35e12 * 0.8 * 0.9 * 0.5)));
  EngineSettings fast;
  fast.kernel_efficiency.kv = 2.0;
  CHECK(RooflineModel(model, h100, fast).cost(s).attention_memory_s == Approx(kv_bytes / 3.35e12));

  // A decode run's closed form: each step's KV read grows by a batch's new
  // cells at the KV rate.
  RooflineModel::DecodeRun run;
  run.seqs = 8;
  run.context = 8000;
  const RooflineModel slow_kv(model, h100, [] {
    EngineSettings e;
    e.kernel_efficiency.kv = 0.5;
    return e;
  }());
  const auto terms = slow_kv.decode_terms(run);
  CHECK(terms.b_m == Approx(131072.0 * 8 / (3.35e12 * 0.8 * 0.5)));
  CHECK(RooflineModel(model, h100, EngineSettings{}).decode_terms(run).b_m == Approx(terms.b_m / 2));
}

TEST_CASE("A CPU stack's kernel efficiency scales what the cores stream and multiplies the format's factor",
          "[roofline]") {
  const HardwareSpec cpu = testing::graviton_socket();
  ModelSpec repacked = testing::llama_8b();
  repacked.weight_format = "q4_0_8_8";
  EngineSettings engine;
  engine.format_efficiency["q4_0_8_8"] = 2.5;
  const IterationShape prompt = testing::one_prompt(1000);
  const IterationCost base = RooflineModel(repacked, cpu, engine).cost(prompt);
  EngineSettings slower = engine;
  slower.kernel_efficiency = {0.5, 0.8};
  const IterationCost c = RooflineModel(repacked, cpu, slower).cost(prompt);
  CHECK(c.linear_compute_s == Approx(base.linear_compute_s / 0.8));
  CHECK(c.attention_compute_s == Approx(base.attention_compute_s / 0.8));
  CHECK(c.linear_memory_s == Approx(base.linear_memory_s / 0.5));
}

TEST_CASE("kernel_efficiency: a stack's shares, a pool's key by key over them, bad values located",
          "[stacks][loader]") {
  // vLLM 0.5 gives a share, fitted (its bandwidth share, docs/validation.md
  // round 35), and vLLM 0.6, which runs the same kernels, carries the same
  // figure (round 42; validation/fit.yaml writes both); the others keep the
  // class's figures.
  const Catalog& catalog = Catalog::builtin();
  const ServingStack* fitted = catalog.find_stack("vllm-0.5");
  REQUIRE(fitted);
  for (const ServingStack& s : catalog.stacks()) {
    INFO(s.name);
    if (s.name == "vllm-0.5" || s.name == "vllm-0.6") {
      CHECK(s.kernel_efficiency.memory > 0.5);
      CHECK(s.kernel_efficiency.memory < 1.0);
      CHECK(s.kernel_efficiency.compute == 1.0);
      CHECK(s.kernel_efficiency == fitted->kernel_efficiency);
    } else {
      CHECK(s.kernel_efficiency == KernelEfficiency{});
    }
  }

  const LoadResult stack = load_with_stack(", kernel_efficiency: {memory: 0.7}", "");
  INFO(messages(stack));
  REQUIRE(stack.ok());
  CHECK(stack.scenario->pools[0].engine.kernel_efficiency == KernelEfficiency{0.7, 1.0});
  const LoadResult kv = load_with_stack(", kernel_efficiency: {memory: 0.7, kv: 0.6}", ", kernel_efficiency: {kv: 0.8}");
  REQUIRE(kv.scenario);
  CHECK(kv.scenario->pools[0].engine.kernel_efficiency == KernelEfficiency{0.7, 1.0, 0.8});
  const LoadResult pool = load_with_stack(", kernel_efficiency: {memory: 0.7}", ", kernel_efficiency: {compute: 0.9}");
  REQUIRE(pool.ok());
  CHECK(pool.scenario->pools[0].engine.kernel_efficiency == KernelEfficiency{0.7, 0.9});
  ServingStack s;
  s.kernel_efficiency = {0.6, 1.1};
  CHECK(engine_defaults(s).kernel_efficiency == KernelEfficiency{0.6, 1.1});

  // A stack entry's mistakes, at the key.
  for (const char* bad : {"{memory: 0}", "{memory: 2.5}", "{bandwidth: 0.8}", "0.8"}) {
    std::vector<Diagnostic> diagnostics;
    const std::string text = std::string("stacks:\n  mine: {catalog: tensorrt-llm, kernel_efficiency: ") + bad + "}\n";
    CHECK_FALSE(overlay_catalog(Catalog::builtin(), text, "c.yaml", diagnostics));
    CHECK_THAT(messages(diagnostics), Contains("stacks.mine.kernel_efficiency"));
  }
  // A pool's, with the file, line and column of the value.
  testing::check_error(testing::keys_scenario("", "h100-p5.48xlarge", "{kernel_efficiency: {compute: -1}}"),
                       "test.yaml:7:", "");
  const LoadResult r = testing::load_test_yaml(
      testing::keys_scenario("", "h100-p5.48xlarge", "{kernel_efficiency: {compute: -1}}"));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(messages(r), Contains("fleet.pools[0].engine.kernel_efficiency.compute"));
}
