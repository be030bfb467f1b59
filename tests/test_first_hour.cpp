// What a new user hits in the first hour (issue 15): each rough edge found by
// trying the README and docs, with the behaviour that fixed it.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using Catch::Matchers::Contains;
using fleetsim::testing::read_file;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::source;
using fleetsim::testing::temp_path;
using fleetsim::testing::write_temp_file;

namespace {

// Runs the binary from another working directory.
fleetsim::testing::CliResult run_in(const std::string& dir, const std::string& args) {
  const std::string out = temp_path("in-dir-out"), err = temp_path("in-dir-err");
  const std::string command =
      "cd '" + dir + "' && '" + std::string(FLEETSIM_BINARY) + "' " + args + " >'" + out + "' 2>'" + err + "'";
  const int status = std::system(command.c_str());
  fleetsim::testing::CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace

TEST_CASE("check --report-dir creates a missing directory (the CI example in a fresh checkout)", "[first-hour]") {
  const std::string dir = temp_path("fresh") + "/reports";
  REQUIRE_FALSE(std::filesystem::exists(dir));
  const auto r = run_fleetsim("check " + source("scenarios/quickstart.yaml") + " --report-dir '" + dir + "' -j 2");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::is_regular_file(dir + "/quickstart.json"));
}

TEST_CASE("validate shows a variant's own errors when the base has one", "[first-hour]") {
  const std::string file = write_temp_file("broken-variants.yaml", R"(name: v
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}
workloads:
  - name: chat
    arrivals: {rate: fast}
    steps: [{llm: {model: llama-3.1-8b, output_tokens: 10}}]
simulation: {duration: 1min}
variants:
  big:
    fleet:
      pools:
        - {name: gpu, hardware: h100-p5.48xlarge, count: -3, models: [llama-3.1-8b]}
)");
  const auto r = run_fleetsim("validate '" + file + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Contains("broken-variants.yaml: 1 error"));
  CHECK_THAT(r.out, Contains("(variant big): 2 errors (1 shown above)"));
  CHECK_THAT(r.err, Contains("count"));  // the variant's own error is printed
  // The base's error is printed once, not again for the variant.
  const auto first = r.err.find("arrivals.rate");
  REQUIRE(first != std::string::npos);
  CHECK(r.err.find("arrivals.rate", first + 1) == std::string::npos);
}

TEST_CASE("cpu-vs-gpu-agentic's pointer to its trace statistics leads to them", "[first-hour]") {
  const std::string scenario = read_file(source("scenarios/cpu-vs-gpu-agentic.yaml"));
  CHECK_THAT(scenario, Contains("docs/scenario-format.md, \"Shaping traffic after a\n# trace\""));
  const std::string doc = read_file(source("docs/scenario-format.md"));
  CHECK_THAT(doc, Contains("### Shaping traffic after a trace: the SWE-bench agent run"));
  CHECK_THAT(doc, Contains("mean 40.3, p50 36, p90 66"));
}

TEST_CASE("--help lists exit 4 for plan and validate-model", "[first-hour]") {
  const auto r = run_fleetsim("--help");
  CHECK_THAT(r.out, Contains("plan: no fleet meets the SLOs"));
  CHECK_THAT(r.out, Contains("validate-model"));
}

TEST_CASE("validate-model finds its suite from outside the repository, or says where it looked", "[first-hour]") {
  const std::string elsewhere = temp_path("elsewhere");
  std::filesystem::create_directories(elsewhere);
  const auto found = run_in(elsewhere, "validate-model --only g3-llamacpp-8b-decode-generic -j 1");
  INFO(found.out << found.err);
  CHECK(found.exit_code != 1);
  CHECK_THAT(found.out, Contains("g3-llamacpp-8b-decode-generic"));
  const auto missing = run_in(elsewhere, "validate-model no-such-dir");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Contains("no-such-dir: no such file or directory"));
  CHECK_THAT(missing.err, Contains("hint: pass the directory that holds cases.yaml"));
}

TEST_CASE("diff --format json keeps the sign of relative_change", "[first-hour]") {
  const auto a = run_fleetsim("run " + source("scenarios/quickstart.yaml") + " --format json --no-progress");
  const auto b = run_fleetsim("run " + source("scenarios/quickstart.yaml") +
                              " --format json --no-progress --set fleet.pools.graviton.count=3");
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  const std::string old_file = write_temp_file("old.json", a.out), new_file = write_temp_file("new.json", b.out);
  const auto d = run_fleetsim("diff '" + old_file + "' '" + new_file + "' --format json --all");
  const auto j = nlohmann::json::parse(d.out);
  int up = 0, down = 0;
  for (const auto& c : j["changes"]) {
    if (!c["relative_change"].is_number()) continue;
    const double rel = c["relative_change"].get<double>();
    const double before = c["old"].get<double>(), after = c["new"].get<double>();
    CHECK(rel == Approx((after - before) / std::abs(before)));
    (rel < 0 ? down : up) += 1;
  }
  CHECK(up > 0);    // e.g. the fleet's cost
  CHECK(down > 0);  // e.g. the Graviton pool's utilization
}

TEST_CASE("the shipped scenarios carry plan: and expect: sections that work", "[first-hour]") {
  const auto quick = run_fleetsim("check " + source("scenarios/quickstart.yaml") + " -j 2");
  INFO(quick.out << quick.err);
  CHECK(quick.exit_code == 0);
  CHECK_THAT(quick.out, Contains("checks.stability.stable"));
  const auto small = run_fleetsim("check " + source("scenarios/cpu-vs-gpu-agentic.yaml") + " --variant h100-small -j 2");
  INFO(small.out << small.err);
  CHECK(small.exit_code == 0);
  // The mix misses its SLOs, as its header says: an honest expectation fails it.
  const auto mix = run_fleetsim("check " + source("scenarios/cpu-vs-gpu-agentic.yaml") + " -j 2");
  CHECK(mix.exit_code == 4);
  const auto plan = run_fleetsim("plan " + source("scenarios/quickstart.yaml") + " -j 2 --no-progress");
  INFO(plan.out << plan.err);
  CHECK(plan.exit_code == 0);
  CHECK_THAT(plan.out, Contains("binding SLO"));
}

TEST_CASE("compare and sweep show each workload's cost per session", "[first-hour]") {
  const std::string quick = source("scenarios/quickstart.yaml");
  const auto c = run_fleetsim("compare " + quick + " " + quick + " --set fleet.pools.graviton.count=3 --no-progress");
  INFO(c.out << c.err);
  CHECK_THAT(c.out, Contains("workloads.assistant.cost_per_session_usd"));
  CHECK_THAT(c.out, Contains("workloads.triage.cost_per_session_usd"));
  const auto s = run_fleetsim("sweep " + quick + " --set fleet.pools.graviton.count=2,3 -j 2 --no-progress");
  INFO(s.out << s.err);
  CHECK(s.exit_code == 0);
  CHECK_THAT(s.out, Contains("$/session assistant"));
  CHECK_THAT(s.out, Contains("$/session triage"));
}
