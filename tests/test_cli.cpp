// The command line as CI pipelines use it: exit codes, messages, output files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace fleetsim::testing;

namespace {

const char* kBroken = R"(name: broken
fleet:
  pools:
    - name: gpu
      hardware: h100-p5.48xlarge
      count: 1
      models: [llama-3.1-8b]
      engine: {max_bach_size: 8}
workloads:
  - name: w
    arrivals: {process: poisson, rate: fast}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 10}
simulation: {duration: 10min}
)";

}  // namespace

TEST_CASE("A broken scenario exits 1 with every error located, and writes nothing", "[cli]") {
  const std::string path = write_temp_file("broken.yaml", kBroken);
  const std::string out = temp_path("broken-report.json");
  const auto r = run_fleetsim("run '" + path + "' --format json --output '" + out + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find(path + ":8:16: error: fleet.pools[0].engine.max_bach_size") != std::string::npos);
  CHECK(r.err.find("did you mean \"max_batch_size\"") != std::string::npos);
  CHECK(r.err.find(path + ":11:40: error: workloads[0].arrivals.rate") != std::string::npos);
  CHECK(r.err.find("2 errors") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));

  const auto v = run_fleetsim("validate '" + path + "'");
  CHECK(v.exit_code == 1);
  CHECK(v.err.find("max_bach_size") != std::string::npos);
}

TEST_CASE("A failed run leaves an existing output file untouched", "[cli]") {
  const std::string path = write_temp_file("broken2.yaml", kBroken);
  const std::string out = write_temp_file("previous.json", "previous report\n");
  const auto r = run_fleetsim("run '" + path + "' --output '" + out + "'");
  CHECK(r.exit_code == 1);
  CHECK(read_file(out) == "previous report\n");
}

TEST_CASE("Output goes to the file, whole, and an unwritable path is an input error", "[cli]") {
  const std::string out = temp_path("quickstart.json");
  const auto r = run_fleetsim("run '" + kQuickstart + "' --format json --output '" + out + "' --no-progress");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  const auto parsed = nlohmann::json::parse(read_file(out));
  CHECK(parsed["schema"] == "fleetsim.report/1");

  const auto bad = run_fleetsim("run '" + kQuickstart + "' --output '" + temp_path("no-such-dir/x.json") + "'");
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("cannot") != std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(out).parent_path()))
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("Table, JSON and CSV formats all render a run", "[cli]") {
  const auto table = run_fleetsim("run '" + kQuickstart + "' --no-progress");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("fleetsim report: quickstart") != std::string::npos);
  const auto csv = run_fleetsim("run '" + kQuickstart + "' --format csv --no-progress");
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("scope,name,metric,value,unit\n", 0) == 0);
}

TEST_CASE("Command-line mistakes exit 2, help and version exit 0", "[cli]") {
  CHECK(run_fleetsim("").exit_code == 2);
  CHECK(run_fleetsim("run").exit_code == 2);
  CHECK(run_fleetsim("run '" + kQuickstart + "' --format xml").exit_code == 2);
  CHECK(run_fleetsim("frobnicate").exit_code == 2);
  const auto help = run_fleetsim("--help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Exit codes") != std::string::npos);
  const auto version = run_fleetsim("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out.find("fleetsim ") == 0);
}

TEST_CASE("An unknown variant is an input error with a suggestion", "[cli][variants]") {
  const std::string scenario = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/cpu-vs-gpu-agentic.yaml";
  const auto r = run_fleetsim("run '" + scenario + "' --variant graviton");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no variant named \"graviton\"") != std::string::npos);
  CHECK(r.err.find("did you mean \"graviton4\"") != std::string::npos);
}

TEST_CASE("The catalog lists every required entry with sources", "[cli][catalog]") {
  const auto r = run_fleetsim("catalog");
  REQUIRE(r.exit_code == 0);
  for (const char* name : {"graviton3-c7g.16xlarge", "graviton4-c8g.48xlarge", "graviton4-r8g.16xlarge", "ampereone-a192-32x", "epyc-genoa-m7a.24xlarge",
                           "h100-p5.48xlarge", "h200-p5en.48xlarge", "l4-g6.48xlarge", "a10g-g5.48xlarge",
                           "llama-3.1-8b", "llama-3.1-70b", "llama-3.2-3b"})
    CHECK(r.out.find(name) != std::string::npos);
}
