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
//
// Under processor sharing (ToolDiscipline::processor_sharing) a node runs
// every call it has memory for at once: with D cores asked for by its calls
// and C cores, each runs at min(1, C / D) of its speed alone, so a call's end
// moves whenever a call arrives at or leaves its node. The pool then says
// when each node's next call ends (NodeDue), the fleet model sets a timer for
// it, and node_due() ends the calls due; a timer the node has since moved is
// ignored. Memory is not shared: a call that does not fit waits, first come
// first served, as above.
//
// A pool with `failures:` loses nodes and gets them back (docs/failures.md,
// "Tool pools"): at a node's failure its running and waiting calls go to the
// pool's other nodes as if they had just arrived there, a running one to
// start over with its whole work, and the node takes no call until its
// repair. The fleet model times the failures and repairs. A running call's
// end, already announced, then comes to nothing (stale_end()).
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "fleetsim/core/least_loaded_index.hpp"
#include "fleetsim/core/power_timeline.hpp"
#include "fleetsim/core/quantile_sketch.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/core/step_integral.hpp"

namespace fleetsim {

struct ToolCallRequest {
  std::uint32_t id = 0;  // the caller's handle (a session slot): one call per id at a time
  std::uint32_t workload = 0;
  int cores = 1;
  double memory_bytes = 0.0;
  double work_s = 0.0;  // on a reference core
  // Taken back from a failed node after it had started: its wait was
  // counted at its first start.
  bool retry = false;
};

struct ToolCallStart {
  std::uint32_t id = 0;
  double end_s = 0.0;
};

// Processor sharing: when a node's next call will end, unless it changes.
struct NodeDue {
  std::uint32_t node = 0;
  double at_s = 0.0;
};

// What the pool measured, restricted to the measured window (from warm-up).
struct ToolPoolStats {
  std::int64_t calls_served = 0;  // finished in the window
  QuantileSketch wait_s;          // arrival to start, of calls that started in the window
  StepIntegral busy_cores;        // cores held by running calls, over time
  StepIntegral calls_in_flight;   // calls waiting or running, over time
  std::vector<double> core_seconds_by_workload;  // in the window
  // Failures (docs/failures.md, "Tool pools"), in the window; none for a
  // pool whose nodes never fail.
  std::int64_t node_failures = 0;
  std::int64_t calls_retried = 0;  // running or waiting on a node when it failed
  double core_seconds_lost = 0.0;  // what the running ones had done, done again
  StepIntegral nodes_down;
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

  // Processor sharing (shares()): submit() and finish() are replaced by these.
  bool shares() const { return spec_.discipline == ToolDiscipline::processor_sharing; }
  // A call arrives at `now_s`; its node's next end goes to `dues` if it moved.
  void submit_shared(const ToolCallRequest& call, double now_s, std::vector<NodeDue>& dues);
  // Node `n`'s timer for `now_s` fired: the calls that end now are appended
  // to `ended` (their ids) and have left the pool; calls waiting for memory
  // may start. Nothing happens when the node's next end is no longer now.
  void node_due(std::uint32_t n, double now_s, std::vector<std::uint32_t>& ended, std::vector<NodeDue>& dues);

  // Node n fails at `now_s`: its calls go to the other nodes (those that
  // start now are appended to `started`, or under processor sharing the
  // nodes' next ends to `dues`); while every node is down they wait on one.
  void fail_node(std::uint32_t n, double now_s, std::vector<ToolCallStart>& started, std::vector<NodeDue>& dues);
  // Node n serves again: the calls that waited for it start while they fit.
  void repair_node(std::uint32_t n, double now_s, std::vector<ToolCallStart>& started, std::vector<NodeDue>& dues);
  // Whether the end announced for call `id` belongs to a run a failure cut
  // short (then it is forgotten): the call is elsewhere, its end to come.
  bool stale_end(std::uint32_t id);

  const ToolPoolSpec& spec() const { return spec_; }
  const ToolPoolStats& stats() const { return stats_; }
  // Dynamic power (above the nodes' idle baseline) binned in time, for peak power.
  const PowerTimeline& power() const { return power_; }
  // One node's power with no call running: host plus every socket idle.
  double node_idle_power_w() const;
  // Power one busy core adds: its share of the sockets' idle-to-peak range.
  double busy_core_power_w() const;

 private:
  // A call running under processor sharing.
  struct SharedCall {
    ToolCallRequest call;
    double done_at_v = 0.0;  // the node's service clock when it has had all its work
  };
  struct Node {
    int free_cores = 0;
    double free_memory_bytes = 0.0;
    std::uint32_t demand = 0;  // cores held + cores waiting: what least-loaded compares
    bool down = false;         // failed, until its repair
    std::deque<std::pair<ToolCallRequest, double>> waiting;  // with its arrival time
    // Processor sharing: the service each running call has had (seconds at
    // its own speed) since the node started, when it was brought up to date,
    // the cores its running calls ask for, and when the next one ends.
    std::vector<SharedCall> sharing;
    double service_v = 0.0;
    double updated_s = 0.0;
    int asked_cores = 0;
    double due_s = -1.0;  // none yet
  };
  struct Running {
    std::uint32_t node = 0;
    std::uint32_t workload = 0;
    int cores = 0;
    double memory_bytes = 0.0;
    double work_s = 0.0;
    double start_s = 0.0;
    double end_s = 0.0;
  };

  bool fits(const Node& node, const ToolCallRequest& call) const;
  // Sends a call to the least loaded node (a node that is down only when
  // every node is) and starts it there if it can; `arrived_s` times its wait.
  void place(const ToolCallRequest& call, double arrived_s, double now_s, std::vector<ToolCallStart>& started);
  void place_shared(const ToolCallRequest& call, double arrived_s, double now_s, std::vector<NodeDue>& dues);
  // Starts node n's waiting calls from the head while they fit.
  void start_waiting(std::uint32_t n, double now_s, std::vector<ToolCallStart>& started);
  void start_waiting_shared(std::uint32_t n, double now_s);
  // Node n's key for least-loaded: its demand, above every node that is up when down.
  void set_load(std::uint32_t n);
  void start(std::uint32_t node, const ToolCallRequest& call, double arrived_s, double now_s,
             std::vector<ToolCallStart>& started);
  // Counts a running call's core time and energy over [from, to] within the window.
  void account(const Running& run, double from_s, double to_s);
  // Processor sharing: the share of its speed each call on the node runs at.
  double share(const Node& node) const;
  // Brings node n's service clock, core time and energy up to now_s.
  void advance(std::uint32_t n, double now_s);
  void start_shared(std::uint32_t n, const ToolCallRequest& call, double arrived_s, double now_s);
  void schedule(std::uint32_t n, double now_s, std::vector<NodeDue>& dues);

  ToolPoolSpec spec_;
  double warmup_s_;
  std::vector<Node> nodes_;
  LeastLoadedIndex least_loaded_;
  std::vector<Running> running_;  // by call id
  std::vector<std::uint32_t> stale_ends_;  // by call id: announced ends a failure made void; empty unless one did
  std::vector<std::pair<ToolCallRequest, double>> taken_;  // scratch: a failed node's calls
  ToolPoolStats stats_;
  PowerTimeline power_;
};

}  // namespace fleetsim
