// A pool's autoscaling settings as the scenario gives them (`autoscale:` in a
// pool; docs/scenario-format.md, "Autoscaling"). Plain data: the policy that
// reads them is named by `policy` and built from the registry
// (autoscale_policy.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace fleetsim {

// predictive: the rate of sessions the scenario's arrival processes expect
// (docs/autoscaling.md, "predictive"), built by make_arrival_forecast
// (autoscale_policy.hpp) when the scenario is loaded.
class ArrivalForecast {
 public:
  virtual ~ArrivalForecast() = default;
  virtual double rate_at(double t) const = 0;                 // sessions per second
  virtual double mean_rate(double t0, double t1) const = 0;   // over [t0, t1]
};

struct AutoscaleSpec {
  // A registered policy's name: utilization, concurrency or schedule.
  std::string policy;
  // utilization: the busy fraction of the pool's serving replicas to hold;
  // concurrency: LLM calls in flight (running or waiting) per serving node.
  double target = 0.0;
  int min_nodes = 1;
  int max_nodes = 1;
  // The policy is evaluated every `interval_s` on the load measured since the
  // previous evaluation.
  double interval_s = 15.0;
  // No change while the measured load is within this fraction of the target.
  double tolerance = 0.1;
  // Scale in only to the highest node count any evaluation asked for within
  // this window: load that dips for a moment does not release nodes.
  double scale_in_window_s = 300.0;
  // queue_delay_percentile: which percentile of the waits to hold at `target`.
  double percentile = 95.0;
  // Provisioning delay of a node: instance start, then its models' weights
  // read at `load_bandwidth` (0: loading takes no time). The reader fills
  // what the scenario leaves out from the node type's catalog entry.
  double startup_s = 0.0;
  double load_bandwidth_bytes_per_s = 0.0;
  // schedule: from `at_s` (seconds from the run's start, modulo `period_s`
  // when that is positive) the pool holds `nodes`.
  struct ScheduleEntry {
    double at_s = 0.0;
    int nodes = 0;
  };
  std::vector<ScheduleEntry> schedule;
  double schedule_period_s = 0.0;
  // predictive: the arrival rate it forecasts from; set by the loader.
  std::shared_ptr<const ArrivalForecast> forecast;
};

}  // namespace fleetsim
