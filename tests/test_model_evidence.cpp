// The validation suite's evidence per pool: the compiled-in figures agree
// with the cross-validation docs/validation.md records, name only catalog
// entries, and reach every pool of a report (a CPU pool's by the regime its
// run was in, too).
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/evidence_catalog.hpp"
#include "fleetsim/workflows/recorded_cross_validation.hpp"
#include "support/cli_runner.hpp"
#include "support/report_run.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

TEST_CASE("The built-in evidence is the cross-validation docs/validation.md records", "[evidence]") {
  const ModelEvidence& e = builtin_model_evidence();
  const auto rows = recorded_cross_validation(read_file(source("docs/validation.md")));
  REQUIRE(rows);
  std::size_t classes = 0, stacks = 0, regimes = 0;
  for (const CrossValidationRow& row : *rows) {
    if (row.cases == kCpuBatchedRegime || row.cases == kCpuBatchOneRegime) {
      INFO(row.cases);
      REQUIRE(e.regimes().count(row.cases) == 1);
      const EvidenceFigures& f = e.regimes().at(row.cases);
      CHECK(f.cases == row.n);
      CHECK(fmt::format("{:.1f}%", 100 * f.median_error) == row.median);
      CHECK(f.beyond_35 == row.above_35);
      ++regimes;
      continue;
    }
    const bool is_class = row.cases.rfind("class ", 0) == 0, is_stack = row.cases.rfind("stack ", 0) == 0;
    if (!is_class && !is_stack) continue;
    const std::string name = row.cases.substr(6);
    const auto& table = is_class ? e.classes() : e.stacks();
    INFO(row.cases);
    REQUIRE(table.count(name) == 1);
    const EvidenceFigures& f = table.at(name);
    CHECK(f.cases == row.n);
    CHECK(fmt::format("{:.1f}%", 100 * f.median_error) == row.median);
    CHECK(f.beyond_35 == row.above_35);
    ++(is_class ? classes : stacks);
  }
  // Every class and stack of the file is a row of the record, and there are some.
  CHECK(classes == e.classes().size());
  CHECK(stacks == e.stacks().size());
  CHECK(regimes == e.regimes().size());
  CHECK(regimes == 2);
  CHECK(classes >= 10);
  // A class names catalog entries (each in one class: the reader refuses a second).
  for (const auto& [entry, cls] : e.class_of_entry()) {
    INFO(entry);
    CHECK(Catalog::builtin().find_hardware(entry) != nullptr);
    CHECK(e.classes().count(cls) == 1);
  }
}

TEST_CASE("A pool's evidence: its entry's class and its stack, or none", "[evidence]") {
  ModelEvidence e;
  e.add_class("hopper", {"h100-p5.48xlarge", "h200-p5en.48xlarge"}, {163, 0.089, 12});
  e.add_class("genoa", {}, {48, 0.205, 14});
  e.add_stack("tensorrt-llm-engine", {101, 0.086, 8});
  e.add_stack("none", {2, 0.627, 1});
  const PoolEvidence h200 = e.for_pool("h200-p5en.48xlarge", "tensorrt-llm-engine");
  CHECK(h200.hardware_class == "hopper");
  CHECK(h200.hardware.cases == 163);
  CHECK(h200.hardware.median_error == 0.089);
  CHECK(h200.hardware.beyond_35 == 12);
  CHECK(h200.stack == "tensorrt-llm-engine");
  CHECK(h200.stack_figures.cases == 101);
  // Hardware of no class, a stack no case ran, and no stack at all (the
  // suite's "none" is its cases without a stack, not a pool's lack of one).
  const PoolEvidence own = e.for_pool("my-gpu", "vllm-v1");
  CHECK(own.hardware_class.empty());
  CHECK(own.hardware.cases == 0);
  CHECK(std::isnan(own.hardware.median_error));
  CHECK(own.stack.empty());
  CHECK(e.for_pool("h100-p5.48xlarge", "").stack.empty());
}

TEST_CASE("A CPU pool's regime follows its mean batch, and other pools have none", "[evidence]") {
  ModelEvidence e;
  e.add_class("graviton4", {"graviton4-c8g.48xlarge"}, {55, 0.13, 3});
  e.add_regime(kCpuBatchedRegime, {80, 0.13, 8});
  e.add_regime(kCpuBatchOneRegime, {137, 0.111, 10});
  CHECK_THROWS_AS(e.add_regime("GPU at batch 64", {1, 0.1, 0}), std::invalid_argument);
  PoolEvidence p = e.for_pool("graviton4-c8g.48xlarge", "");
  p.choose_regime(true, 16.0);
  REQUIRE(p.regime);
  CHECK(p.regime->name == kCpuBatchedRegime);
  CHECK(p.regime->figures.cases == 80);
  // 1.46 reads 1.5 at one decimal (batched), 1.44 reads 1.4 (one sequence).
  p.choose_regime(true, 1.46);
  REQUIRE(p.regime);
  CHECK(p.regime->name == kCpuBatchedRegime);
  p.choose_regime(true, 1.44);
  REQUIRE(p.regime);
  CHECK(p.regime->name == kCpuBatchOneRegime);
  CHECK(p.regime->figures.median_error == 0.111);
  p.choose_regime(false, 16.0);  // a GPU pool
  CHECK_FALSE(p.regime);
  // Evidence without regimes (a file from before them) gives none.
  ModelEvidence bare;
  PoolEvidence q = bare.for_pool("graviton4-c8g.48xlarge", "");
  q.choose_regime(true, 16.0);
  CHECK_FALSE(q.regime);
}

TEST_CASE("An evidence file with a malformed figure is refused, naming the entry", "[evidence]") {
  CHECK(read_model_evidence("regimes:\n  \"CPU at batch > 1\": {cases: 80, median_error: 13.0%, beyond_35: 8}\n")
            .regimes()
            .at(kCpuBatchedRegime)
            .cases == 80);
  for (const char* bad : {"regimes:\n  \"GPU at batch 9\": {cases: 1, median_error: 5%, beyond_35: 0}\n",
                          "regimes:\n  \"CPU at batch 1\": {cases: 1, median_error: 5, beyond_35: 0}\n"}) {
    INFO(bad);
    CHECK_THROWS_WITH(read_model_evidence(bad), Catch::Contains("regimes"));
  }
  CHECK(read_model_evidence("classes:\n  a: {entries: [], cases: 3, median_error: 5%, beyond_35: 0}\n")
            .classes()
            .at("a")
            .median_error == Approx(0.05));
  for (const char* bad : {"classes:\n  a: {entries: [], cases: 3, median_error: 5, beyond_35: 0}\n",
                          "classes:\n  a: {entries: [], cases: 3, median_error: 5%x%, beyond_35: 0}\n",
                          "stacks:\n  s: {cases: 2, median_error: 5%, beyond_35: 3}\n",
                          "stacks:\n  s: {cases: two, median_error: 5%, beyond_35: 0}\n",
                          "classes:\n  z: {entries: [x], cases: 1, median_error: 5%, beyond_35: 0}\n"
                          "  a: {entries: [x], cases: 1, median_error: 5%, beyond_35: 0}\n"}) {
    INFO(bad);
    try {
      read_model_evidence(bad);
      FAIL("accepted");
    } catch (const std::runtime_error& err) {
      const std::string what = err.what();
      CHECK((what.find("classes.a") != std::string::npos || what.find("stacks.s") != std::string::npos));
    }
  }
}

TEST_CASE("Every pool of a report carries its evidence, in JSON and in the table", "[evidence][cli]") {
  const nlohmann::json r = run_scenario_json(kQuickstart);
  REQUIRE(!r["pools"].empty());
  const ModelEvidence& e = builtin_model_evidence();
  int cpu_pools = 0;
  for (const auto& pool : r["pools"]) {
    INFO(pool["name"]);
    REQUIRE(pool.contains("evidence"));
    const auto& ev = pool["evidence"];
    const std::string hardware = pool["hardware"];
    const auto cls = e.class_of_entry().find(hardware);
    if (cls == e.class_of_entry().end()) {
      CHECK_FALSE(ev.contains("class"));
      CHECK(ev["class_cases"] == 0);
    } else {
      CHECK(ev["class"] == cls->second);
      CHECK(ev["class_cases"] == e.classes().at(cls->second).cases);
      CHECK(ev["class_median_error"].get<double>() == Approx(e.classes().at(cls->second).median_error));
    }
    // A CPU pool that served calls: the regime of its mean batch; others none.
    if (pool["kind"] == "cpu" && pool["llm_calls"].get<double>() > 0) {
      REQUIRE(ev.contains("regime"));
      const std::string regime = runs_batched(pool["mean_batch_size"].get<double>()) ? kCpuBatchedRegime
                                                                                       : kCpuBatchOneRegime;
      CHECK(ev["regime"]["name"] == regime);
      CHECK(ev["regime"]["cases"] == e.regimes().at(regime).cases);
      CHECK(ev["regime"]["median_error"].get<double>() == Approx(e.regimes().at(regime).median_error));
      ++cpu_pools;
    } else {
      CHECK_FALSE(ev.contains("regime"));
    }
  }
  CHECK(cpu_pools > 0);  // the quickstart's Graviton4 pool
  const CliResult table = run_fleetsim("run " + q(kQuickstart) + " --no-progress");
  REQUIRE(table.exit_code == 0);
  CHECK(contains(table.out, "Model evidence"));
  CHECK((contains(table.out, kCpuBatchedRegime) || contains(table.out, kCpuBatchOneRegime)));
}

TEST_CASE("A scenario's hardware that starts from a built-in entry keeps its class", "[evidence][cli]") {
  const std::string yaml = R"(name: evidence-derived
hardware:
  h100-single: {catalog: h100-p5.48xlarge, devices: 1, instance: p5.4xlarge}
models:
  small: {catalog: llama-3.1-8b}
fleet:
  pools:
    - {name: derived, hardware: h100-single, count: 1, models: [small], engine: {stack: tensorrt-llm-engine}}
    - {name: builtin, hardware: h100-p5.48xlarge, count: 1, models: [small]}
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 2/s}
    steps:
      - llm: {model: small, prompt_tokens: 100, output_tokens: 20}
simulation: {duration: 30s, warmup: 0s, seed: 1}
)";
  const nlohmann::json r = run_report_json("evidence-derived.yaml", yaml);
  const ModelEvidence& e = builtin_model_evidence();
  REQUIRE(r["pools"].size() == 2);
  for (const auto& pool : r["pools"]) {
    INFO(pool["name"]);
    CHECK(pool["evidence"]["class"] == "hopper");
    CHECK(pool["evidence"]["class_cases"] == e.classes().at("hopper").cases);
  }
  // The stack's own figures where it names one the suite ran, none where it names none.
  CHECK(r["pools"][0]["evidence"]["stack"] == "tensorrt-llm-engine");
  CHECK(r["pools"][0]["evidence"]["stack_cases"] == e.stacks().at("tensorrt-llm-engine").cases);
  CHECK_FALSE(r["pools"][1]["evidence"].contains("stack"));
  CHECK(r["pools"][1]["evidence"]["stack_cases"] == 0);
  CHECK(r["pools"][1]["evidence"]["stack_median_error"].is_null());
}

TEST_CASE("A catalog file's entry that starts from a built-in one keeps its class", "[evidence][cli]") {
  const std::string overlay =
      write_temp_file("evidence-overlay.yaml", "hardware:\n  h200-one: {catalog: h200-p5en.48xlarge, devices: 1}\n");
  const std::string scenario = write_temp_file("evidence-overlay-scenario.yaml", R"(name: evidence-overlay
models:
  small: {catalog: llama-3.1-8b}
fleet:
  pools:
    - {name: one, hardware: h200-one, count: 1, models: [small]}
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 1/s}
    steps:
      - llm: {model: small, prompt_tokens: 100, output_tokens: 20}
simulation: {duration: 20s, warmup: 0s, seed: 1}
)");
  const CliResult res = run_fleetsim("--catalog " + q(overlay) + " run " + q(scenario) + " --format json --no-progress");
  INFO(res.err);
  REQUIRE(res.exit_code == 0);
  const nlohmann::json r = nlohmann::json::parse(res.out);
  CHECK(r["pools"][0]["evidence"]["class"] == "hopper");
  CHECK(r["pools"][0]["evidence"]["class_cases"] == builtin_model_evidence().classes().at("hopper").cases);
}
