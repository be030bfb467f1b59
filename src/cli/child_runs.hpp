// Runs `fleetsim run` in child processes, several at a time.
//
// SimGrid allows one engine per process, so every simulation of a sweep,
// comparison, plan or check is its own process: this same binary
// (/proc/self/exe) with `run ... --format json`, its report read back from
// its stdout.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fleetsim {

// One `fleetsim run` of a scenario.
struct RunRequest {
  std::string scenario;
  std::string variant;                                          // empty: the base
  std::vector<std::pair<std::string, std::string>> overrides;  // --set PATH=VALUE
  std::optional<std::uint64_t> seed;                            // --seed
};

struct RunOutcome {
  int exit_code = -1;  // -1: killed by a signal, or could not start
  std::string report;  // stdout: the report JSON when exit_code is 0
  std::string errors;  // stderr: diagnostics, or why it failed
  double seconds = 0.0;
  bool ok() const { return exit_code == 0; }
};

// The command line of a request, after the program name.
std::vector<std::string> run_arguments(const RunRequest& request);

// Runs every request, at most `jobs` at a time, and returns their outcomes in
// request order. `on_done(index, outcome)` is called in this thread as each
// one finishes (for progress and incremental output).
std::vector<RunOutcome> run_all(const std::vector<RunRequest>& requests, int jobs,
                                const std::function<void(std::size_t, const RunOutcome&)>& on_done = {});

// The default for -j: the machine's cores.
int default_jobs();

}  // namespace fleetsim
