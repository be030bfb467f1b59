// Autoscaling policies: how many nodes a pool should hold, given the load it
// carried since the last evaluation, and the registry that names them.
//
// To add a policy: a file in src/core/autoscaling/ with a class derived from
// AutoscalePolicy and its factory, one entry in
// src/core/autoscaling/registry.cpp, and its row in docs/scenario-format.md
// ("Autoscaling"). The scenario reader validates `policy:` against the
// registry; PoolAutoscaler (pool_autoscaler.hpp) applies the bounds and the
// scale-in window to whatever a policy asks for.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fleetsim/core/autoscale_spec.hpp"
#include "fleetsim/core/units.hpp"

namespace fleetsim {

// What a policy sees at one evaluation.
struct PoolLoad {
  double now_s = 0.0;
  int serving_nodes = 0;  // nodes taking calls (not starting, not draining)
  int nodes = 0;          // serving and starting: what the pool will have once started nodes are up
  // Time means over the interval since the last evaluation:
  double busy_fraction = 0.0;   // of the serving replicas, the fraction with a call running or waiting
  double calls_in_flight = 0.0; // the pool's calls running or waiting
  // Mean time the calls admitted to a batch in the interval had waited in
  // their replica's queue; 0 when none was admitted.
  double queueing_delay_s = 0.0;
  // The spec's percentile of those waits (nearest rank); 0 when none was
  // admitted. Measured only for a policy whose info reads it.
  double queueing_delay_percentile_s = 0.0;
  // The spec's percentile (nearest rank) of the times from enqueue to first
  // token of the calls whose first token came in the interval; 0 when none.
  // Measured only for a policy whose info reads it.
  double ttft_percentile_s = 0.0;
  // The interval the means above cover, and the time a node started now
  // takes to serve (predictive reads them).
  double interval_s = 0.0;
  double provisioning_s = 0.0;
};

class AutoscalePolicy {
 public:
  virtual ~AutoscalePolicy() = default;
  // The node count the policy asks for (before the pool's bounds).
  virtual int desired_nodes(const PoolLoad& load) = 0;
};

struct AutoscalePolicyInfo {
  std::string_view name;
  std::string_view doc;
  bool needs_target;    // reads `target`
  bool needs_schedule;  // reads `schedule`
  std::unique_ptr<AutoscalePolicy> (*make)(const AutoscaleSpec& spec);
  // What `target` is: its unit's dimension (dimensionless or a duration),
  // the bounds the reader checks, and an example for the reader's hint.
  Dimension target_dimension = Dimension::dimensionless;
  bool target_is_fraction = false;  // in (0, 1]; otherwise > 0
  std::string_view target_example = {};
  // Reads PoolLoad::queueing_delay_percentile_s (and `percentile`): the
  // replicas then keep every admission wait until the next evaluation.
  bool reads_wait_percentile = false;
  // Reads PoolLoad::ttft_percentile_s (and `percentile`): the replicas then
  // keep every call's time to first token until the next evaluation.
  bool reads_ttft_percentile = false;

  bool reads_percentile() const { return reads_wait_percentile || reads_ttft_percentile; }
};

std::span<const AutoscalePolicyInfo> autoscale_policies();
std::vector<std::string> autoscale_policy_names();
const AutoscalePolicyInfo* find_autoscale_policy(std::string_view name);  // nullptr if none
// std::invalid_argument naming the registered policies for an unknown name.
std::unique_ptr<AutoscalePolicy> make_autoscale_policy(const AutoscaleSpec& spec);

// The count a proportional policy asks for: ceil(nodes x observed / wanted),
// or `nodes` unchanged while observed/wanted is within `tolerance` of 1 (the
// Kubernetes Horizontal Pod Autoscaler's rule; docs/autoscaling.md).
int proportional_nodes(int nodes, double observed, double wanted, double tolerance);

// A policy that holds one figure of the load at the spec's `target` by that
// rule, over the serving nodes: `figure` is the PoolLoad member it reads.
// With `from_one_node`, a pool with no node serving counts as one (a
// latency can be read with none serving; a busy fraction cannot).
std::unique_ptr<AutoscalePolicy> make_proportional_autoscaler(const AutoscaleSpec& spec, double PoolLoad::*figure,
                                                              bool from_one_node);

// predictive's forecast: the summed rate functions of these arrival
// processes (none a trace: a trace has times, not a rate).
struct ArrivalProcess;
std::shared_ptr<const ArrivalForecast> make_arrival_forecast(const std::vector<ArrivalProcess>& processes);

}  // namespace fleetsim
