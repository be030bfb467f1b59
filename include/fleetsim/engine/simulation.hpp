// Runs a scenario on the SimGrid engine and returns its report.
//
// SimGrid allows one engine per process, and its clock carries over from one
// engine to the next: simulate() runs once per process and throws
// std::logic_error if called again (sweeps run points in separate processes).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "fleetsim/core/call_log.hpp"
#include "fleetsim/core/fleet_metrics.hpp"
#include "fleetsim/core/replica_trace.hpp"
#include "fleetsim/core/report.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/core/time_series.hpp"

namespace fleetsim {

struct SimulationOptions {
  bool progress = false;  // log progress on long runs (spdlog, info level)
  // Called once the SimGrid engine exists, before it runs. SimGrid installs a
  // SIGINT handler of its own when the engine is created (it exits 1), so
  // the CLI installs its signal handlers here.
  std::function<void()> on_engine_created;
  // Called every few thousand engine events with the simulated time and the
  // events so far: the CLI's resource guard, which may end the process.
  std::function<void(double simulated_s, long events)> on_progress;
  // When set, the run records its time series in bins of timeseries_bin_s
  // seconds and leaves the rows here (fleetsim run --timeseries); when null,
  // nothing is recorded and the run does no work for it.
  TimeSeriesTable* timeseries = nullptr;
  double timeseries_bin_s = 60.0;
  // When set, every LLM call that finishes in the window is offered here
  // (fleetsim run --calls); when null, nothing is recorded.
  CallLog* calls = nullptr;
  // When set, the replicas at trace_replicas (fleet-wide indices) record
  // what they do, slice by slice (fleetsim run --trace-events).
  ReplicaTrace* trace = nullptr;
  std::vector<std::size_t> trace_replicas;
  // When set, the run's metrics (counters and latency sketches) are copied
  // here at its end (fleetsim run --cell: the sketches a merge of cells
  // needs, docs/cells.md); when null, nothing is copied.
  FleetMetrics* metrics = nullptr;
};

// Throws InputError, after the run, when a streamed trace's file no longer
// read as it did when the scenario loaded (fleetsim/core/trace_feed.hpp).
Report simulate(const Scenario& scenario, const SimulationOptions& options = {});

// Whether simulate() has run in this process: a process (or a copy of it
// made by fork) runs at most one simulation.
bool simulation_ran_in_this_process();

}  // namespace fleetsim
