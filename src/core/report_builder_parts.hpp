// The steps of build_report (report_builder.cpp) that have a file of their
// own: a pool's figures (report_pools.cpp) and a workload's
// (report_workloads.cpp), with the constants and the window they share.
// Private to those files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "fleetsim/core/report_builder.hpp"
#include "fleetsim/core/units.hpp"

namespace fleetsim::report_parts {

inline constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

// A ratio whose denominator is zero is undefined, not zero: the writers print null / "-".
inline double ratio(double numerator, double denominator) {
  return denominator > 0.0 ? numerator / denominator : kUndefined;
}

// The measured window and the run's constants every step below reads.
struct Window {
  double start_s = 0.0;
  double end_s = 0.0;
  double length_s = 0.0;
  double midpoint_s = 0.0;
};

// Pool p's replica statistics summed, with its power, cost, carbon, tiers,
// failures and autoscaling; `busy_by_workload` gets its replicas' busy time
// by workload, which the workloads' cost shares follow, and `busy` their sum.
PoolReport pool_report(const FleetModel& fleet, const RunTotals& totals, const Window& win, std::size_t p,
                       std::vector<double>& busy_by_workload, double& busy);

// A tool pool is priced and powered as its nodes are.
ToolPoolReport tool_pool_report(const ToolPool& pool, const Costs& costs, const Window& win);

// `count` nodes of `hw` held the whole window at its hourly price, as a tool
// pool's and a remote KV store's are: `node_hours` x price; their IT energy
// `energy_j`, of which `baseline_j` spread evenly over the window and
// `dynamic_j` placed in time by `dynamic`, priced and weighed by the grid;
// their embodied carbon over the window.
CostAndCarbon held_nodes_cost_and_carbon(const HardwareSpec& hw, int count, double node_hours, double energy_j,
                                         double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                                         const Costs& costs, const Window& win);

// A remote KV store: its memory over the window, its nodes priced and powered.
KvStoreReport kv_store_report(const FleetModel& fleet, std::size_t k, const Costs& costs, const Window& win);

// The KV network's NICs (by pool and store) and uplinks (by rack): the
// bytes `traffic` counted and their mean utilization over `window_s`.
NetworkReport network_report(const Scenario& sc, const NetworkTraffic& traffic, double window_s);

// What each workload pays of the pools' costs (see report_workloads.cpp).
std::vector<double> workload_costs(const FleetModel& fleet, const Report& rep,
                                   const std::vector<std::vector<double>>& pool_busy_by_workload,
                                   const std::vector<double>& pool_busy);

// A latency's count, mean, percentiles, max and curve; all undefined without samples.
LatencySummary summarize(const QuantileSketch& sketch);

// Appends the SLO result of `metric` ("ttft", "tpot", "session") at `percentile`
// when `bound` is set, and folds it into w.slos_met.
void add_slo(WorkloadReport& w, const char* metric, double percentile, const std::optional<double>& bound,
             const QuantileSketch& sketch);

// Workload w's counts, latencies, SLOs, cost and sections.
WorkloadReport workload_report(const FleetModel& fleet, const Window& win, std::size_t w, double cost_usd,
                               std::int64_t in_flight);

}  // namespace fleetsim::report_parts
