// Reports of independent cells merged into one report (docs/cells.md).
//
// Cells share nothing while they run, so the fleet they make together is
// their sum: counts, tokens, costs, energy and carbon add up; latency
// percentiles come from the cells' sketches merged (same buckets, counts
// added, quantile_sketch.hpp), so they are what one sketch of every sample
// would give; SLO attainment is pooled by counts (the merged sketch's
// fraction at or below the bound, the cells' samples at or below it over
// all their samples); rates are the sums over the one window all cells share.
// Each cell's pools appear as "CELL/POOL", and each cell's whole report
// under Report::cells.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/fleet_metrics.hpp"
#include "fleetsim/core/quantile_sketch.hpp"
#include "fleetsim/core/report.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

// What a merge needs of a workload that its report does not carry: the
// latency sketches whole, and the counts its rates are ratios of.
struct WorkloadMeasures {
  std::string name;
  std::int64_t sessions_met_slo = 0;
  double cached_tokens = 0.0;
  double shared_prefix_cached_tokens = 0.0;
  QuantileSketch ttft_s;
  QuantileSketch tpot_s;
  QuantileSketch call_latency_s;
  QuantileSketch session_latency_s;
};

struct CellMeasures {
  std::vector<WorkloadMeasures> workloads;  // in the report's workload order
  OccupancyIntegral occupancy;              // Little's law's integral
};

CellMeasures cell_measures(const Scenario& scenario, const FleetMetrics& metrics);

// One cell's run: its report and measures, as `fleetsim run --cell` gives them.
struct CellRun {
  std::string name;
  double traffic_scale = 1.0;
  std::uint64_t seed = 0;
  Report report;
  CellMeasures measures;
};

// The cells' merged report, the cells in the order given (the scenario's);
// `seed` is the scenario's, from which the cells' were derived. nullopt with
// `error` set when the cells cannot be merged: none, windows that differ, a
// workload with different SLOs in two cells, measures that do not match
// their report.
std::optional<Report> merge_cells(const std::vector<CellRun>& cells, std::uint64_t seed, std::string& error);

}  // namespace fleetsim
