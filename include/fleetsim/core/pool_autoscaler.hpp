// One autoscaled pool's nodes and the control loop that sizes it.
//
// Every node of the pool, up to its maximum, exists from the start and is in
// one of four states: off (costs nothing), starting (paid for, provisioning:
// instance start and model load), serving (takes calls) or draining (takes
// no new calls, finishes its running ones, then goes off, losing its KV
// caches). At each evaluation the policy's wish, clamped to the pool's
// bounds and held up for scale-in by the highest wish within the scale-in
// window, becomes actions: draining nodes are taken back first, then off
// nodes started; for fewer nodes, the serving nodes started last drain first.
//
// Pure: the fleet model feeds it the load and carries the actions out (opens
// and closes replicas, sets timers); nothing here knows of time passing.
#pragma once

#include <cstdint>
#include <utility>
#include <deque>
#include <limits>
#include <memory>
#include <vector>

#include "fleetsim/core/autoscale_policy.hpp"
#include "fleetsim/core/autoscale_spec.hpp"
#include "fleetsim/core/step_integral.hpp"

namespace fleetsim {

class PoolAutoscaler {
 public:
  enum class NodeState : std::uint8_t { off, starting, serving, draining };

  struct Actions {
    std::vector<int> start;   // off -> starting: call node_ready(n) after provisioning_s()
    std::vector<int> reopen;  // draining -> serving
    std::vector<int> drain;   // serving -> draining: call node_drained(n) once its replicas are idle
    bool empty() const { return start.empty() && reopen.empty() && drain.empty(); }
  };

  // `initial_nodes` serve from time 0 (nodes 0 .. initial-1). Node time is
  // integrated from `window_start_s`.
  PoolAutoscaler(const AutoscaleSpec& spec, int initial_nodes, int replicas_per_node, double provisioning_s,
                 double window_start_s);

  // The pool's calls in flight and its busy replicas change by these amounts.
  void load_changed(double now_s, int calls_delta, int busy_replicas_delta);
  // Runs the policy on the load since the previous evaluation.
  // Queue waits of calls its replicas admitted since the last evaluation
  // (ContinuousBatcher::take_admission_waits), for PoolLoad::queueing_delay_s.
  void add_waits(double total_s, long calls) {
    wait_total_s_ += total_s;
    wait_calls_ += calls;
  }
  // For a policy that reads a percentile of the waits
  // (AutoscalePolicyInfo::reads_wait_percentile): each wait, moved out of `waits`.
  bool reads_wait_percentile() const { return reads_wait_percentile_; }
  void add_wait_samples(std::vector<double>& waits) {
    wait_samples_.insert(wait_samples_.end(), waits.begin(), waits.end());
    waits.clear();
  }
  // The same for times to first token (AutoscalePolicyInfo::reads_ttft_percentile).
  bool reads_ttft_percentile() const { return reads_ttft_percentile_; }
  void add_ttft_samples(std::vector<double>& ttfts) {
    ttft_samples_.insert(ttft_samples_.end(), ttfts.begin(), ttfts.end());
    ttfts.clear();
  }
  // At most `start_limit` off nodes start (the fleet model's power cap
  // limit, docs/autoscaling.md "Under a power cap"): the policy's wish is
  // capped at the nodes the pool could then have (those on and not going,
  // the draining ones it may take back, and `start_limit` more), and that
  // capped wish is what the scale-in window remembers. The starts the
  // uncapped wish asked for beyond the limit are counted (starts_held())
  // and not made. Draining nodes taken back are not starts.
  static constexpr int kNoStartLimit = std::numeric_limits<int>::max();
  void evaluate(double now_s, Actions& out, int start_limit = kNoStartLimit);
  // The site power cap fell below what the nodes on need (the fleet model's
  // reckoning, docs/autoscaling.md "Under a power cap"): at least `nodes`
  // of this pool must go. Serving nodes go, idle ones first (`busy[n]`
  // false: no call running or waiting on node n), then busy ones, the
  // highest index first in each group; they drain (an idle one goes off at
  // once in the fleet model's hands, a busy one once its calls finish) and
  // are never taken back. Starting nodes are left to serve, and the pool
  // keeps `min` nodes (serving plus starting) and one serving. Returns how
  // many it gave back (fewer than `nodes` when the floor binds).
  int give_back(double now_s, int nodes, const std::vector<std::uint8_t>& busy, Actions& out);
  // Draining nodes given back to the cap that have not yet gone off.
  int given_back_draining() const { return given_back_draining_; }
  void node_ready(int node, double now_s);    // starting -> serving
  void node_drained(int node, double now_s);  // draining -> off
  // A node failed (docs/failures.md, "Failures in an autoscaled pool"). A
  // serving node is replaced at once, as an autoscaling group replaces an
  // unhealthy instance: serving -> starting, paid for while the replacement
  // provisions; call node_ready(n) after provisioning_s(). A draining node
  // is not replaced: draining -> off. True when the node is being replaced.
  bool node_failed(int node, double now_s);
  // A serving node is warned of its interruption (a spot notice): its
  // replacement starts now, in its place (serving -> starting, paid for;
  // the fleet model calls node_ready(n) once the warned instance is gone
  // and the replacement has provisioned). True when a replacement started.
  // A draining node stays draining but is never taken back into service.
  bool node_warned(int node, double now_s);
  void settle(double end_s);

  NodeState state(int node) const { return states_[static_cast<std::size_t>(node)]; }
  int max_nodes() const { return static_cast<int>(states_.size()); }
  double provisioning_s() const { return provisioning_s_; }
  double interval_s() const { return spec_.interval_s; }
  const AutoscaleSpec& spec() const { return spec_; }

  // Node-seconds paid for (starting, serving or draining) since the window's start.
  double node_seconds() const { return provisioned_.area(); }
  // A pool that buys its first `base` nodes one way and the rest another
  // (a reserved base, on-demand burst): from now on, also integrate the
  // nodes paid for above `base`. Call before the run starts.
  void count_nodes_above(int base, double now_s);
  // Node-seconds paid for above the base since the window's start; 0 unless counted.
  double node_seconds_above_base() const { return above_base_.area(); }
  double mean_nodes(double t0, double t1) const { return provisioned_.mean(t0, t1); }
  // The mean number of nodes above the purchase's base over [t0, t1].
  double mean_nodes_above_base(double t0, double t1) const { return above_base_.mean(t0, t1); }
  int peak_nodes() const { return peak_nodes_; }
  long nodes_started() const { return nodes_started_; }
  long nodes_drained() const { return nodes_drained_; }
  long nodes_replaced() const { return nodes_replaced_; }
  // Over the whole run, summed over evaluations: the starts evaluate's
  // start limit held back (one node held at two evaluations counts twice).
  long starts_held() const { return starts_held_; }
  // The last evaluation's wish, clamped to the bounds and capped at the
  // start limit (before the scale-in window).
  int wish() const { return wish_; }
  // Over the whole run: nodes give_back() took (idle or busy).
  long nodes_given_back() const { return nodes_given_back_; }

  // How many of its nodes are in state `s` now.
  int count(NodeState s) const { return counts_[static_cast<std::size_t>(s)]; }

  // The nodes that were not off at some moment since the previous call (the
  // first call: since construction), in node order. A node off all that
  // time held no call, so its replicas admitted none and produced no first
  // token: the fleet model reads the admission waits of these nodes' replicas
  // alone, instead of every replica up to `max` nodes at each evaluation
  // (which cost a quarter of a week-long run with `max` far above the nodes
  // used: docs/performance.md, "A week with the fleet-over-time features on").
  const std::vector<int>& nodes_on_since_last_read();

 private:
  void set_state(int node, NodeState s, double now_s);
  void integrate(double now_s);
  bool reopenable(int node) const {
    const std::size_t i = static_cast<std::size_t>(node);
    return state(node) == NodeState::draining && (leaving_.empty() || !leaving_[i]) &&
           (given_back_.empty() || !given_back_[i]);
  }

  AutoscaleSpec spec_;
  std::unique_ptr<AutoscalePolicy> policy_;
  int replicas_per_node_;
  double provisioning_s_;
  std::vector<NodeState> states_;
  std::vector<std::uint8_t> leaving_;  // draining nodes warned of their interruption: not reopened
  std::vector<std::uint8_t> given_back_;  // draining nodes given back to the power cap: not reopened
  int given_back_draining_ = 0;
  long nodes_given_back_ = 0;
  std::vector<std::uint8_t> on_since_read_;  // per node: not off at some moment since the last read
  std::vector<int> on_nodes_;                // nodes_on_since_last_read's answer
  int counts_[4] = {0, 0, 0, 0};  // nodes per state
  int provisioned_now_ = 0;
  int peak_nodes_ = 0;
  double wait_total_s_ = 0.0;  // since the last evaluation
  long wait_calls_ = 0;
  bool reads_wait_percentile_ = false;
  std::vector<double> wait_samples_;  // since the last evaluation, when read
  bool reads_ttft_percentile_ = false;
  std::vector<double> ttft_samples_;  // likewise
  StepIntegral provisioned_;
  int base_ = std::numeric_limits<int>::max();  // count_nodes_above's; none: nothing is above it
  StepIntegral above_base_;
  long nodes_started_ = 0;
  long nodes_drained_ = 0;
  long nodes_replaced_ = 0;
  long starts_held_ = 0;
  int wish_ = 0;
  // Load integrals since the last evaluation.
  double last_s_ = 0.0;
  double since_s_ = 0.0;
  int calls_ = 0;
  int busy_ = 0;
  double calls_area_ = 0.0;
  double busy_area_ = 0.0;
  double replica_area_ = 0.0;  // serving + draining replicas x seconds
  std::deque<std::pair<double, int>> wishes_;  // (time, nodes asked) within the scale-in window
};

}  // namespace fleetsim
