// `fleetsim run` on a scenario text, its report parsed: each run in its own
// process (SimGrid allows one engine per process).
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace fleetsim::testing {

// Writes `yaml` to a temporary file named `name`, runs it with
// `--format json`, requires exit 0 and returns the report.
inline nlohmann::json run_report_json(const std::string& name, const std::string& yaml) {
  const CliResult res = run_fleetsim("run " + write_temp_file(name, yaml) + " --format json --no-progress");
  INFO(res.err);
  REQUIRE(res.exit_code == 0);
  return nlohmann::json::parse(res.out);
}

// Runs the scenario file at `path` with `--format json`, requires exit 0 and
// returns the report; `raw`, when given, receives the report's text.
inline nlohmann::json run_scenario_json(const std::string& path, std::string* raw = nullptr) {
  const CliResult res = run_fleetsim("run '" + path + "' --format json --no-progress");
  INFO(res.err);
  REQUIRE(res.exit_code == 0);
  if (raw) *raw = res.out;
  return nlohmann::json::parse(res.out);
}

}  // namespace fleetsim::testing
