// What `fleetsim capacity` prints: the most traffic the scenario's fleet
// serves within every SLO in a steady run, the rates that makes for each
// workload, what failed just above it, and every traffic level run.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/workflows/capacity_search.hpp"

namespace fleetsim {

struct CapacityWorkload {
  std::string name;
  double rate_per_s = 0.0;  // its mean arrival rate as written (0: none stated, e.g. a pattern)
};

struct CapacityOutcome {
  std::string scenario;  // its name
  CapacitySettings settings;
  CapacityResult result;
  std::vector<CapacityWorkload> workloads;
  // Per probe (same order as result.probes): what the run missed, e.g.
  // "chat ttft p95 2.31 s > 2 s" or "backlog grows in pool gpu"; empty when
  // it met every SLO in a steady run.
  std::vector<std::string> missed;
  // No wall time: the output is the same bytes for the same scenario and seed.
};

std::string render_capacity_table(const CapacityOutcome& outcome);
// {"schema": "fleetsim.capacity/1", "scenario", "capacity_scale" (null when
// none), "failed_scale" (the lowest that failed; null when none did),
// "stop_reason" (null when the bracket closed), "settings", "workloads":
// [{name, rate_per_s, rate_per_s_at_capacity}], "probes": [{scale,
// slos_met, stable, feasible, worst_slo_ratio, missed}]}
std::string render_capacity_json(const CapacityOutcome& outcome);

}  // namespace fleetsim
