// A pool of CPU nodes running agents' tool calls, as plain data.
//
// A call holds `cores` cores and `memory` bytes of one node for its whole
// duration (its work / the pool's core_speed). It goes to the node with the
// least demand (cores held plus cores waiting; the lowest index among ties) and
// waits there first-come first-served: a call that does not fit waits, and so
// do the calls behind it, so a wide call is never overtaken and starved.
//
// Like ContinuousBatcher it knows nothing of time passing: the fleet model
// submits a call and is told which calls start and when they end; at that end
// it reports the call finished, which may start waiting calls.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "fleetsim/least_loaded_index.hpp"
#include "fleetsim/power_timeline.hpp"
#include "fleetsim/quantile_sketch.hpp"
#include "fleetsim/scenario.hpp"
#include "fleetsim/step_integral.hpp"

namespace fleetsim {

struct ToolCallRequest {
  std::uint32_t id = 0;  // the caller's handle (a session slot): one call per id at a time
  std::uint32_t workload = 0;
  int cores = 1;
  double memory_bytes = 0.0;
  double work_s = 0.0;  // on a reference core
};

struct ToolCallStart {
  std::uint32_t id = 0;
  double end_s = 0.0;
};

// What the pool measured, restricted to the measured window (from warm-up).
struct ToolPoolStats {
  std::int64_t calls_served = 0;  // finished in the window
  QuantileSketch wait_s;          // arrival to start, of calls that started in the window
  StepIntegral busy_cores;        // cores held by running calls, over time
  StepIntegral calls_in_flight;   // calls waiting or running, over time
  std::vector<double> core_seconds_by_workload;  // in the window
};

class ToolPool {
 public:
  ToolPool(const ToolPoolSpec& spec, double warmup_s, std::size_t workloads);

  // A call arrives at `now_s`; the calls that start now (this one, if its node
  // has room and nobody waits there) are appended to `started`.
  void submit(const ToolCallRequest& call, double now_s, std::vector<ToolCallStart>& started);
  // Call `id` ended at `now_s`: its node's cores and memory are freed and the
  // calls waiting there start while they fit, appended to `started`.
  void finish(std::uint32_t id, double now_s, std::vector<ToolCallStart>& started);
  // Brings the integrals up to `end_s`, counting calls still running.
  void settle(double end_s);

  const ToolPoolSpec& spec() const { return spec_; }
  const ToolPoolStats& stats() const { return stats_; }
  // Dynamic power (above the nodes' idle baseline) binned in time, for peak power.
  const PowerTimeline& power() const { return power_; }
  // One node's power with no call running: host plus every socket idle.
  double node_idle_power_w() const;
  // Power one busy core adds: its share of the sockets' idle-to-peak range.
  double busy_core_power_w() const;

 private:
  struct Node {
    int free_cores = 0;
    double free_memory_bytes = 0.0;
    std::uint32_t demand = 0;  // cores held + cores waiting: what least-loaded compares
    std::deque<std::pair<ToolCallRequest, double>> waiting;  // with its arrival time
  };
  struct Running {
    std::uint32_t node = 0;
    std::uint32_t workload = 0;
    int cores = 0;
    double memory_bytes = 0.0;
    double start_s = 0.0;
    double end_s = 0.0;
  };

  bool fits(const Node& node, const ToolCallRequest& call) const;
  void start(std::uint32_t node, const ToolCallRequest& call, double arrived_s, double now_s,
             std::vector<ToolCallStart>& started);
  // Counts a running call's core time and energy over [from, to] within the window.
  void account(const Running& run, double from_s, double to_s);

  ToolPoolSpec spec_;
  double warmup_s_;
  std::vector<Node> nodes_;
  LeastLoadedIndex least_loaded_;
  std::vector<Running> running_;  // by call id
  ToolPoolStats stats_;
  PowerTimeline power_;
};

}  // namespace fleetsim
