// Metrics of a finished run -> Report: costs, power, energy, SLO attainment.
// Pure arithmetic on what the engine measured; docs/report-format.md gives
// every formula.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/network_layout.hpp"
#include "fleetsim/core/report.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

struct RunTotals {
  double window_start_s = 0.0;
  double window_end_s = 0.0;
  double simulated_end_s = 0.0;
  // Per pool: baseline energy (node host power + every device at idle) over
  // the window, as integrated by the engine's host energy accounting.
  std::vector<double> pool_baseline_energy_j;
  std::string fleetsim_version;
  // The KV network's bytes in the window, by network_layout()'s nodes and
  // racks; empty without a network.
  NetworkTraffic network_traffic;
};

// Baseline power of one node: host plus every device idle.
double node_baseline_power_w(const Pool& pool);
// A KV store's nodes: host plus every socket idle, their whole draw
// (serving reloads from memory is not modelled as CPU work).
double kv_store_power_w(const KvStoreSpec& store);
// A tool pool's nodes with every core busy: the most its tool calls can draw.
double tool_pool_reserved_power_w(const ToolPoolSpec& tools);
// What a power cap's budget is what it leaves of (power_cap.hpp): every model
// pool's nodes at baseline, plus what the cap does not gate, reserved at its
// highest: KV store nodes and tool pools at full load.
double fleet_baseline_power_w(const Scenario& scenario);
// The same with every autoscaled pool at the nodes it starts with (its
// `count`) instead of the most it may hold: what the budget is left after
// at the start of the run, which the loader checks the lowest cap against.
double fleet_starting_baseline_power_w(const Scenario& scenario);
// One replica's largest draw above idle, over the model pools: the headroom
// the lowest cap must leave above the baseline (the loader's check), and
// the least that an autoscaled pool keeps when it starts nodes under the
// cap (docs/autoscaling.md, "Under a power cap").
double largest_replica_draw_w(const Scenario& scenario);

Report build_report(const FleetModel& fleet, const RunTotals& totals);

// The fleet's figures per session, call, token and second (and each pool's
// part of its carbon per session and token), from rep.fleet's totals
// (facility energy included) and the workloads' counts over a window of
// `window_s`; everything but mean_facility_power_w, which a run derives from
// the PUE and a merge of cells from their summed facility energy.
void fleet_rates_from_totals(Report& rep, double window_s);

// Little's law, L = lambda W, from the sessions' time integral.
LittleLawCheck little_law(const OccupancyIntegral& occupancy, double window_s);

}  // namespace fleetsim
