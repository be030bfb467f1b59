// Products a stack runs through a CPU's int8 dot-product instructions
// (EngineSettings::dot_product_formats) reach the hardware's int8_dot_share
// of its int8 peak when they have two or more rows; one-row products and
// unlisted formats keep the class's rate (docs/performance-model.md §2.10).
// Each term is checked against a hand computation.
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
using fleetsim::testing::keys_scenario;
using fleetsim::testing::messages;

namespace {

ModelSpec llama_8b_q8_0() {
  ModelSpec m = fleetsim::testing::llama_8b();
  m.weight_format = "q8_0";
  m.weight_dtype = DataType::int8;
  m.bits_per_weight = 8.5;
  return m;
}

HardwareSpec neoverse_socket() {
  HardwareSpec cpu = fleetsim::testing::graviton_socket();  // int8 33.2 TOPS per socket, compute efficiency 0.5
  cpu.int8_dot_share = 0.5;
  return cpu;
}

EngineSettings dot_products_for(std::vector<std::string> formats) {
  EngineSettings e;
  e.dot_product_formats = std::move(formats);
  return e;
}

IterationShape decode(double seqs) {
  IterationShape s;
  s.decode_seqs = seqs;
  s.decode_context = 100 * seqs;
  s.cache_cells = 100 * seqs;
  return s;
}

}  // namespace

TEST_CASE("A format run on dot products: many-row products at the dot share, by hand", "[roofline][dot_product]") {
  const HardwareSpec cpu = neoverse_socket();
  const ModelSpec model = llama_8b_q8_0();
  const EngineSettings dot = dot_products_for({"q8_0"});
  const IterationShape prompt = fleetsim::testing::one_prompt(512);
  const IterationCost slow = RooflineModel(model, cpu, dot).cost(prompt);
  const IterationCost fast = RooflineModel(model, cpu, EngineSettings{}).cost(prompt);
  // By hand: the layers' 512 rows at 2 x P_body FLOPs each, on one socket
  // (the replica's share of a two-socket node) at 0.5 of 33.2 TOPS x 0.5
  // (the compute efficiency) x 0.5 (the dot share); the head's one row at
  // the full rate.
  const double body = 2.0 * model.body_params_active() * 512;
  const double head = 2.0 * model.head_params();
  const double rate = 33.2e12 * 0.5;
  CHECK(slow.linear_compute_s == Approx(body / (rate * 0.5) + head / rate));
  CHECK(fast.linear_compute_s == Approx(body / rate + head / rate));
  // Attention and the weight reads do not change.
  CHECK(slow.attention_compute_s == fast.attention_compute_s);
  CHECK(slow.linear_memory_s == fast.linear_memory_s);

  // A decode step of 8 sequences is an 8-row product: the dot share; of one
  // sequence, one row: the class's rate, whatever the stack.
  CHECK(RooflineModel(model, cpu, dot).cost(decode(8)).linear_compute_s ==
        Approx(2.0 * RooflineModel(model, cpu, EngineSettings{}).cost(decode(8)).linear_compute_s));
  CHECK(RooflineModel(model, cpu, dot).cost(decode(1)).time_s() ==
        RooflineModel(model, cpu, EngineSettings{}).cost(decode(1)).time_s());
}

TEST_CASE("A format run on dot products: unlisted formats, other chips and GPUs keep their rate",
          "[roofline][dot_product]") {
  const IterationShape prompt = fleetsim::testing::one_prompt(512);
  const ModelSpec model = llama_8b_q8_0();
  const EngineSettings dot = dot_products_for({"q4_k_m"});
  // A format the stack does not list keeps the matrix instructions' rate.
  CHECK(RooflineModel(model, neoverse_socket(), dot).cost(prompt).time_s() ==
        RooflineModel(model, neoverse_socket(), EngineSettings{}).cost(prompt).time_s());
  // A chip whose int8 peak is its dot products' own (share 1) is unchanged.
  const EngineSettings q8 = dot_products_for({"q8_0"});
  CHECK(RooflineModel(model, fleetsim::testing::graviton_socket(), q8).cost(prompt).time_s() ==
        RooflineModel(model, fleetsim::testing::graviton_socket(), EngineSettings{}).cost(prompt).time_s());
  // A 16-bit model does not multiply on the int8 units.
  const ModelSpec bf16 = fleetsim::testing::llama_8b();
  const EngineSettings all = dot_products_for({bf16.weight_format});
  CHECK(RooflineModel(bf16, neoverse_socket(), all).cost(prompt).time_s() ==
        RooflineModel(bf16, neoverse_socket(), EngineSettings{}).cost(prompt).time_s());
  // A GPU has no such split.
  HardwareSpec gpu = fleetsim::testing::h100_node();
  gpu.int8_dot_share = 0.5;
  CHECK(RooflineModel(model, gpu, q8).cost(prompt).time_s() ==
        RooflineModel(model, gpu, EngineSettings{}).cost(prompt).time_s());
}

TEST_CASE("The head's own format follows its own listing", "[roofline][dot_product]") {
  // A Q4_K_M file's head is Q6_K: a stack listing q4_k_m but not q6_k runs
  // the layers' rows on dot products and the head's at the matrix rate.
  ModelSpec model = fleetsim::testing::llama_8b();
  model.weight_format = "q4_k_m";
  model.weight_dtype = DataType::int4;
  model.bits_per_weight = 4.8;
  model.head_storage = ModelSpec::HeadStorage{"q6_k", DataType::int8, 6.5625};
  IterationShape two_prompts = fleetsim::testing::one_prompt(512);
  two_prompts.prefill_seqs = 2;
  two_prompts.prefill_outputs = 2;  // two rows of the head
  const HardwareSpec cpu = neoverse_socket();
  const double rate = 33.2e12 * 0.5;
  const double body = 2.0 * model.body_params_active() * 512 / rate;
  const double head = 2.0 * model.head_params() * 2 / rate;
  CHECK(RooflineModel(model, cpu, dot_products_for({"q4_k_m"})).cost(two_prompts).linear_compute_s ==
        Approx(body / 0.5 + head));
  CHECK(RooflineModel(model, cpu, dot_products_for({"q4_k_m", "q6_k"})).cost(two_prompts).linear_compute_s ==
        Approx(body / 0.5 + head / 0.5));
}

TEST_CASE("dot_product_formats and int8_dot_share: the catalog's, and bad values located",
          "[stacks][loader][dot_product]") {
  const Catalog& c = Catalog::builtin();
  // The 2024 builds list every plain GGUF format, each figure sourced; the
  // current builds and every other stack list none.
  REQUIRE(c.find_stack("llama.cpp-2024"));
  CHECK(c.find_stack("llama.cpp-2024")->dot_product_formats ==
        std::vector<std::string>{"q4_0", "q4_k_m", "q5_k_m", "q6_k", "q8_0"});
  CHECK(c.find_stack("llama.cpp-2024")->sources.count("dot_product_formats") == 1);
  for (const ServingStack& s : c.stacks())
    if (s.name != "llama.cpp-2024") CHECK(s.dot_product_formats.empty());
  CHECK(engine_defaults(*c.find_stack("llama.cpp-2024")).dot_product_formats.size() == 5);
  // The Neoverse V1 and V2 entries: SDOT at half SMMLA's rate, sourced; x86
  // and GPU entries keep 1.
  for (const char* name : {"graviton3-c7g.16xlarge", "graviton4-c8g.48xlarge", "graviton4-r8g.16xlarge"}) {
    REQUIRE(c.find_hardware(name));
    CHECK(c.find_hardware(name)->int8_dot_share == 0.5);
    CHECK(c.find_hardware(name)->sources.count("int8_dot_share") == 1);
  }
  CHECK(c.find_hardware("xeon6-6980p-2s")->int8_dot_share == 1.0);
  CHECK(c.find_hardware("h100-p5.48xlarge")->int8_dot_share == 1.0);

  // A catalog file's stack: an unknown format, a repeat, not a list.
  for (const char* entry : {"[q4_0_9_9]", "[q8_0, q8_0]", "q8_0"}) {
    const std::string text = std::string("stacks:\n  mine: {catalog: llama.cpp, dot_product_formats: ") + entry + "}\n";
    std::vector<Diagnostic> diagnostics;
    CHECK_FALSE(overlay_catalog(Catalog::builtin(), text, "c.yaml", diagnostics));
    CHECK_THAT(messages(diagnostics), Contains("stacks.mine.dot_product_formats"));
  }
  std::vector<Diagnostic> diagnostics;
  const auto mine = overlay_catalog(
      Catalog::builtin(), "stacks:\n  mine: {catalog: llama.cpp-2024, dot_product_formats: [q8_0]}\n", "c.yaml",
      diagnostics);
  REQUIRE(mine);
  CHECK(mine->find_stack("mine")->dot_product_formats == std::vector<std::string>{"q8_0"});

  // The hardware key: CPU only, a share in (0, 1].
  const LoadResult half = load_scenario_text(
      keys_scenario("", "mine", "{}", "hardware:\n  mine:\n    catalog: cpu\n    int8_dot_share: 0.5\n"), "t.yaml",
      fleetsim::testing::catalog());
  INFO(messages(half));
  REQUIRE(half.ok());
  CHECK(half.scenario->pools.at(0).hardware.int8_dot_share == 0.5);
  for (const char* bad : {"0", "1.5"}) {
    const LoadResult r = load_scenario_text(
        keys_scenario("", "mine", "{}", std::string("hardware:\n  mine:\n    catalog: cpu\n    int8_dot_share: ") + bad + "\n"),
        "t.yaml", fleetsim::testing::catalog());
    CHECK_FALSE(r.ok());
    CHECK_THAT(messages(r), Contains("hardware.mine.int8_dot_share"));
  }
  const LoadResult on_gpu = load_scenario_text(
      keys_scenario("", "g", "{}", "hardware:\n  g:\n    catalog: gpu\n    int8_dot_share: 0.5\n"), "t.yaml",
      fleetsim::testing::catalog());
  CHECK_FALSE(on_gpu.ok());
  CHECK_THAT(messages(on_gpu), Contains("applies only to kind: cpu"));
}
