// Every class of scenario error: where it is reported (line, column, key path),
// what it says, and what it suggests.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/core/rng.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "support/scenario_text.hpp"
#include "../src/io/scenario_key_check.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::messages;

namespace {

// Small, fixed entries so that memory arithmetic below stays valid whatever
// the built-in catalog holds.
const Catalog& test_catalog() {
  static const Catalog catalog = [] {
    HardwareSpec gpu;
    gpu.name = "test-gpu";
    gpu.kind = DeviceKind::gpu;
    gpu.devices = 8;
    gpu.peak_flops[DataType::bf16] = 989e12;
    gpu.memory_bandwidth_bps = 3.35e12;
    gpu.memory_capacity_bytes = 80e9;
    gpu.interconnect_bandwidth_bps = 450e9;
    gpu.device_power = {100, 300, 700};
    gpu.price_per_hour_usd = 50;
    HardwareSpec cpu = gpu;
    cpu.name = "test-cpu";
    cpu.kind = DeviceKind::cpu;
    cpu.devices = 2;
    cpu.cores_per_device = 96;
    cpu.clock_hz = 2.7e9;
    cpu.memory_capacity_bytes = 192e9;
    cpu.interconnect_bandwidth_bps = 0;
    ModelSpec small;
    small.name = "small-8b";
    small.params_total = small.params_active = 8e9;
    small.layers = 32;
    small.hidden_size = 4096;
    small.attention_heads = 32;
    small.kv_heads = 8;
    small.head_dim = 128;
    ModelSpec big = small;
    big.name = "big-70b";
    big.params_total = big.params_active = 70.6e9;
    big.layers = 80;
    big.hidden_size = 8192;
    big.attention_heads = 64;
    return Catalog({gpu, cpu}, {small, big});
  }();
  return catalog;
}

const std::string kBase = R"(name: base
fleet:
  pools:
    - name: gpu
      hardware: test-gpu
      count: 2
      models: [small-8b]
      engine: {tensor_parallel: 1, memory_fraction: 0.9}
    - name: cpu
      hardware: test-cpu
      count: 1
      models: [small-8b]
routing:
  - model: small-8b
    pools: [gpu, cpu]
    policy: least_outstanding
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 2/s}
    steps:
      - llm: {model: small-8b, prompt_tokens: 100, output_tokens: {dist: exponential, mean: 50}}
      - tool: {latency: 2s, result_tokens: 10}
costs: {pricing: cloud, pue: 1.2}
simulation:
  duration: 10min
  warmup: 1min
)";

// kBase with one exact piece of text replaced (it must occur once).
std::string base_with(const std::string& from, const std::string& to, std::string text = kBase) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  return text.replace(at, from.size(), to);
}

LoadResult load_with_test_catalog(const std::string& text) {
  return load_scenario_text(text, "test.yaml", test_catalog());
}

// 1-based line and column of `needle` in `text`, plus `skip` characters.
std::pair<int, int> position(const std::string& text, const std::string& needle, std::size_t skip = 0) {
  const auto at = text.find(needle);
  REQUIRE(at != std::string::npos);
  const std::size_t target = at + skip;
  int line = 1, column = 1;
  for (std::size_t i = 0; i < target; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// The only diagnostic with this key path (fails when there is none).
const Diagnostic& diagnostic_at(const LoadResult& r, const std::string& key_path) {
  INFO(messages(r));
  const Diagnostic* found = nullptr;
  for (const auto& d : r.diagnostics)
    if (d.key_path == key_path && !found) found = &d;
  REQUIRE(found != nullptr);
  return *found;
}

std::size_t error_count(const LoadResult& r) {
  std::size_t n = 0;
  for (const auto& d : r.diagnostics) n += d.is_error();
  return n;
}

// One error, at the given path and place, saying `message` (and `hint`).
void check_single_error(const std::string& text, const std::string& key_path, std::pair<int, int> where,
                        const std::string& message, const std::string& hint = {}) {
  const LoadResult r = load_with_test_catalog(text);
  INFO(messages(r));
  CHECK_FALSE(r.ok());
  CHECK(error_count(r) == 1);
  const Diagnostic& d = diagnostic_at(r, key_path);
  CHECK(d.is_error());
  CHECK(d.file == "test.yaml");
  CHECK(d.line == where.first);
  CHECK(d.column == where.second);
  CHECK_THAT(d.message, Contains(message));
  if (!hint.empty()) CHECK_THAT(d.hint, Contains(hint));
}

}  // namespace

TEST_CASE("The base scenario of these tests is valid", "[validation]") {
  const LoadResult r = load_with_test_catalog(kBase);
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.diagnostics.empty());
}

TEST_CASE("Diagnostics format as file:line:col: error: path: message with a hint line", "[validation]") {
  Diagnostic d;
  d.file = "s.yaml";
  d.line = 12;
  d.column = 7;
  d.key_path = "fleet.pools[1].engine.max_batch_size";
  d.message = "expected a whole number >= 1, found \"lots\"";
  d.hint = "e.g. 32";
  CHECK(d.format() ==
        "s.yaml:12:7: error: fleet.pools[1].engine.max_batch_size: expected a whole number >= 1, found \"lots\"\n"
        "  hint: e.g. 32");
  d.severity = Severity::warning;
  d.hint.clear();
  CHECK(d.format() ==
        "s.yaml:12:7: warning: fleet.pools[1].engine.max_batch_size: expected a whole number >= 1, found \"lots\"");
  Diagnostic whole_file;
  whole_file.file = "s.yaml";
  whole_file.message = "the file is empty";
  CHECK(whole_file.format() == "s.yaml: error: the file is empty");

  InputError error({d, whole_file});
  CHECK(error.diagnostics().size() == 2);
  CHECK_THAT(std::string(error.what()), Contains("the file is empty"));
}

TEST_CASE("YAML syntax errors are located", "[validation]") {
  const std::string text = base_with("    policy: least_outstanding", "    policy: [least_outstanding");
  const LoadResult r = load_with_test_catalog(text);
  INFO(messages(r));
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.diagnostics.size() == 1);
  const Diagnostic& d = r.diagnostics[0];
  CHECK_THAT(d.message, Contains("YAML syntax error"));
  CHECK(d.line >= 16);
  CHECK(d.column > 0);
  CHECK_FALSE(d.hint.empty());

  const LoadResult tab = load_with_test_catalog("name: x\nfleet:\n\tpools: []\n");
  REQUIRE(tab.diagnostics.size() == 1);
  CHECK(tab.diagnostics[0].line == 3);
}

TEST_CASE("Empty, comment-only and non-map files get one clear diagnostic", "[validation]") {
  for (const char* text : {"", "   \n", "# nothing here\n"}) {
    const LoadResult r = load_with_test_catalog(text);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK_THAT(r.diagnostics[0].message, Contains("the file is empty"));
    CHECK_THAT(r.diagnostics[0].hint, Contains("docs/scenario-format.md"));
  }
  const LoadResult list = load_with_test_catalog("- name: x\n- fleet: {}\n");
  REQUIRE(list.diagnostics.size() == 1);
  CHECK(list.diagnostics[0].line == 1);
  CHECK_THAT(list.diagnostics[0].message, Contains("expected a map") && Contains("found a list"));

  const LoadResult scalar = load_with_test_catalog("just some words\n");
  REQUIRE(scalar.diagnostics.size() == 1);
  CHECK_THAT(scalar.diagnostics[0].message, Contains("found \"just some words\""));
}

TEST_CASE("Missing and unreadable files are diagnostics, not exceptions", "[validation]") {
  const LoadResult missing = load_scenario_file("/nonexistent/dir/scenario.yaml", test_catalog());
  REQUIRE_FALSE(missing.ok());
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].file == "/nonexistent/dir/scenario.yaml");
  CHECK_THAT(missing.diagnostics[0].message, Contains("cannot read") && Contains("No such file"));

  const LoadResult directory = load_scenario_file(FLEETSIM_SOURCE_DIR "/tests", test_catalog());
  REQUIRE(directory.diagnostics.size() == 1);
  CHECK_THAT(directory.diagnostics[0].message, Contains("directory"));
}

TEST_CASE("Unknown keys are errors with did-you-mean", "[validation]") {
  const std::string text = base_with("      engine: {", "      engin: {");
  check_single_error(text, "fleet.pools[0].engin", position(text, "engin:"), "unknown key \"engin\"",
                     "did you mean \"engine\"?");

  const std::string top = base_with("costs:", "cost:");
  check_single_error(top, "cost", position(top, "cost:"), "unknown key \"cost\"", "did you mean \"costs\"?");

  const std::string nested = base_with("rate: 2/s}", "rate: 2/s, burst: 3}");
  check_single_error(nested, "workloads[0].arrivals.burst", position(nested, "burst"), "unknown key \"burst\"",
                     "valid keys here: \"process\", \"rate\"");

  // A misspelt required key is one error (the typo), not also a "missing key".
  const std::string count = base_with("count: 2", "cuont: 2");
  check_single_error(count, "fleet.pools[0].cuont", position(count, "cuont"), "unknown key \"cuont\"",
                     "did you mean \"count\"?");
  const std::string duration = base_with("  duration: 10min\n  warmup: 1min\n", "  duraton: 10min\n");
  check_single_error(duration, "simulation.duraton", position(duration, "duraton"), "unknown key \"duraton\"",
                     "did you mean \"duration\"?");
  const std::string dist = base_with("{dist: exponential, mean: 50}", "{dsit: exponential, mean: 50}");
  check_single_error(dist, "workloads[0].steps[0].llm.output_tokens.dsit", position(dist, "dsit"),
                     "unknown key \"dsit\"", "did you mean \"dist\"?");

  // A right key in the wrong map says which map takes it, down or up a level.
  const std::string down = base_with("      engine: {", "      frontend: none\n      engine: {");
  check_single_error(down, "fleet.pools[0].frontend", position(down, "frontend:"), "unknown key \"frontend\"",
                     "\"frontend\" is a key of the engine: map inside this one; move it there (engine: {frontend: ...})");
  const std::string top_down = base_with("  duration: 10min\n", "").append("duration: 10min\n");
  CHECK_THAT(messages(load_with_test_catalog(top_down)),
             Contains("\"duration\" is a key of the simulation: map inside this one"));
  const std::string up = base_with("      engine: {", "      engine: {count: 2, ");
  check_single_error(up, "fleet.pools[0].engine.count", position(up, "count: 2, "), "unknown key \"count\"",
                     "\"count\" is a key of the map this engine: sits in (a pool); move it up one level");
  // A typo keeps its did-you-mean: no other map has the misspelt word.
  CHECK(key_placement_hint("pool", "engin").empty());
  CHECK(key_placement_hint("pool", "count").empty());  // the pool's own key

  const std::string merge = base_with("costs: {pricing: cloud, pue: 1.2}", "costs: {<<: 1.2}");
  check_single_error(merge, "costs.<<", position(merge, "1.2}"), "expected a map (or a list of maps) to merge");

  const std::string twice = base_with("  duration: 10min\n", "  duration: 10min\n  duration: 20min\n");
  check_single_error(twice, "simulation.duration", position(twice, "duration: 20min"), "given twice");
}

TEST_CASE("Unknown enum values suggest the closest word", "[validation]") {
  struct Case {
    std::string from, to, path, needle, suggestion;
  };
  const std::vector<Case> cases = {
      {"policy: least_outstanding", "policy: round-robin", "routing[0].policy", "round-robin", "round_robin"},
      {"dist: exponential", "dist: exponental", "workloads[0].steps[0].llm.output_tokens.dist", "exponental",
       "exponential"},
      {"process: poisson", "process: poison", "workloads[0].arrivals.process", "poison", "poisson"},
      {"pricing: cloud", "pricing: clod", "costs.pricing", "clod", "cloud"},
      {"memory_fraction: 0.9}", "memory_fraction: 0.9, kv_retention: lur}", "fleet.pools[0].engine.kv_retention",
       "lur", "lru"},
  };
  for (const auto& c : cases) {
    INFO(c.to);
    const std::string text = base_with(c.from, c.to);
    check_single_error(text, c.path, position(text, c.needle), "\"" + c.needle + "\"",
                       "did you mean \"" + c.suggestion + "\"?");
  }
}

TEST_CASE("Unknown hardware kinds and data types in definitions suggest the closest word", "[validation]") {
  const std::string text = base_with("routing:", R"(hardware:
  my-gpu: {catalog: test-gpu, kind: gpx}
models:
  my-model: {catalog: small-8b, weight_dtype: in8}
routing:)");
  const LoadResult r = load_with_test_catalog(text);
  CHECK_FALSE(r.ok());
  const Diagnostic& kind = diagnostic_at(r, "hardware.my-gpu.kind");
  CHECK(std::pair(kind.line, kind.column) == position(text, "gpx"));
  CHECK_THAT(kind.hint, Contains("did you mean \"gpu\"?"));
  const Diagnostic& dtype = diagnostic_at(r, "models.my-model.weight_dtype");
  CHECK_THAT(dtype.message, Contains("unknown data type \"in8\""));
  CHECK_THAT(dtype.hint, Contains("did you mean \"int8\"?"));
}

TEST_CASE("Unknown references suggest defined and catalog names", "[validation]") {
  SECTION("pool -> hardware") {
    const std::string text = base_with("hardware: test-gpu", "hardware: test-gpuu");
    check_single_error(text, "fleet.pools[0].hardware", position(text, "test-gpuu"), "unknown hardware \"test-gpuu\"",
                       "did you mean \"test-gpu\"?");
  }
  SECTION("pool -> model") {
    const std::string text =
        base_with("      models: [small-8b]\n      engine", "      models: [smal-8b]\n      engine");
    const LoadResult r = load_with_test_catalog(text);
    const Diagnostic& d = diagnostic_at(r, "fleet.pools[0].models[0]");
    CHECK(std::pair(d.line, d.column) == position(text, "smal-8b"));
    CHECK_THAT(d.message, Contains("unknown model \"smal-8b\""));
    CHECK(d.hint == "did you mean \"small-8b\"?");
  }
  SECTION("route -> pool") {
    const std::string text = base_with("pools: [gpu, cpu]", "pools: [gpu, cpus]");
    check_single_error(text, "routing[0].pools[1]", position(text, "cpus"), "unknown pool \"cpus\"",
                       "did you mean \"cpu\"?");
  }
  SECTION("route -> model") {
    const std::string text = base_with("  - model: small-8b", "  - model: small-9b");
    check_single_error(text, "routing[0].model", position(text, "small-9b"), "unknown model \"small-9b\"",
                       "did you mean \"small-8b\"?");
  }
  SECTION("step -> model") {
    const std::string text = base_with("llm: {model: small-8b", "llm: {model: big-7b");
    check_single_error(text, "workloads[0].steps[0].llm.model", position(text, "big-7b"), "unknown model \"big-7b\"",
                       "did you mean \"big-70b\"?");
  }
  SECTION("overflow -> pool") {
    const std::string text =
        base_with("    policy: least_outstanding", "    policy: least_outstanding\n    overflow: {pool: gpo, queue_threshold: 4}");
    check_single_error(text, "routing[0].overflow.pool", position(text, "gpo"), "unknown pool \"gpo\"",
                       "did you mean \"gpu\"?");
  }
  SECTION("a name nothing resembles lists what exists") {
    const std::string text = base_with("hardware: test-gpu", "hardware: quantum-computer");
    const LoadResult r = load_with_test_catalog(text);
    const Diagnostic& d = diagnostic_at(r, "fleet.pools[0].hardware");
    CHECK_THAT(d.hint, Contains("\"test-gpu\", \"test-cpu\"") && Contains("top-level `hardware:`"));
  }
}

TEST_CASE("Type errors say what was expected and quote what was found", "[validation]") {
  SECTION("text where an integer belongs") {
    const std::string text = base_with("count: 2", "count: two");
    check_single_error(text, "fleet.pools[0].count", position(text, "two"), "expected a whole number >= 0, found \"two\"");
  }
  SECTION("a fraction where an integer belongs") {
    const std::string text = base_with("tensor_parallel: 1", "tensor_parallel: 1.5");
    check_single_error(text, "fleet.pools[0].engine.tensor_parallel", position(text, "1.5"),
                       "expected a whole number >= 1, found \"1.5\"");
  }
  SECTION("a list where a map belongs") {
    const std::string text = base_with("costs: {pricing: cloud, pue: 1.2}", "costs: [cloud, 1.2]");
    check_single_error(text, "costs", position(text, "[cloud"), "expected a map", "e.g. costs:");
  }
  SECTION("a map where a list belongs") {
    const std::string text = base_with("pools: [gpu, cpu]", "pools: {gpu: 1}");
    check_single_error(text, "routing[0].pools", position(text, "{gpu"), "expected a list", "");
  }
  SECTION("a single name where a list belongs") {
    const std::string text = base_with("pools: [gpu, cpu]", "pools: gpu");
    check_single_error(text, "routing[0].pools", position(text, "pools: gpu", 7), "expected a list of names, found \"gpu\"",
                       "[gpu]");
  }
  SECTION("a boolean") {
    const std::string text = base_with("memory_fraction: 0.9}", "memory_fraction: 0.9, chunked_prefill: maybe}");
    check_single_error(text, "fleet.pools[0].engine.chunked_prefill", position(text, "maybe"),
                       "expected true or false, found \"maybe\"");
  }
  SECTION("an empty value") {
    const std::string text = base_with("  warmup: 1min", "  warmup:");
    const LoadResult r = load_with_test_catalog(text);
    const Diagnostic& d = diagnostic_at(r, "simulation.warmup");
    CHECK_THAT(d.message, Contains("found an empty value"));
  }
  SECTION("a unit missing") {
    const std::string text = base_with("rate: 2/s", "rate: 2");
    check_single_error(text, "workloads[0].arrivals.rate", position(text, "2}"), "expected a rate >= 0, found \"2\"",
                       "a rate needs a unit, e.g. \"2/s\"");
  }
  SECTION("a wrong unit") {
    const std::string text = base_with("latency: 2s", "latency: 2GB");
    check_single_error(text, "workloads[0].steps[1].tool.latency", position(text, "2GB"), "found \"2GB\"",
                       "\"GB\" is a byte size unit");
  }
}

TEST_CASE("Missing required keys are reported at the map that lacks them", "[validation]") {
  SECTION("top level") {
    const std::string text = "description: nothing else\n";
    const LoadResult r = load_with_test_catalog(text);
    std::vector<std::string> messages;
    for (const auto& d : r.diagnostics) messages.push_back(d.message);
    CHECK(r.diagnostics.size() == 4);
    for (const char* key : {"name", "fleet", "workloads", "simulation"}) {
      INFO(key);
      CHECK(std::count(messages.begin(), messages.end(), std::string("missing required key \"") + key + "\"") == 1);
    }
  }
  SECTION("pool count") {
    const std::string text = base_with("      count: 1\n", "");
    check_single_error(text, "fleet.pools[1]", position(text, "name: cpu"), "missing required key \"count\"");
  }
  SECTION("run length") {
    const std::string text = base_with("  duration: 10min\n  warmup: 1min\n", "  seed: 3\n");
    check_single_error(text, "simulation", position(text, "seed: 3"), "expected \"duration\" or \"sessions\"");
  }
  SECTION("both run lengths") {
    const std::string text = base_with("  warmup: 1min\n", "  sessions: 100\n");
    check_single_error(text, "simulation.sessions", position(text, "sessions: 100", 10), "either duration or sessions");
  }
  SECTION("an incomplete new hardware entry lists every missing key") {
    const std::string text = base_with("routing:", "hardware:\n  new-gpu: {kind: gpu, devices: 4}\nrouting:");
    check_single_error(text, "hardware.new-gpu", position(text, "{kind: gpu"),
                       "missing required keys \"peak_flops\", \"memory_bandwidth\", \"memory_capacity\", "
                       "\"efficiency\", \"power\", \"price_per_hour\"",
                       "catalog: NAME");
  }
  SECTION("a cpu entry counts sockets") {
    const std::string text = base_with("routing:", R"(hardware:
  my-cpu: {catalog: test-cpu, devices: 4}
routing:)");
    check_single_error(text, "hardware.my-cpu.devices", position(text, "devices: 4", 9),
                       "a cpu node counts sockets, not devices", "sockets: N");
  }
  SECTION("an accelerator entry counts devices, like a gpu") {
    const std::string text = base_with("routing:", R"(hardware:
  my-tpu: {catalog: test-gpu, kind: accelerator, sockets: 2}
routing:)");
    check_single_error(text, "hardware.my-tpu.sockets", position(text, "sockets: 2", 9),
                       "\"sockets\" applies only to kind: cpu", "an accelerator node counts `devices`");
  }
}

TEST_CASE("Duplicate pool and workload names are errors", "[validation]") {
  const std::string pools = base_with("    - name: cpu", "    - name: gpu");
  const LoadResult r = load_with_test_catalog(pools);
  const Diagnostic& d = diagnostic_at(r, "fleet.pools[1].name");
  CHECK(std::pair(d.line, d.column) == position(pools, "gpu\n      hardware: test-cpu"));
  CHECK_THAT(d.message, Contains("pool name \"gpu\" is used twice"));
  CHECK_THAT(d.hint, Contains("line 4"));

  const std::string workloads = base_with("      - tool: {latency: 2s, result_tokens: 10}\n",
                                          "      - tool: {latency: 2s, result_tokens: 10}\n  - name: chat\n"
                                          "    arrivals: {process: poisson, rate: 1/s}\n"
                                          "    steps: [{llm: {model: small-8b, output_tokens: 5}}]\n");
  check_single_error(workloads, "workloads[1].name", position(workloads, "chat\n    arrivals: {process: poisson, rate: 1"),
                     "workload name \"chat\" is used twice", "line 18");
}

TEST_CASE("Out-of-range values name the allowed range", "[validation]") {
  struct Case {
    std::string from, to, path, needle, message;
    std::size_t skip = 0;
  };
  const std::vector<Case> cases = {
      {"count: 2", "count: -1", "fleet.pools[0].count", "-1", "expected a whole number >= 0, found \"-1\""},
      {"rate: 2/s", "rate: -2/s", "workloads[0].arrivals.rate", "-2/s", "expected a rate >= 0, found \"-2/s\""},
      {"tensor_parallel: 1", "tensor_parallel: 0", "fleet.pools[0].engine.tensor_parallel", "0,",
       "expected a whole number >= 1, found \"0\""},
      {"memory_fraction: 0.9", "memory_fraction: 0", "fleet.pools[0].engine.memory_fraction", "0}",
       "expected a number in (0, 1], found \"0\""},
      {"memory_fraction: 0.9", "memory_fraction: 1.5", "fleet.pools[0].engine.memory_fraction", "1.5",
       "expected a number in (0, 1], found \"1.5\""},
      {"pue: 1.2", "pue: 0.9", "costs.pue", "pue: 0.9", "expected a number >= 1, found \"0.9\"", 5},
      {"warmup: 1min", "warmup: 10min", "simulation.warmup", "warmup: 10min",
       "expected a warm-up shorter than the duration (10 min), found \"10min\"", 8},
      {"tool: {latency: 2s", "tool: {latency: -2s", "workloads[0].steps[1].tool.latency", "-2s",
       "expected a duration in [0, 30 d], found \"-2s\""},
      {"mean: 50}", "mean: 0}", "workloads[0].steps[0].llm.output_tokens.mean", "0}}",
       "expected a number in (0, 10000000], found \"0\""},
  };
  for (const auto& c : cases) {
    INFO(c.to);
    const std::string text = base_with(c.from, c.to);
    check_single_error(text, c.path, position(text, c.needle, c.skip), c.message);
  }
}

TEST_CASE("SLO percentiles lie strictly between 0 and 100", "[validation]") {
  const std::string text = base_with("      - tool: {latency: 2s, result_tokens: 10}\n",
                                     "      - tool: {latency: 2s, result_tokens: 10}\n    slo: {percentile: 100, ttft: 1s}\n");
  check_single_error(text, "workloads[0].slo.percentile", position(text, "percentile: 100", 12),
                     "expected a number in (0, 100), found \"100\"");
}

TEST_CASE("Distribution parameters are checked", "[validation]") {
  const std::string dist = "{dist: exponential, mean: 50}";
  struct Case {
    std::string to, path, needle, message;
  };
  const std::vector<Case> cases = {
      {"{dist: normal, mean: 50, stddev: -1}", "workloads[0].steps[0].llm.output_tokens.stddev", "-1",
       "expected a number in [0, 10000000], found \"-1\""},
      {"{dist: uniform, min: 50, max: 10}", "workloads[0].steps[0].llm.output_tokens.max", "10}",
       "expected max >= min (\"50\"), found \"10\""},
      {"{dist: normal, mean: 50, stddev: 5, min: 60, max: 40}", "workloads[0].steps[0].llm.output_tokens.max", "40}",
       "expected max >= min"},
      {"{dist: empirical, values: []}", "workloads[0].steps[0].llm.output_tokens.values", "[]",
       "expected at least one value, found an empty list"},
      {"{dist: empirical, values: [1, 2], weights: [1, -1]}", "workloads[0].steps[0].llm.output_tokens.weights[1]",
       "-1]", "expected a number in [0, 1000000000000], found \"-1\""},
      {"{dist: empirical, values: [1, 2], weights: [1]}", "workloads[0].steps[0].llm.output_tokens.weights", "[1]",
       "expected one weight per value (2), found 1"},
      {"{dist: empirical, values: [1, 2], weights: [0, 0]}", "workloads[0].steps[0].llm.output_tokens.weights",
       "[0, 0]", "at least one positive weight"},
      {"{dist: lognormal, median: 50, stddev: 3}", "workloads[0].steps[0].llm.output_tokens", "{dist: lognormal",
       "either median and sigma, or mean and stddev"},
      {"{dist: exponential, mean: 50, sigma: 2}", "workloads[0].steps[0].llm.output_tokens.sigma", "sigma",
       "unknown key \"sigma\""},
      {"{mean: 50}", "workloads[0].steps[0].llm.output_tokens", "{mean", "missing required key \"dist\""},
  };
  for (const auto& c : cases) {
    INFO(c.to);
    const std::string text = base_with(dist, c.to);
    check_single_error(text, c.path, position(text, c.needle), c.message);
  }
}

TEST_CASE("Arrival processes are checked", "[validation]") {
  SECTION("total arrival rate 0") {
    const std::string text = base_with("rate: 2/s", "rate: 0/s");
    check_single_error(text, "workloads", position(text, "- name: chat"), "total arrival rate is 0");
  }
  SECTION("piecewise pieces start at 0 and ascend") {
    const std::string text = base_with("{process: poisson, rate: 2/s}",
                                       "{process: piecewise, pieces: [{at: 5s, rate: 1/s}, {at: 10min, rate: 2/s}, "
                                       "{at: 1min, rate: 1/s}]}");
    const LoadResult r = load_with_test_catalog(text);
    CHECK(error_count(r) == 2);
    const Diagnostic& first = diagnostic_at(r, "workloads[0].arrivals.pieces[0].at");
    CHECK_THAT(first.message, Contains("start at 0s"));
    const Diagnostic& order = diagnostic_at(r, "workloads[0].arrivals.pieces[2].at");
    CHECK(std::pair(order.line, order.column) == position(text, "1min"));
    CHECK_THAT(order.message, Contains("after the previous piece's (10 min)"));
  }
  SECTION("diurnal amplitude in [0, 1]") {
    const std::string text =
        base_with("{process: poisson, rate: 2/s}", "{process: diurnal, rate: 2/s, amplitude: 1.5, period: 24h}");
    check_single_error(text, "workloads[0].arrivals.amplitude", position(text, "1.5"),
                       "expected a number in [0, 1], found \"1.5\"");
  }
}

TEST_CASE("Steps are single-key maps", "[validation]") {
  SECTION("two keys in one item") {
    const std::string text = base_with("      - tool: {latency: 2s, result_tokens: 10}",
                                       "        tool: {latency: 2s, result_tokens: 10}");
    check_single_error(text, "workloads[0].steps[0]", position(text, "llm:"),
                       "expected one key per step (llm, tool, loop, parallel, agent or choose), found 2: \"llm\", \"tool\"",
                       "its own \"- \"");
  }
  SECTION("an unknown step kind") {
    const std::string text = base_with("      - tool: {", "      - tol: {");
    check_single_error(text, "workloads[0].steps[1].tol", position(text, "tol:"), "unknown step kind \"tol\"",
                       "did you mean \"tool\"?");
  }
  SECTION("an empty loop") {
    const std::string text = base_with("      - tool: {latency: 2s, result_tokens: 10}",
                                       "      - loop: {repeat: 3, steps: []}");
    check_single_error(text, "workloads[0].steps[1].loop.steps", position(text, "[]}"),
                       "expected at least one step, found an empty list");
  }
  SECTION("an llm step needs output_tokens") {
    const std::string text = base_with("prompt_tokens: 100, output_tokens: {dist: exponential, mean: 50}}",
                                       "prompt_tokens: 100}");
    check_single_error(text, "workloads[0].steps[0].llm", position(text, "{model: small-8b"),
                       "missing required key \"output_tokens\"");
  }
}

TEST_CASE("Engine settings must fit the node's devices", "[validation]") {
  SECTION("tensor_parallel divides the device count") {
    const std::string text = base_with("tensor_parallel: 1", "tensor_parallel: 3");
    check_single_error(text, "fleet.pools[0].engine.tensor_parallel", position(text, "3,"),
                       "tensor_parallel 3 does not divide the 8 devices", "use one of 1, 2, 4, 8");
  }
  SECTION("replicas x tensor_parallel <= devices") {
    const std::string text = base_with("tensor_parallel: 1", "tensor_parallel: 4, replicas_per_node: 3");
    check_single_error(text, "fleet.pools[0].engine.replicas_per_node", position(text, "3,"),
                       "3 replicas x tensor_parallel 4 need 12 devices", "at most 2 replicas fit");
  }
  SECTION("tensor parallelism needs an interconnect") {
    const std::string text = base_with("      models: [small-8b]\nrouting:",
                                       "      models: [small-8b]\n      engine: {tensor_parallel: 2}\nrouting:");
    check_single_error(text, "fleet.pools[1].engine.tensor_parallel", position(text, "2}\nrouting"),
                       "no interconnect_bandwidth");
  }
  SECTION("more models than replicas per node") {
    const std::string text = base_with("tensor_parallel: 1, memory_fraction: 0.9}", "tensor_parallel: 8}");
    const std::string two_models = base_with("      models: [small-8b]\n      engine", "      models: [small-8b, big-70b]\n      engine", text);
    const LoadResult r = load_with_test_catalog(two_models);
    const Diagnostic& d = diagnostic_at(r, "fleet.pools[0].models[1]");
    CHECK_THAT(d.message, Contains("runs 1 replica per node but lists 2 models") && Contains("\"big-70b\" would never run"));
  }
  SECTION("kv_retention: ttl needs kv_ttl, and kv_ttl needs ttl") {
    const std::string needs = base_with("memory_fraction: 0.9}", "memory_fraction: 0.9, kv_retention: ttl}");
    check_single_error(needs, "fleet.pools[0].engine.kv_retention", position(needs, "ttl}"),
                       "kv_retention: ttl needs kv_ttl");
    const std::string stray = base_with("memory_fraction: 0.9}", "memory_fraction: 0.9, kv_ttl: 30s}");
    check_single_error(stray, "fleet.pools[0].engine.kv_ttl", position(stray, "30s"),
                       "kv_ttl applies only with kv_retention: ttl");
  }
}

TEST_CASE("A model whose weights do not fit is an error naming the sizes", "[validation]") {
  const std::string text = base_with("      models: [small-8b]\n      engine", "      models: [big-70b]\n      engine");
  const std::string used = base_with("llm: {model: small-8b", "llm: {model: big-70b", text);
  const std::string routed = base_with("  - model: small-8b\n    pools: [gpu, cpu]", "  - model: big-70b\n    pools: [gpu]", used);
  const LoadResult r = load_with_test_catalog(routed);
  INFO(messages(r));
  REQUIRE(error_count(r) == 1);
  const Diagnostic& d = diagnostic_at(r, "fleet.pools[0].models[0]");
  CHECK(std::pair(d.line, d.column) == position(routed, "big-70b]"));
  // 70.6e9 params x 2 bytes = 131.5 GiB; 80 GB x 0.9 = 67.1 GiB.
  CHECK_THAT(d.message, Contains("\"big-70b\" does not fit on \"test-gpu\""));
  CHECK_THAT(d.message, Contains("131.5 GiB of bf16 weights per device (tensor_parallel 1)"));
  CHECK_THAT(d.message, Contains("67.1 GiB usable per device (74.5 GiB x memory_fraction 0.9)"));
  CHECK_THAT(d.hint, Contains("engine.tensor_parallel: 2 would fit"));
  CHECK_THAT(d.hint, Contains("fp8 weights would fit"));
  CHECK_THAT(d.hint, Contains("more memory per device"));

  const std::string reserved = base_with("memory_fraction: 0.9}", "memory_fraction: 0.9, tensor_parallel: 2, activation_reserve: 2GiB}",
                                         base_with("tensor_parallel: 1, ", "", routed));
  const LoadResult with_reserve = load_with_test_catalog(reserved);
  const Diagnostic& r2 = diagnostic_at(with_reserve, "fleet.pools[0].models[0]");
  CHECK_THAT(r2.message, Contains("65.8 GiB") && Contains("+ 2.0 GiB activation reserve"));
  CHECK_THAT(r2.hint, Contains("tensor_parallel: 4 would fit"));
}

TEST_CASE("Every model a workload calls must be served by a pool with nodes", "[validation]") {
  SECTION("served by no pool") {
    const std::string text = base_with("      - tool: {latency: 2s, result_tokens: 10}",
                                       "      - llm: {model: big-70b, output_tokens: 10}");
    check_single_error(text, "workloads[0].steps[1].llm.model", position(text, "big-70b"),
                       "no pool serves model \"big-70b\"", "add \"big-70b\" to the `models:` of a pool");
  }
  SECTION("only server has count 0") {
    const std::string text =
        base_with("  - model: small-8b\n    pools: [gpu, cpu]\n    policy: least_outstanding\n", "",
                  base_with("      count: 1\n      models: [small-8b]", "      count: 0\n      models: [big-70b]",
                            base_with("count: 2", "count: 0")));
    const LoadResult r = load_with_test_catalog(text);
    INFO(messages(r));
    CHECK(error_count(r) == 1);
    const Diagnostic& d = diagnostic_at(r, "fleet.pools[0].count");
    CHECK(std::pair(d.line, d.column) == position(text, "0\n      models: [small-8b]"));
    CHECK_THAT(d.message, Contains("pool \"gpu\" is the only server of model \"small-8b\" but has count: 0"));
    CHECK_THAT(d.hint, Contains("workloads[0].steps[0].llm.model (line"));
  }
  SECTION("a route leading only to empty pools") {
    const std::string text =
        base_with("pools: [gpu, cpu]", "pools: [cpu]", base_with("      count: 1\n", "      count: 0\n"));
    check_single_error(text, "routing[0].pools", position(text, "cpu]"), "every pool this route sends");
  }
  SECTION("a route naming a pool that does not serve the model") {
    const std::string text = base_with("      models: [small-8b]\nrouting:", "      models: [big-70b]\nrouting:");
    const LoadResult r = load_with_test_catalog(text);
    const Diagnostic& d = diagnostic_at(r, "routing[0].pools[1]");
    CHECK(std::pair(d.line, d.column) == position(text, "cpu]"));
    CHECK_THAT(d.message, Contains("pool \"cpu\" does not serve model \"small-8b\" (its models: \"big-70b\")"));
    CHECK_THAT(d.hint, Contains("pools serving \"small-8b\": \"gpu\""));
  }
  SECTION("a pool serving a model nobody calls is only a warning") {
    const std::string text =
        base_with("      models: [small-8b]\nrouting:", "      models: [small-8b, big-70b]\nrouting:");
    const LoadResult r = load_with_test_catalog(text);
    INFO(messages(r));
    REQUIRE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    const Diagnostic& d = r.diagnostics[0];
    CHECK(d.severity == Severity::warning);
    CHECK(d.key_path == "fleet.pools[1].models[1]");
    CHECK_THAT(d.format(), Contains("warning: fleet.pools[1].models[1]: pool \"cpu\" serves model \"big-70b\""));
  }
}

TEST_CASE("Every error in a file is reported, in file order", "[validation]") {
  std::string text = base_with("count: 2", "count: lots");
  text = base_with("policy: least_outstanding", "policy: fastest", text);
  text = base_with("rate: 2/s", "rate: 2/sec", text);
  text = base_with("pue: 1.2", "pue: 0.5", text);
  text = base_with("duration: 10min", "duration: 10 minutes", text);
  text = base_with("hardware: test-cpu", "hardware: test-cpux", text);
  const LoadResult r = load_with_test_catalog(text);
  INFO(messages(r));
  REQUIRE_FALSE(r.ok());
  CHECK(error_count(r) == 6);
  std::vector<std::string> paths;
  for (const auto& d : r.diagnostics) paths.push_back(d.key_path);
  CHECK(paths == std::vector<std::string>{"fleet.pools[0].count", "fleet.pools[1].hardware", "routing[0].policy",
                                          "workloads[0].arrivals.rate", "costs.pue", "simulation.duration"});
  for (std::size_t i = 1; i < r.diagnostics.size(); ++i)
    CHECK(r.diagnostics[i - 1].line <= r.diagnostics[i].line);
}

TEST_CASE("Truncated and garbled scenarios never crash the loader", "[validation][fuzz]") {
  std::ifstream in(FLEETSIM_SOURCE_DIR "/tests/data/full_scenario.yaml");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string full = buffer.str();
  REQUIRE(full.size() > 1000);
  const Catalog& catalog = Catalog::builtin();

  auto check_no_crash = [&](const std::string& text) {
    LoadResult r;
    REQUIRE_NOTHROW(r = load_scenario_text(text, "fuzz.yaml", catalog));
    if (!r.ok()) {
      REQUIRE_FALSE(r.diagnostics.empty());
      for (const auto& d : r.diagnostics) REQUIRE_FALSE(d.message.empty());
    }
  };
  for (std::size_t cut = 0; cut < full.size(); cut += 7) check_no_crash(full.substr(0, cut));

  Rng rng(2024, 1);
  const std::string noise = ":-[]{},#&*!|>'\"%@` \n\t0123456789.eE/sGiBxyz";
  for (int round = 0; round < 400; ++round) {
    std::string text = full;
    const int edits = 1 + static_cast<int>(rng.next_u64() % 6);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng.next_u64() % text.size();
      switch (rng.next_u64() % 3) {
        case 0: text[at] = noise[rng.next_u64() % noise.size()]; break;
        case 1: text.erase(at, 1 + rng.next_u64() % 20); break;
        default: text.insert(at, 1, noise[rng.next_u64() % noise.size()]); break;
      }
      if (text.empty()) text = "x";
    }
    check_no_crash(text);
  }
  for (const char* odd : {"name: [", "{{{{{{{{", "- - - -", "&a [*a]", "name: *unknown", "? [a]\n: b",
                          "fleet: {pools: [[[]]]}", "workloads: [{steps: [{loop: {steps: [{loop: {}}]}}]}]",
                          "\xff\xfe\x00garbage", "simulation: {duration: 1e999h}", "name: !!binary x",
                          "a: &x {<<: *x}", "fleet: &f {pools: [{<<: *f}]}", "fleet: {<<: [1, 2]}"}) {
    check_no_crash(odd);
  }
}
