// Resource limits of a run (--max-memory, --max-events, --max-wall): checked
// against the scenario's estimate before it starts, and against what the run
// uses while it runs. Beyond a limit, the run stops with the figure and the
// limit in the message and exit 1; it never exhausts the machine.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fleetsim/engine/simulation.hpp"
#include "fleetsim/core/units.hpp"
#include "fleetsim/core/work_estimate.hpp"

namespace fleetsim {

struct ResourceLimits {
  double max_memory_bytes = 0.0;  // resident memory; the default is default_max_memory()
  double max_events = 1e9;        // engine events
  double max_wall_s = 0.0;        // wall-clock seconds; 0: no limit
};

// 80% of the machine's physical memory (8 GiB when it cannot be read).
double default_max_memory();

// The limits with their defaults, and the options that change them
// (--max-memory 16GiB, --max-events 5e9, --max-wall 30min). The text given
// is kept in `arguments` so that workflows pass the same limits to children.
struct LimitOptions {
  ResourceLimits limits;
  std::vector<std::string> arguments;
};
void add_limit_options(CLI::App* cmd, LimitOptions& options);

// A CLI11 check that parses a quantity of `dimension` ("30min", "16GiB") into
// `target`, refusing one below `min`; a bad value is a bad command line.
CLI::Validator quantity_of(Dimension dimension, double& target, double min);

// Why the estimate exceeds a limit ("the run would need at least 2.0e+12
// engine events; the limit is 1e+09 (--max-events)"), or empty.
std::string exceeded_limit(const WorkEstimate& estimate, const ResourceLimits& limits);

// Makes `options` check the limits while the run goes on: past one, prints
// the reason and exits 1 at once (the report is written only at the end, so
// nothing partial is left).
void watch_resources(SimulationOptions& options, const ResourceLimits& limits, const std::string& scenario);

// When an allocation fails (the estimate was low, or the machine has less
// free memory than the limit assumes): print what was running and exit 1 at
// once, instead of std::bad_alloc escaping a SimGrid actor (an abort, 134).
void exit_cleanly_when_out_of_memory();

}  // namespace fleetsim
