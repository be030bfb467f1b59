// Runs `fleetsim run` in child processes, several at a time: the one child
// runner of every workflow, validate-model and fleetsim-bench.
//
// SimGrid allows one engine per process, so every simulation of a sweep,
// comparison, plan or check is its own process: this same binary with
// `run ... --format json`, its report read back from its stdout. The child
// is a fork of this process that calls the command line's entry with those
// arguments: it starts with the engine module loaded and relocated (run_all
// loads it first), which a new process of this binary would spend most of
// its start-up on (SimGrid's ns-3 libraries; engine_module.hpp). It is
// started as a new process of /proc/self/exe instead when no entry is
// registered, when this process
// has already simulated (SimGrid keeps its clock), or when the environment
// sets FLEETSIM_SPAWN_CHILDREN=1. fleetsim-bench names the binary it
// measures, which always starts as a new process.
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
  std::vector<std::string> limits;  // --max-memory, --max-events, --max-wall as the user gave them
  // --cell NAME --cell-result: one cell of the scenario, its run printed for
  // a merge (fleetsim/io/cell_result.hpp) instead of its report. Empty: the whole scenario.
  std::string cell;
  double traffic_scale = 1.0;  // --traffic-scale, when not 1
};

struct RunOutcome {
  int exit_code = -1;  // -1: killed by a signal, or could not start
  int signal = 0;      // the signal that killed it, 0 if none
  bool timed_out = false;  // stopped by run_all after ChildLimits::timeout_s
  std::string report;  // stdout: the report JSON when exit_code is 0
  std::string errors;  // stderr: diagnostics, or why it failed
  double seconds = 0.0;  // wall time from start to exit (before its output is read back)
  // The child's own resource use, from wait4(): user + system CPU seconds
  // and peak resident memory.
  double cpu_s = 0.0;
  double peak_rss_mib = 0.0;
  bool ok() const { return exit_code == 0; }
  // A defect, not a bad point: the child died from a signal nobody sent it,
  // or exited 3 (internal error). Workflows exit 3 then, not 1.
  bool crashed() const { return (signal != 0 && !timed_out) || exit_code == 3; }
};

// "exit 1", "exit 3 (internal error)", "killed by SIGSEGV", "timed out after 60 s".
std::string describe_exit(const RunOutcome& outcome);

struct ChildLimits {
  double timeout_s = 0.0;  // > 0: a child running longer is stopped (SIGTERM, then SIGKILL) and fails
};

// The command line of a request, after the program name.
std::vector<std::string> run_arguments(const RunRequest& request);

// The command line's entry point (main's body: arguments in, exit code out,
// every exception answered), which forked children call; main registers it.
using CommandLineEntry = int (*)(int argc, char** argv);
void register_command_line_entry(CommandLineEntry entry);

// Runs every request, at most `jobs` at a time, and returns their outcomes in
// request order. `on_done(index, outcome)` is called in this thread as each
// one finishes (for progress and incremental output). `program` is the
// fleetsim binary to run; empty: this process's own.
//
// The children share one process group of their own. SIGINT or SIGTERM to
// this process is passed on to that group; run_all then starts no more
// children, waits for the running ones to stop (SIGKILL after 5 s) and throws
// Interrupted (interrupts.hpp): no child outlives it.
std::vector<RunOutcome> run_all(const std::vector<RunRequest>& requests, int jobs,
                                const std::function<void(std::size_t, const RunOutcome&)>& on_done = {},
                                const ChildLimits& limits = {}, const std::string& program = {});

// The outcomes' worst defect as an exit code: 3 when a child crashed
// (RunOutcome::crashed), each reported on stderr with `label(index)`; else 0.
int crash_status(const std::vector<RunOutcome>& outcomes, const std::function<std::string(std::size_t)>& label);

// The default for -j: the machine's cores.
int default_jobs();

// The most runs in parallel -j accepts.
inline constexpr int kMaxJobs = 4096;

}  // namespace fleetsim
