// Scenario files -> Scenario values: every key lands in the right field, in SI
// units, with catalog entries inherited and overridden; defaults are filled.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "../src/io/catalog_reader.hpp"
#include "support/fixtures.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::messages;
using Catch::Matchers::EndsWith;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// Entries with the built-in names and fixed figures, so that the expected
// values below do not move when the catalog data is revised.
const Catalog& fixed_builtin_catalog() {
  static const Catalog catalog = [] {
    HardwareSpec h = fleetsim::testing::h100_node();
    h.name = "h100-p5.48xlarge";
    h.description = "8x H100";
    h.instance = "p5.48xlarge";
    h.sources["peak_flops"] = "datasheet";
    // A CPU node for the tool pool example.
    HardwareSpec cpu = fleetsim::testing::graviton_socket();
    cpu.name = "graviton4-c8g.48xlarge";
    ModelSpec m = fleetsim::testing::llama_8b();
    return Catalog({h, cpu}, {m});
  }();
  return catalog;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

const std::string kFixture = FLEETSIM_SOURCE_DIR "/tests/data/full_scenario.yaml";

// One chat workload of short calls to llama-3.1-8b, for scenarios whose fleet is the point.
const std::string kChatWorkload = R"(workloads:
  - name: chat
    arrivals: {rate: 1/s}
    steps:
      - llm: {model: llama-3.1-8b, output_tokens: 10}
simulation: {sessions: 500}
)";

const std::string kMinimal = R"(name: minimal
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}
)" + kChatWorkload;

}  // namespace

TEST_CASE("A complete scenario loads into SI values", "[loader]") {
  const LoadResult r = load_scenario_file(kFixture, fixed_builtin_catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
  const Scenario& s = *r.scenario;
  CHECK(s.name == "full");
  CHECK(s.description == "CPU + GPU fleet, every key");
  CHECK(s.source_file == kFixture);

  REQUIRE(s.pools.size() == 2);
  const Pool& cpu = s.pools[0];
  CHECK(cpu.name == "cpu");
  CHECK(cpu.count == 4);
  CHECK(cpu.models == std::vector<std::string>{"llama-8b-int8"});
  const HardwareSpec& c = cpu.hardware;
  CHECK(c.name == "test-cpu");
  CHECK(c.kind == DeviceKind::cpu);
  CHECK(c.description == "two-socket test CPU node");
  CHECK(c.instance == "test.48xlarge");
  CHECK(c.devices == 2);
  CHECK(c.cores_per_device == 96);
  CHECK(c.clock_hz == Approx(2.7e9));
  CHECK(c.peak_flops.size() == 2);
  CHECK(c.peak_flops.at(DataType::bf16) == Approx(16.6e12));
  CHECK(c.peak_flops.at(DataType::int8) == Approx(33.2e12));
  CHECK(c.memory_bandwidth_bps == Approx(537.6e9));
  CHECK(c.memory_capacity_bytes == 192 * kGiB);
  CHECK(c.interconnect_bandwidth_bps == Approx(64e9));
  CHECK(c.interconnect_latency_s == Approx(2e-6));
  CHECK(c.compute_efficiency == 0.5);
  CHECK(c.memory_efficiency == 0.4);
  CHECK(c.iteration_overhead_s == Approx(500e-6));
  CHECK(c.device_power.idle_w == 40);
  CHECK(c.device_power.memory_bound_w == 100);
  CHECK(c.device_power.compute_bound_w == 120);
  CHECK(c.host_power_w == Approx(100));
  CHECK(c.price_per_hour_usd == 7.65);
  CHECK(c.price_date == "2025-06");
  CHECK(c.sources.at("memory_bandwidth") == "12 channels x DDR5-5600");
  const EngineSettings& e = cpu.engine;
  CHECK(e.tensor_parallel == 1);
  CHECK(e.replicas_per_node == 2);
  CHECK(e.max_batch_size == 32);
  CHECK(e.max_batched_tokens == 2048);
  CHECK_FALSE(e.chunked_prefill);
  CHECK(e.memory_fraction == 0.85);
  CHECK(e.activation_reserve_bytes == 2 * kGiB);
  CHECK(e.kv_block_tokens == 32);
  CHECK(e.kv_retention == "ttl");
  CHECK(e.kv_ttl_s == 30);

  // cheap-h100 starts from the catalog H100: overridden keys change, the rest is inherited.
  const Pool& gpu = s.pools[1];
  CHECK(gpu.hardware.name == "cheap-h100");
  CHECK(gpu.hardware.instance == "p5.48xlarge");
  CHECK(gpu.hardware.price_per_hour_usd == 40);
  CHECK(gpu.hardware.device_power.idle_w == 100);
  CHECK(gpu.hardware.device_power.memory_bound_w == 380);
  CHECK(gpu.hardware.device_power.compute_bound_w == 700);
  CHECK(gpu.hardware.host_power_w == 1500);
  CHECK(gpu.hardware.peak_flops.size() == 3);
  CHECK(gpu.hardware.peak_flops.at(DataType::bf16) == Approx(989e12));
  CHECK(gpu.hardware.peak_flops.at(DataType::int8) == Approx(1979e12));
  CHECK(gpu.hardware.memory_capacity_bytes == 80e9);
  CHECK(gpu.hardware.sources.at("peak_flops") == "datasheet");
  CHECK(gpu.engine.tensor_parallel == 2);
  CHECK(gpu.engine.replicas_per_node == 0);
  CHECK(gpu.replicas_per_node() == 4);
  CHECK(gpu.engine.kv_retention == "none");
  CHECK(gpu.engine.max_batch_size == EngineSettings{}.max_batch_size);

  REQUIRE(s.models.size() == 2);
  const ModelSpec* int8 = s.find_model("llama-8b-int8");
  REQUIRE(int8 != nullptr);
  CHECK(int8->weight_dtype == DataType::int8);
  CHECK(int8->kv_dtype == DataType::bf16);
  CHECK(int8->params_total == Approx(8.03e9));
  CHECK(int8->params_active == Approx(8.03e9));
  CHECK(int8->layers == 32);
  CHECK(int8->description == "Llama 3.1 8B, int8 weights");
  CHECK(int8->weight_bytes() == Approx(8.03e9));
  REQUIRE(s.find_model("llama-3.1-8b") != nullptr);
  CHECK(s.find_model("llama-3.1-8b")->weight_dtype == DataType::bf16);

  REQUIRE(s.routes.size() == 2);
  const Route* explicit_route = s.find_route("llama-8b-int8");
  REQUIRE(explicit_route != nullptr);
  CHECK(explicit_route->pools == std::vector<std::string>{"cpu", "gpu"});
  CHECK(explicit_route->policy == "session_affinity");
  CHECK(explicit_route->affinity_max_queue == 4);
  CHECK(explicit_route->overflow_pool == "gpu");
  CHECK(explicit_route->overflow_queue_threshold == 8);
  const Route* default_route = s.find_route("llama-3.1-8b");
  REQUIRE(default_route != nullptr);
  CHECK(default_route->pools == std::vector<std::string>{"gpu"});
  CHECK(default_route->policy == "least_outstanding");
  CHECK(default_route->overflow_pool.empty());

  REQUIRE(s.workloads.size() == 4);
  const Workload& coder = s.workloads[0];
  CHECK(coder.name == "coder");
  CHECK(coder.arrivals.kind == ArrivalProcess::Kind::poisson);
  CHECK(coder.arrivals.rate_per_s == 2);
  CHECK(coder.initial_context_tokens.kind == Distribution::Kind::fixed);
  CHECK(coder.initial_context_tokens.p1 == 2000);
  REQUIRE(coder.steps.size() == 2);
  const Step& first = coder.steps[0];
  CHECK(first.kind == Step::Kind::llm);
  CHECK(first.model == "llama-8b-int8");
  CHECK(first.prompt_tokens.kind == Distribution::Kind::lognormal);
  CHECK(first.prompt_tokens.p1 == Approx(std::log(300.0)));
  CHECK(first.prompt_tokens.p2 == 1.0);
  CHECK(first.prompt_tokens.lower == 0.0);
  CHECK(first.output_tokens.kind == Distribution::Kind::fixed);
  CHECK(first.output_tokens.p1 == 200);
  CHECK(first.output_tokens.lower == 1.0);
  const Step& loop = coder.steps[1];
  CHECK(loop.kind == Step::Kind::loop);
  CHECK(loop.repeat.kind == Distribution::Kind::uniform);
  CHECK(loop.repeat.p1 == 5);
  CHECK(loop.repeat.p2 == 20);
  REQUIRE(loop.body.size() == 2);
  CHECK(loop.body[0].kind == Step::Kind::tool);
  CHECK(loop.body[0].latency_s.kind == Distribution::Kind::exponential);
  CHECK(loop.body[0].latency_s.p1 == 4);
  CHECK(loop.body[0].latency_s.lower == 0);
  CHECK(loop.body[0].latency_s.upper == 60);
  CHECK(loop.body[0].result_tokens.p1 == 300);
  CHECK(loop.body[1].kind == Step::Kind::llm);
  CHECK(loop.body[1].prompt_tokens.p1 == 100);
  CHECK(loop.body[1].output_tokens.kind == Distribution::Kind::exponential);
  CHECK(loop.body[1].output_tokens.p1 == 150);
  CHECK(loop.body[1].output_tokens.lower == 1.0);
  CHECK(coder.slo.percentile == 99);
  CHECK(coder.slo.ttft_s == 2.0);
  CHECK(coder.slo.tpot_s == Approx(0.1));
  CHECK(coder.slo.session_s == 300.0);

  const Workload& chat = s.workloads[1];
  CHECK(chat.arrivals.kind == ArrivalProcess::Kind::piecewise);
  REQUIRE(chat.arrivals.pieces.size() == 2);
  CHECK(chat.arrivals.pieces[0].start_s == 0);
  CHECK(chat.arrivals.pieces[0].rate_per_s == 1);
  CHECK(chat.arrivals.pieces[1].start_s == 600);
  CHECK(chat.arrivals.pieces[1].rate_per_s == Approx(3));
  CHECK(chat.initial_context_tokens.kind == Distribution::Kind::empirical);
  CHECK(chat.initial_context_tokens.values == std::vector<double>{100, 500});
  REQUIRE(chat.initial_context_tokens.cumulative_weights.size() == 2);
  CHECK(chat.initial_context_tokens.cumulative_weights[0] == Approx(0.75));
  CHECK(chat.initial_context_tokens.cumulative_weights[1] == 1.0);
  const Distribution& prompt = chat.steps[0].prompt_tokens;
  CHECK(prompt.kind == Distribution::Kind::lognormal);
  const double sigma2 = std::log(1.0 + 200.0 * 200.0 / (400.0 * 400.0));
  CHECK(prompt.p2 == Approx(std::sqrt(sigma2)));
  CHECK(prompt.p1 == Approx(std::log(400.0) - sigma2 / 2));
  CHECK(prompt.mean() == Approx(400.0));
  CHECK(prompt.lower == 10);
  CHECK(prompt.upper == 4000);
  CHECK(chat.steps[0].output_tokens.kind == Distribution::Kind::normal);
  CHECK(chat.steps[0].output_tokens.p1 == 120);
  CHECK(chat.steps[0].output_tokens.p2 == 40);
  CHECK(chat.slo.percentile == 95);
  CHECK_FALSE(chat.slo.ttft_s.has_value());

  const Workload& batch = s.workloads[2];
  CHECK(batch.arrivals.kind == ArrivalProcess::Kind::diurnal);
  CHECK(batch.arrivals.rate_per_s == Approx(1));
  CHECK(batch.arrivals.amplitude == 0.5);
  CHECK(batch.arrivals.period_s == 86400);
  CHECK(batch.arrivals.peak_s == 14 * 3600);
  CHECK(batch.steps[0].latency_s.kind == Distribution::Kind::fixed);
  CHECK(batch.steps[0].latency_s.p1 == Approx(0.25));
  CHECK(batch.steps[0].result_tokens.p1 == 0);
  CHECK(batch.steps[1].prompt_tokens.p1 == 0);
  CHECK(s.workloads[3].arrivals.kind == ArrivalProcess::Kind::constant);
  CHECK(s.workloads[3].arrivals.rate_per_s == 0.5);

  CHECK(s.costs.pricing == Pricing::owned);
  CHECK(s.costs.electricity_usd_per_kwh.values == std::vector<double>{0.12});
  CHECK(s.costs.pue == 1.3);
  CHECK(s.simulation.duration_s == 3600.0);
  CHECK_FALSE(s.simulation.sessions.has_value());
  CHECK(s.simulation.warmup_s == 300);
  CHECK(s.simulation.seed == 42);
}

TEST_CASE("The complete fixture also loads against the built-in catalog", "[loader]") {
  const LoadResult r = load_scenario_file(kFixture);
  INFO(messages(r));
  CHECK(r.ok());
}

TEST_CASE("Omitted keys take their documented defaults", "[loader]") {
  const LoadResult r = load_scenario_text(kMinimal, "minimal.yaml", fixed_builtin_catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.source_file == "minimal.yaml");
  CHECK(s.description.empty());
  const EngineSettings defaults;
  const EngineSettings& e = s.pools[0].engine;
  CHECK(e.tensor_parallel == defaults.tensor_parallel);
  CHECK(e.max_batch_size == defaults.max_batch_size);
  CHECK(e.memory_fraction == defaults.memory_fraction);
  CHECK(e.kv_retention == defaults.kv_retention);
  CHECK(s.pools[0].replicas_per_node() == 8);
  CHECK(s.pools[0].hardware.name == "h100-p5.48xlarge");
  CHECK(s.pools[0].hardware.price_per_hour_usd == 55.04);
  REQUIRE(s.routes.size() == 1);
  CHECK(s.routes[0].model == "llama-3.1-8b");
  CHECK(s.routes[0].pools == std::vector<std::string>{"gpu"});
  CHECK(s.routes[0].policy == "least_outstanding");
  const Workload& w = s.workloads[0];
  CHECK(w.arrivals.kind == ArrivalProcess::Kind::poisson);
  CHECK(w.initial_context_tokens.p1 == 0);
  CHECK(w.steps[0].prompt_tokens.p1 == 0);
  CHECK(w.slo.percentile == 95);
  CHECK_FALSE(w.slo.ttft_s);
  CHECK(s.costs.pricing == Pricing::cloud);
  CHECK(s.costs.pue == Costs{}.pue);
  CHECK(s.simulation.sessions == 500);
  CHECK_FALSE(s.simulation.duration_s);
  CHECK(s.simulation.warmup_s == 0);
  CHECK(s.simulation.seed == 1);
}

TEST_CASE("A scenario entry named like a catalog entry overrides it in place", "[loader]") {
  const std::string text = kMinimal + R"(hardware:
  h100-p5.48xlarge: {price_per_hour: 30, efficiency: {memory: 0.7}}
models:
  llama-3.1-8b: {kv_dtype: fp8}
)";
  const LoadResult r = load_scenario_text(text, "override.yaml", fixed_builtin_catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  const HardwareSpec& h = r.scenario->pools[0].hardware;
  CHECK(h.price_per_hour_usd == 30);
  CHECK(h.memory_efficiency == 0.7);
  CHECK(h.compute_efficiency == 0.6);
  CHECK(h.devices == 8);
  CHECK(r.scenario->models.at(0).kv_dtype == DataType::fp8);
  CHECK(r.scenario->models.at(0).weight_dtype == DataType::bf16);
  CHECK(r.scenario->models.at(0).kv_bytes_per_token() == Approx(2.0 * 32 * 8 * 128));
}

TEST_CASE("interconnect_topology is read as a word, and a wrong one is refused with the words it takes", "[loader]") {
  const std::string text = kMinimal + R"(hardware:
  h100-p5.48xlarge: {interconnect_topology: full_mesh}
)";
  const LoadResult r = load_scenario_text(text, "mesh.yaml", fixed_builtin_catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->pools[0].hardware.interconnect_topology == InterconnectTopology::full_mesh);
  const LoadResult plain = load_scenario_text(kMinimal, "plain.yaml", fixed_builtin_catalog());
  REQUIRE(plain.ok());
  CHECK(plain.scenario->pools[0].hardware.interconnect_topology == InterconnectTopology::switched);

  std::string bad = text;
  bad.replace(bad.find("full_mesh"), 9, "mesh");
  const LoadResult wrong = load_scenario_text(bad, "mesh.yaml", fixed_builtin_catalog());
  REQUIRE_FALSE(wrong.ok());
  const std::string m = messages(wrong);
  CHECK_THAT(m, Catch::Contains("interconnect_topology"));
  CHECK_THAT(m, Catch::Contains("full_mesh"));
}

TEST_CASE("A node cut from a full mesh keeps the links among its devices, unless it names its own", "[loader]") {
  // The fixture's 8 devices at 450 GB/s each, made a full mesh: 7 links of
  // 450/7 GB/s per device. Two of them keep the one link between them, four
  // the three links each has to the other three.
  const std::string text = R"(name: mesh
hardware:
  two: {catalog: h100-p5.48xlarge, interconnect_topology: full_mesh, devices: 2}
  four: {catalog: h100-p5.48xlarge, interconnect_topology: full_mesh, devices: 4}
  own: {catalog: h100-p5.48xlarge, interconnect_topology: full_mesh, devices: 2, interconnect_bandwidth: 100GB/s}
  switched: {catalog: h100-p5.48xlarge, devices: 2}
fleet:
  pools:
    - {name: two, hardware: two, count: 1, models: [llama-3.1-8b]}
    - {name: four, hardware: four, count: 1, models: [llama-3.1-8b]}
    - {name: own, hardware: own, count: 1, models: [llama-3.1-8b]}
    - {name: switched, hardware: switched, count: 1, models: [llama-3.1-8b]}
)" + kChatWorkload;
  const LoadResult r = load_scenario_text(text, "mesh.yaml", fixed_builtin_catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  const auto& pools = r.scenario->pools;
  REQUIRE(pools.size() == 4);
  CHECK(pools[0].hardware.interconnect_bandwidth_bps == Approx(450e9 / 7));
  CHECK(pools[1].hardware.interconnect_bandwidth_bps == Approx(450e9 * 3 / 7));
  CHECK(pools[2].hardware.interconnect_bandwidth_bps == Approx(100e9));
  CHECK(pools[3].hardware.interconnect_bandwidth_bps == Approx(450e9));
}

TEST_CASE("An entry that changes its base's peaks and leaves one out is warned, adding a type is not", "[loader]") {
  // The fixed catalog's H100 lists bf16 989 and fp8 1979 TFLOP/s.
  auto load = [](const std::string& peaks) {
    return load_scenario_text(kMinimal + "hardware:\n  h100-p5.48xlarge: {peak_flops: " + peaks + "}\n", "peaks.yaml",
                              fixed_builtin_catalog());
  };
  const LoadResult halved = load("{bf16: 494.5TFLOPS}");
  INFO(messages(halved));
  REQUIRE(halved.ok());
  REQUIRE(halved.diagnostics.size() == 1);
  const Diagnostic& d = halved.diagnostics[0];
  CHECK(d.severity == Severity::warning);
  CHECK(d.key_path == "hardware.h100-p5.48xlarge.peak_flops.fp8");
  CHECK_THAT(d.message, Catch::Contains("keeps the base entry's 1979 TFLOP/s, while this entry changes bf16"));
  // The entries still merge: the warning does not change the figures.
  const HardwareSpec& h = halved.scenario->pools[0].hardware;
  CHECK(h.peak_flops.at(DataType::bf16) == Approx(494.5e12));
  CHECK(h.peak_flops.at(DataType::fp8) == Approx(1979e12));

  CHECK(load("{int8: 1979TOPS}").diagnostics.empty());                    // a type added
  CHECK(load("{bf16: 494.5TFLOPS, fp8: 989TFLOPS}").diagnostics.empty()); // every type restated
  CHECK(load("{bf16: 989TFLOPS}").diagnostics.empty());                   // the base's own rate
}

TEST_CASE("A new model can be defined completely, with parameter-count suffixes", "[loader]") {
  const std::string text = R"(name: moe
models:
  my-moe:
    params_total: 46.7B
    params_active: 12.9B
    layers: 32
    hidden_size: 4096
    attention_heads: 32
    kv_heads: 8
    head_dim: 128
    weight_dtype: fp8
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [my-moe]}
workloads:
  - name: w
    arrivals: {process: poisson, rate: 1/s}
    steps: [{llm: {model: my-moe, output_tokens: 10}}]
simulation: {duration: 1h}
)";
  const LoadResult r = load_scenario_text(text, "moe.yaml", fixed_builtin_catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  const ModelSpec& m = r.scenario->models.at(0);
  CHECK(m.name == "my-moe");
  CHECK(m.params_total == Approx(46.7e9));
  CHECK(m.params_active == Approx(12.9e9));
  CHECK(m.weight_dtype == DataType::fp8);
}

TEST_CASE("YAML anchors and merge keys share settings between entries", "[loader]") {
  const std::string text = R"(name: anchors
fleet:
  pools:
    - &pool
      name: gpu-a
      hardware: h100-p5.48xlarge
      count: 1
      models: [llama-3.1-8b]
      engine: &engine {tensor_parallel: 2, max_batch_size: 64}
    - <<: *pool
      name: gpu-b
      count: 3
      engine: {<<: *engine, max_batch_size: 128}
workloads:
  - name: chat
    arrivals: {rate: 1/s}
    steps: [{llm: {model: llama-3.1-8b, output_tokens: 10}}]
simulation: {duration: 1h}
)";
  const LoadResult r = load_scenario_text(text, "anchors.yaml", fixed_builtin_catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  const Pool& b = r.scenario->pools.at(1);
  CHECK(b.name == "gpu-b");
  CHECK(b.count == 3);
  CHECK(b.hardware.name == "h100-p5.48xlarge");
  CHECK(b.models == std::vector<std::string>{"llama-3.1-8b"});
  CHECK(b.engine.tensor_parallel == 2);
  CHECK(b.engine.max_batch_size == 128);
  CHECK(r.scenario->pools.at(0).engine.max_batch_size == 64);

  const std::string typo = text.substr(0, text.find("      engine: {<<")) + "      engine: {<<: *engine, max_bach_size: 1}\n" +
                           text.substr(text.find("workloads:"));
  const LoadResult bad = load_scenario_text(typo, "anchors.yaml", fixed_builtin_catalog());
  REQUIRE(bad.diagnostics.size() == 1);
  CHECK(bad.diagnostics[0].key_path == "fleet.pools[1].engine.max_bach_size");
  CHECK(bad.diagnostics[0].hint.rfind("did you mean \"max_batch_size\"?", 0) == 0);
}

TEST_CASE("The built-in catalog parses and every entry is complete", "[loader][catalog]") {
  const Catalog& catalog = Catalog::builtin();
  REQUIRE(catalog.find_hardware("h100-p5.48xlarge") != nullptr);
  REQUIRE(catalog.find_model("llama-3.1-8b") != nullptr);
  CHECK(catalog.find_hardware("no-such-node") == nullptr);
  for (const HardwareSpec& h : catalog.hardware()) {
    INFO(h.name);
    CHECK_FALSE(h.description.empty());
    CHECK_FALSE(h.instance.empty());
    CHECK(h.devices >= 1);
    CHECK_FALSE(h.peak_flops.empty());
    CHECK(h.peak_flops_for(DataType::bf16).value_or(0) > 0);
    CHECK(h.memory_bandwidth_bps > 0);
    CHECK(h.memory_capacity_bytes > 0);
    CHECK(h.compute_efficiency > 0);
    CHECK(h.compute_efficiency <= 1);
    CHECK(h.memory_efficiency > 0);
    CHECK(h.memory_efficiency <= 1);
    CHECK(h.device_power.compute_bound_w > 0);
    CHECK(h.price_per_hour_usd > 0);
    CHECK_FALSE(h.sources.empty());
    if (h.kind == DeviceKind::cpu) {
      CHECK(h.cores_per_device > 0);
      CHECK(h.clock_hz > 0);
    }
  }
  for (const ModelSpec& m : catalog.models()) {
    INFO(m.name);
    CHECK(m.params_total > 0);
    CHECK(m.params_active > 0);
    CHECK(m.params_active <= m.params_total);
    CHECK(m.layers > 0);
    CHECK(m.hidden_size > 0);
    CHECK(m.kv_heads > 0);
    CHECK(m.head_dim > 0);
    CHECK(m.attention_heads % m.kv_heads == 0);
    CHECK_FALSE(m.sources.empty());
  }
  const HardwareSpec& h100 = *catalog.find_hardware("h100-p5.48xlarge");
  CHECK(h100.kind == DeviceKind::gpu);
  CHECK(h100.devices == 8);
}

TEST_CASE("Catalog text with an incomplete entry is rejected with every problem", "[loader][catalog]") {
  const std::string hardware = R"(hardware:
  half-gpu:
    kind: gpu
    devices: 4
    memory_bandwidth: 2TB/s
    power: {idle: 50W}
)";
  const std::string models = R"(models:
  tiny: {params_total: 1B, layers: 2, hidden_size: 64, attention_heads: 4, kv_heads: 3, head_dim: 16}
)";
  std::vector<Diagnostic> diagnostics;
  const auto catalog = read_catalog(hardware, "hw.yaml", models, "models.yaml", diagnostics);
  CHECK_FALSE(catalog.has_value());
  std::string text;
  for (const auto& d : diagnostics) text += d.format() + "\n";
  INFO(text);
  REQUIRE(diagnostics.size() == 3);
  CHECK(diagnostics[0].file == "hw.yaml");
  CHECK(diagnostics[0].key_path == "hardware.half-gpu");
  CHECK(diagnostics[0].line == 3);
  CHECK_THAT(diagnostics[0].message, Contains("\"peak_flops\", \"memory_capacity\", \"efficiency\", \"price_per_hour\""));
  CHECK(diagnostics[1].key_path == "hardware.half-gpu.power");
  CHECK_THAT(diagnostics[1].message, Contains("\"memory_bound\", \"compute_bound\", \"host\""));
  CHECK(diagnostics[2].file == "models.yaml");
  CHECK(diagnostics[2].key_path == "models.tiny.kv_heads");
  CHECK_THAT(diagnostics[2].message, Contains("kv_heads (3) must divide attention_heads (4)"));

  std::vector<Diagnostic> none;
  const auto ok = read_catalog("hardware: {}\n", "hw", "models: {}\n", "m", none);
  CHECK(ok.has_value());
  CHECK(none.empty());
}

TEST_CASE("The examples in docs/scenario-format.md load", "[loader][docs]") {
  const std::string doc = read_text(FLEETSIM_SOURCE_DIR "/docs/scenario-format.md");
  // Complete examples are the yaml blocks that start with "name:".
  const std::string open = "```yaml\nname:", close = "```";
  int examples = 0;
  for (auto at = doc.find(open); at != std::string::npos; at = doc.find(open, at + 1)) {
    const auto begin = at + open.size() - std::string("name:").size();
    const auto end = doc.find(close, begin);
    REQUIRE(end != std::string::npos);
    const std::string yaml = doc.substr(begin, end - begin);
    INFO(yaml);
    const LoadResult r = load_scenario_text(yaml, "docs example", fixed_builtin_catalog());
    INFO(messages(r));
    CHECK(r.ok());
    CHECK(r.diagnostics.empty());
    ++examples;
  }
  CHECK(examples >= 2);
}

TEST_CASE("A variant merges over the base and keeps its own line numbers", "[loader][variants]") {
  const std::string text = R"(name: v
fleet:
  pools:
    - name: gpu
      hardware: h100-p5.48xlarge
      count: 1
      models: [llama-3.1-8b]
workloads:
  - name: w
    arrivals: {process: poisson, rate: 1/s}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 10, output_tokens: 10}
simulation: {duration: 10min, seed: 3}
variants:
  bigger:
    simulation: {duration: 1h}
    fleet:
      pools:
        - name: gpu
          hardware: h100-p5.48xlarge
          count: 3
          models: [llama-3.1-8b]
  broken:
    fleet:
      pools:
        - name: gpu
          hardware: h100-p5.48xlarge
          count: -1
          models: [llama-3.1-8b]
)";
  const auto base = fleetsim::load_scenario_text(text, "v.yaml");
  REQUIRE(base.ok());
  CHECK(base.variants == std::vector<std::string>{"bigger", "broken"});
  CHECK(base.scenario->pools[0].count == 1);

  fleetsim::LoadOptions options;
  options.variant = "bigger";
  const auto bigger = fleetsim::load_scenario_text(text, "v.yaml", fleetsim::Catalog::builtin(), options);
  REQUIRE(bigger.ok());
  CHECK(bigger.scenario->name == "v/bigger");
  CHECK(bigger.scenario->pools[0].count == 3);
  CHECK(*bigger.scenario->simulation.duration_s == 3600.0);
  CHECK(bigger.scenario->simulation.seed == 3);  // untouched keys of a merged map stay

  options.variant = "broken";
  const auto broken = fleetsim::load_scenario_text(text, "v.yaml", fleetsim::Catalog::builtin(), options);
  REQUIRE_FALSE(broken.ok());
  REQUIRE_FALSE(broken.diagnostics.empty());
  CHECK(broken.diagnostics[0].line == 28);
  CHECK(broken.diagnostics[0].key_path == "fleet.pools[0].count");
}

TEST_CASE("TPUs, Trainium, Inferentia and Maia are accelerators, modelled like GPUs", "[loader][catalog]") {
  const Catalog& catalog = Catalog::builtin();
  for (const char* name : {"tpu-v5e-8", "tpu-v6e-8", "trainium2-trn2.48xlarge", "inferentia2-inf2.48xlarge", "maia100-4x"}) {
    INFO(name);
    const HardwareSpec* h = catalog.find_hardware(name);
    REQUIRE(h != nullptr);
    CHECK(h->kind == DeviceKind::accelerator);
    CHECK(h->devices > 1);
  }
  CHECK(catalog.find_hardware("mi300x-8gpu")->kind == DeviceKind::gpu);
  CHECK(std::string(to_string(DeviceKind::accelerator)) == "accelerator");
}
