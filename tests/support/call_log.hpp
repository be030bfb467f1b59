// A scenario run with `fleetsim run --calls`: the call log's rows (one per
// LLM call, columns as docs/report-format.md lists them), in the file's
// order. The tests that check per-call times by hand read them from here.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/csv_records.hpp"

namespace fleetsim::testing {

// Writes `scenario` (YAML text) to NAME.yaml, runs it with its report in
// NAME.json and its call log in NAME.csv, and requires a clean run.
inline std::vector<std::map<std::string, std::string>> call_log_of(const std::string& name,
                                                                   const std::string& scenario) {
  const std::string file = write_temp_file(name + ".yaml", scenario);
  const std::string csv = temp_path(name + ".csv");
  const auto r =
      run_fleetsim("run '" + file + "' --no-progress --calls '" + csv + "' -o '" + temp_path(name + ".json") + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return csv_records(read_file(csv));
}

}  // namespace fleetsim::testing
