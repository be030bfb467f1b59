// Numbers are exact or refused: no value overflows, wraps, truncates or is
// silently replaced on its way from the input into the model.
#include <catch2/catch.hpp>

#include <string>
#include <variant>

#include "fleetsim/workflows/sweep_results.hpp"
#include "fleetsim/core/units.hpp"
#include "support/cli_runner.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

std::string sweep_row(const std::string& point, const std::string& seeds = "[42]") {
  return R"({"schema":"fleetsim.sweep/1","sweep_id":"abc","scenario":"s","points":4,"replications":1,"point":)" +
         point + R"(,"parameters":{},"seeds":)" + seeds + R"(,"status":"ok","error":"","figures":{}})";
}

}  // namespace

TEST_CASE("A quantity that overflows through its unit is refused like an infinity", "[units][numbers]") {
  const auto bandwidth = parse_quantity("1e308TB/s", Dimension::bandwidth);
  REQUIRE(std::holds_alternative<std::string>(bandwidth));
  CHECK_THAT(std::get<std::string>(bandwidth), Catch::Contains("out of range"));
  CHECK(std::holds_alternative<std::string>(parse_quantity("1e308h", Dimension::duration)));
  CHECK(std::holds_alternative<std::string>(parse_count("1e300T")));
  CHECK(std::holds_alternative<double>(parse_quantity("1e300B", Dimension::bytes)));  // finite: the key's range decides
}

TEST_CASE("Sweep rows: whole numbers are checked before they are converted", "[sweep][numbers]") {
  std::string error;
  CHECK(parse_sweep_jsonl_line(sweep_row("1"), error));
  for (const char* point : {"1.5", "1e300", "-1", "4", "\"1\""}) {
    INFO(point);
    error.clear();
    CHECK_FALSE(parse_sweep_jsonl_line(sweep_row(point), error));
    CHECK_THAT(error, Catch::Contains("point"));
  }
  CHECK_FALSE(parse_sweep_jsonl_line(sweep_row("1", "[-1]"), error));
  CHECK_THAT(error, Catch::Contains("seeds"));
  CHECK_FALSE(parse_sweep_jsonl_line(sweep_row("1", "[1e300]"), error));
  CHECK_FALSE(parse_sweep_jsonl_line(sweep_row("1", "[1.5]"), error));
}

TEST_CASE("Seeds accept exactly 0..2^64-1", "[cli][numbers]") {
  for (const char* seed : {"-1", "18446744073709551616", "1e3", "0x10", " 5"}) {
    INFO(seed);
    const auto r = run_fleetsim("run '" + kQuickstart + "' --seed '" + seed + "'");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--seed: expected a whole number in 0..18446744073709551615"));
  }
  const auto yaml = run_fleetsim("run '" + kQuickstart + "' --set simulation.seed=-1");
  CHECK(yaml.exit_code == 1);
  CHECK_THAT(yaml.err, Catch::Contains("simulation.seed: expected a whole number in 0..18446744073709551615"));
  const auto wrap = run_fleetsim("sweep '" + kQuickstart + "' --seed 18446744073709551615 -r 2 --no-progress");
  CHECK(wrap.exit_code == 2);
  CHECK_THAT(wrap.err, Catch::Contains("would pass the largest seed"));
}

TEST_CASE("Token counts beyond their documented range are refused, not rounded", "[loader][numbers]") {
  for (const char* setting : {"workloads.assistant.steps[0].llm.prompt_tokens=12345678901234567890123",
                              "workloads.assistant.steps[0].llm.output_tokens=1e308",
                              "workloads.triage.context_tokens=1e300"}) {
    INFO(setting);
    const auto r = run_fleetsim("run '" + kQuickstart + "' --no-progress --set '" + setting + "'");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("expected a number in [0, 10000000]"));
  }
}

TEST_CASE("A second YAML document is an error naming it", "[loader][numbers]") {
  const std::string path = write_temp_file("two-documents.yaml", read_file(kQuickstart) + "---\nname: second\n");
  const auto r = run_fleetsim("validate '" + path + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("second YAML document (document 2"));
  // A trailing "---" alone holds no document.
  const std::string trailing = write_temp_file("trailing.yaml", read_file(kQuickstart) + "---\n");
  CHECK(run_fleetsim("validate '" + trailing + "'").exit_code == 0);
}
