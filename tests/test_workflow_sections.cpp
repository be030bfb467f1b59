// The scenario sections for the planning workflows: `expect:` (check) and
// `plan:` (plan), read and validated by the loader; expectation files.
#include <catch2/catch.hpp>

#include <string>

#include "fleetsim/workflows/expectations.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "fleetsim/workflows/scenario_sections.hpp"
#include "support/cli_runner.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::messages;

namespace {

std::string scenario_with(const std::string& extra) {
  return R"(name: sections
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}
    - {name: cpu, hardware: graviton4-c8g.48xlarge, count: 2, models: [llama-3.1-8b]}
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 1/s}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 10}
    slo: {ttft: 2s}
simulation: {duration: 10min}
)" + extra;
}

}  // namespace

TEST_CASE("An expect: section becomes expectations with their origin", "[expect]") {
  const WorkflowLoad r = load_scenario_text_with_sections(scenario_with(R"(expect:
  fleet.cost_per_session_usd: {max: 0.004}
  pools.gpu.utilization: {min: 0.3, max: 0.9}
  fleet.energy_per_session_j: {tolerance: 5%}
)"),
                                          "s.yaml");
  INFO(messages(r));
  REQUIRE(r.ok());
  REQUIRE(r.expectations.size() == 3);
  CHECK(r.expectations[0].figure == "fleet.cost_per_session_usd");
  CHECK(r.expectations[0].max == Approx(0.004));
  CHECK_FALSE(r.expectations[0].min);
  CHECK(r.expectations[0].origin == "s.yaml:14:3");
  CHECK(r.expectations[1].min == Approx(0.3));
  CHECK(r.expectations[2].tolerance == Approx(0.05));
}

TEST_CASE("A malformed expect: section is a located error", "[expect]") {
  const WorkflowLoad r = load_scenario_text_with_sections(scenario_with(R"(expect:
  fleet.cost_per_session_usd: {maxx: 1}
  pools.gpu.utilization: {min: 0.9, max: 0.3}
  fleet.nodes: {tolerance: lots}
  fleet.total_cost_usd: 3
)"),
                                          "s.yaml");
  CHECK_FALSE(r.ok());
  const std::string text = messages(r);
  CHECK_THAT(text, Contains("s.yaml:14:32: error: expect.fleet.cost_per_session_usd.maxx: unknown key"));
  CHECK_THAT(text, Contains("did you mean \"max\""));
  CHECK_THAT(text, Contains("min 0.9 is above max 0.3"));
  CHECK_THAT(text, !Contains("needs min, max or tolerance"));  // the misspelt key says it all
  CHECK_THAT(text, Contains("expected a relative tolerance >= 0 such as 5%"));
  CHECK_THAT(text, Contains("expect.fleet.total_cost_usd: expected a map"));
}

TEST_CASE("A plan: section is checked against the fleet and the catalog", "[plan]") {
  SECTION("valid, with the pool's own hardware filled in") {
    const WorkflowLoad r = load_scenario_text_with_sections(scenario_with(R"(plan:
  pools:
    gpu: {min: 0, max: 3}
    cpu: {max: 8, hardware: [graviton4-c8g.48xlarge, graviton3-c7g.16xlarge]}
)"),
                                            "s.yaml");
    INFO(messages(r));
    REQUIRE(r.ok());
    REQUIRE(r.plan);
    REQUIRE(r.plan->pools.size() == 2);
    CHECK(r.plan->pools[0].pool == "gpu");
    CHECK(r.plan->pools[0].max_count == 3);
    REQUIRE(r.plan->pools[0].hardware.size() == 1);
    CHECK(r.plan->pools[0].hardware[0].name == "h100-p5.48xlarge");
    CHECK(r.plan->pools[0].hardware[0].price_per_hour_usd > 0);
    CHECK_FALSE(r.plan->pools[0].hardware_listed);
    CHECK(r.plan->pools[1].min_count == 0);
    REQUIRE(r.plan->pools[1].hardware.size() == 2);
    CHECK(r.plan->pools[1].hardware[1].name == "graviton3-c7g.16xlarge");
    CHECK(r.plan->pools[1].hardware_listed);
  }
  SECTION("unknown pools and hardware, and inverted ranges") {
    const WorkflowLoad r = load_scenario_text_with_sections(scenario_with(R"(plan:
  pools:
    gpus: {max: 3}
    cpu: {min: 4, max: 2, hardware: [graviton5]}
)"),
                                            "s.yaml");
    CHECK_FALSE(r.ok());
    const std::string text = messages(r);
    CHECK_THAT(text, Contains("no pool named \"gpus\" in fleet.pools"));
    CHECK_THAT(text, Contains("did you mean \"gpu\"?"));
    CHECK_THAT(text, Contains("max 2 is below min 4"));
    CHECK_THAT(text, Contains("unknown hardware \"graviton5\""));
  }
}

TEST_CASE("An expectations file has one key, expect:", "[expect]") {
  using fleetsim::testing::write_temp_file;
  const auto good = load_expectations_file(write_temp_file("good-expect.yaml", "expect:\n  fleet.nodes: {max: 3}\n"));
  CHECK(good.ok());
  REQUIRE(good.expectations.size() == 1);
  CHECK(good.expectations[0].origin.find("good-expect.yaml:2:3") != std::string::npos);
  const auto bad = load_expectations_file(write_temp_file("bad-expect.yaml", "expects:\n  fleet.nodes: {max: 3}\n"));
  CHECK_FALSE(bad.ok());
  const auto missing = load_expectations_file("/nonexistent/expect.yaml");
  CHECK_FALSE(missing.ok());
}

TEST_CASE("Tolerances read as percentages or fractions", "[expect]") {
  CHECK(parse_tolerance("5%") == Approx(0.05));
  CHECK(parse_tolerance("0.02") == Approx(0.02));
  CHECK(parse_tolerance("0") == Approx(0.0));
  CHECK_FALSE(parse_tolerance("-1%"));
  CHECK_FALSE(parse_tolerance("five"));
  CHECK_FALSE(parse_tolerance("%"));
}

TEST_CASE("io's loader alone leaves the workflow sections unread", "[expect][plan]") {
  // The loader knows `expect` and `plan` as keys; what they hold is read only
  // by the readers the workflows install.
  const std::string text = scenario_with("expect:\n  fleet.nodes: {maxx: 1}\nplan:\n  pools:\n    gpus: {max: 3}\n");
  const LoadResult plain = load_scenario_text(text, "s.yaml");
  INFO(messages(plain));
  CHECK(plain.ok());
  const WorkflowLoad sectioned = load_scenario_text_with_sections(text, "s.yaml");
  CHECK_FALSE(sectioned.ok());
  const std::string found = messages(sectioned);
  CHECK_THAT(found, Contains("s.yaml:14:17: error: expect.fleet.nodes.maxx: unknown key"));
  CHECK_THAT(found, Contains("s.yaml:17:5: error: plan.pools.gpus: no pool named \"gpus\" in fleet.pools"));
}

TEST_CASE("A broken expect: or plan: fails validate, run and check alike", "[expect][plan][cli]") {
  using fleetsim::testing::run_fleetsim;
  using fleetsim::testing::write_temp_file;
  const std::string path = write_temp_file(
      "broken-sections.yaml", scenario_with("expect:\n  fleet.nodes: {min: 3, max: 1}\nplan:\n  pools:\n"
                                            "    cpu: {max: 2, hardware: [graviton5]}\n"));
  const auto validate = run_fleetsim("validate '" + path + "'");
  CHECK(validate.exit_code == 1);
  CHECK_THAT(validate.out, Contains("broken-sections.yaml: 2 errors"));
  CHECK_THAT(validate.err,
             Contains("broken-sections.yaml:14:16: error: expect.fleet.nodes: min 3 is above max 1: nothing could meet it"));
  CHECK_THAT(validate.err,
             Contains("broken-sections.yaml:17:30: error: plan.pools.cpu.hardware[0]: unknown hardware \"graviton5\""));
  // The commands that would run something print the same diagnostics, then
  // say that nothing was run, and write nothing.
  for (const std::string command : {"run", "check", "plan"}) {
    INFO(command);
    const auto r = run_fleetsim(command + " '" + path + "'");
    CHECK(r.exit_code == 1);
    CHECK(r.err == validate.err + path + ": 2 errors, nothing was run\n");
    CHECK(r.out.empty());
  }
}
