// The fleet as plain data: replicas, router and the sessions in flight.
//
// It is driven from outside by events (a session arrives, a tool call ends, a
// replica finishes work) and asks its driver, through FleetDriver, to wake a
// replica or to call back when a tool call ends. The SimGrid engine is that
// driver; nothing here knows of SimGrid, so the model is unit-testable.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fleetsim/core/power_cap.hpp"
#include "fleetsim/core/call_log.hpp"
#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/fleet_metrics.hpp"
#include "fleetsim/core/failure_clock.hpp"
#include "fleetsim/core/fleet_timer.hpp"
#include "fleetsim/core/kv_store.hpp"
#include "fleetsim/core/pool_autoscaler.hpp"
#include "fleetsim/core/power_timeline.hpp"
#include "fleetsim/core/rng.hpp"
#include "fleetsim/core/router.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/core/session.hpp"
#include "fleetsim/core/time_series.hpp"
#include "fleetsim/core/tool_pool.hpp"
#include "fleetsim/core/trace_feed.hpp"

namespace fleetsim {

class FleetDriver {
 public:
  virtual ~FleetDriver() = default;
  virtual double now() const = 0;
  // New work reached replica r; `interrupt`: cut a decode run short to admit it.
  virtual void wake_replica(std::size_t replica, bool interrupt) = 0;
  virtual void call_back_after_tool(double at_s, std::uint32_t session_slot) = 0;
  // Calls FleetModel::timer_fired(token) at `at_s` (autoscaling's and
  // failures' timers).
  virtual void call_back_at(double at_s, std::uint32_t token) = 0;
  // Replica r's node failed: cut its plan in progress short, cancel its
  // pending event (the fleet model then takes its calls back).
  virtual void halt_replica(std::size_t replica) = 0;
  // Moves `bytes` from replica `from` to replica `to` (a KV cache between
  // nodes) and calls FleetModel::timer_fired(token) when they have arrived.
  // `alone_s` is the time it takes with the links to itself: a driver
  // without a network model waits that long; the SimGrid engine shares the
  // links between the transfers that overlap (docs/disaggregation.md).
  virtual void transfer(std::size_t from, std::size_t to, double bytes, double alone_s, std::uint32_t token) {
    (void)from;
    (void)to;
    (void)bytes;
    call_back_at(now() + alone_s, token);
  }
  // Moves `bytes` (a session's KV cache) from node `node` of remote KV store
  // `store` to replica `to`, then calls FleetModel::timer_fired(token); as
  // transfer(), `alone_s` is its time with the links to itself.
  virtual void reload_from_store(std::size_t store, int node, std::size_t to, double bytes, double alone_s,
                                 std::uint32_t token) {
    (void)store;
    (void)node;
    (void)to;
    (void)bytes;
    call_back_at(now() + alone_s, token);
  }
  virtual void session_ended() {}
  // The power cap rose and let replica r's held plan go (PowerCapGate::
  // set_budget): start it now. Plans let go when another ends are the
  // engine's own business.
  virtual void power_granted(std::size_t replica) { (void)replica; }
};

class FleetModel : public BatcherListener {
 public:
  explicit FleetModel(const Scenario& scenario);
  // Its replicas point to its pools' power timelines, and once attached the
  // driver and the replicas' servers call back into it: it stays where it was
  // built (no copy, and so no implicit move).
  FleetModel(const FleetModel&) = delete;
  FleetModel& operator=(const FleetModel&) = delete;

  // Also sets the autoscalers' first evaluations.
  void attach(FleetDriver* driver);
  // Records a time series of the run in bins of `bin_s` seconds from the
  // window's start (fleetsim run --timeseries); call before the run starts.
  void record_time_series(double bin_s);
  // Offers every LLM call that finishes in the window to `log` (fleetsim run
  // --calls); without this call nothing is recorded.
  void record_calls(CallLog* log);
  // Records what the replicas at `replicas` (fleet-wide indices; those past
  // the fleet's are skipped) do, slice by slice, into `trace`'s tracks.
  void record_replica_trace(ReplicaTrace* trace, const std::vector<std::size_t>& replicas);
  const TimeSeries* time_series() const { return series_.get(); }

  void start_session(std::uint32_t workload);
  // A workload that replays a streamed trace (RequestTrace::feed) takes its
  // session starts from the trace's feed, which the fleet model owns, in
  // place of an ArrivalGenerator: the next session's recorded start, read
  // ahead of start_session, which then takes that session; infinity once
  // the trace has run out (src/core/fleet_model_trace.cpp).
  bool streams_trace(std::uint32_t workload) const {
    return workload < streams_.size() && streams_[workload].feed != nullptr;
  }
  double next_streamed_start(std::uint32_t workload);
  // Why a feed ended early (its file no longer reads as it did when it was
  // checked); empty when none did. The run's report is then not to be used.
  std::vector<Diagnostic> trace_feed_problems() const;
  void tool_finished(std::uint32_t session_slot);
  void on_call_finished(const CallOutcome& outcome) override;
  // A timer set through FleetDriver::call_back_at is due.
  void timer_fired(std::uint32_t token);
  // Brings the time integrals up to `end_s` at the end of the run.
  void settle(double end_s);

  std::size_t sessions_in_flight() const { return sessions_in_flight_; }
  std::vector<std::int64_t> sessions_in_flight_by_workload() const;
  std::vector<ContinuousBatcher>& replicas() { return replicas_; }
  const std::vector<ContinuousBatcher>& replicas() const { return replicas_; }
  const std::vector<ReplicaPlacement>& placements() const { return placements_; }
  const std::vector<PowerTimeline>& pool_power() const { return pool_power_; }
  const std::vector<ToolPool>& tool_pools() const { return tool_pools_; }
  const std::vector<KvStore>& kv_stores() const { return kv_stores_; }
  FleetMetrics& metrics() { return metrics_; }
  const FleetMetrics& metrics() const { return metrics_; }
  const Scenario& scenario() const { return scenario_; }
  // The autoscaler of an autoscaled pool; nullptr for a pool of fixed size.
  const PoolAutoscaler* autoscaler(std::size_t pool) const;
  // A pool whose nodes fail (docs/failures.md): what happened in the window.
  struct FailureStats {
    long node_failures = 0;   // units (nodes, or replicas) that failed in the window
    long calls_retried = 0;   // calls taken back from failed units in the window
    // The work those calls had done and their retries do again (a decode
    // call's prefill on its prefill replica included): LostWork.
    long prefill_tokens_lost = 0;
    long output_tokens_lost = 0;
    StepIntegral nodes_down;  // in nodes (a replica counts its share), from the window's start
    explicit FailureStats(double window_start_s) : nodes_down(window_start_s) {}
  };
  // nullptr for a pool whose nodes never fail.
  const FailureStats* failure_stats(std::size_t pool) const;
  // The site power cap's gate (power_cap.hpp), which the replicas' servers
  // ask before each plan; nullptr without a cap, and then nothing is asked.
  PowerCapGate* power_cap() { return power_cap_.get(); }
  const PowerCapGate* power_cap() const { return power_cap_.get(); }

 private:
  void advance(std::uint32_t slot);  // run the session to its next llm or tool step
  void issue_call(std::uint32_t slot, const Step& step);
  // Routes a call of `prompt` tokens (the whole prompt) to a replica of
  // `model`; `step`, when the call comes from one, says how many sequences
  // it decodes (parallel sampling, beam search).
  void send_call(std::uint32_t slot, const std::string& model, long prompt_tokens, long output_tokens,
                 PrefixHashes prefix = {}, const Step* step = nullptr);
  // Routes session `s`'s call to a replica of `model` (`last_replica`: the
  // affinity hint, -1 for none) and queues it there; a first issue and a
  // retry after a failure both go through here.
  void route_and_enqueue(Session& s, const std::string& model, int last_replica, const CallRequest& call);
  // A call the router counted at `replica` starts, or stops, counting there
  // for the autoscaler and the pool's calls in flight; call_left also tells
  // the router.
  void call_joined(std::size_t replica, double now);
  void call_left(std::size_t replica, double now);
  // A replayed session's next recorded call: issued when due, waited for
  // otherwise (src/core/fleet_model_trace.cpp).
  void advance_trace(std::uint32_t slot);
  // A streamed session started in `slot`: its calls, read ahead, move there.
  TraceCursor take_streamed_session(std::uint32_t workload, std::uint32_t slot);
  void open_trace_feeds();
  // A call has ended on `replica` (its decode replica, for a disaggregated
  // one), `pool_wait_s` after it was queued there: the metrics take it and
  // the session goes on.
  void call_done(std::uint32_t slot, std::size_t replica, const CallOutcome& out, double pool_wait_s);
  void end_session(std::uint32_t slot);
  // The session can no longer send `replica` a call (it ended, or its next
  // call went elsewhere): a replica whose retention frees such caches
  // (kv_retention tool_gap) frees its cache. left_replicas: every replica
  // its last calls ran on. Nothing when no pool's retention frees them.
  void left_replica(std::uint64_t session_key, int replica);
  void left_replicas(const Session& s);
  std::uint32_t take_slot();
  // Agent graphs (src/core/fleet_model_graph.cpp): a parallel or agent step
  // forks strands and waits for its join; a strand that ends reports to its
  // parent, and one whose join is already complete stops at its next step.
  void fork(std::uint32_t slot, const Step& step);
  void end_strand(std::uint32_t slot);
  bool strand_wanted(const Session& strand) const;
  // The tally of the session `s` belongs to; nullptr once that session ended
  // (a strand that lost its join may outlive it).
  SessionGraphTally* tally_of(Session& s) {
    if (s.parent == kNoStrand) return &s.graph;
    Session& root = sessions_[s.root];
    return slot_live_[s.root] == kRootLive && root.key == s.root_key ? &root.graph : nullptr;
  }
  // A tool step on a pool: the call waits for cores there; its end comes back
  // through the tool-call callback like an external tool's.
  void submit_tool_call(std::uint32_t slot, const Step& step);
  void schedule_started_tool_calls();
  // Processor-sharing tool pools: timers for the node ends in tool_dues_ of
  // pool `pool`, and a node's timer firing (index over all tool pools' nodes).
  void schedule_tool_dues(std::size_t pool);
  void tool_node_due(std::size_t index);
  // A tool node's index over all tool pools, as its pool and its node there.
  std::pair<std::size_t, std::uint32_t> tool_node_of(std::size_t index) const;
  // Tool pools whose nodes fail (src/core/fleet_model_tool_failures.cpp).
  void set_up_tool_failures();
  void schedule_first_tool_failures();
  void tool_failure_timer(FleetTimer what, std::size_t index);
  // A tool call's session goes on (its pool, if any, has let the call go).
  void tool_step_done(std::uint32_t slot);
  // A disaggregated call short enough for its decode replica to prefill:
  // sent there whole (true), or left to the prefill pools (false).
  bool prefill_on_decode(Session& s, const std::string& model, const CallRequest& call);
  void count_occupancy(double now, int delta);
  // The constructor's steps (src/core/fleet_model_setup.cpp).
  void set_up_placements();
  void set_up_replicas();
  void set_up_shared_prefixes();
  // Autoscaling (src/core/fleet_model_autoscale.cpp).
  struct ScaledPool;
  void set_up_autoscaling();
  void autoscale_load(std::size_t replica, int calls_delta);
  void apply(ScaledPool& sp, const PoolAutoscaler::Actions& actions);
  void open_node(ScaledPool& sp, int node, bool open);
  // Its replicas take calls only when every candidate is off (Router::set_off).
  void node_off(ScaledPool& sp, int node);
  void check_drained(ScaledPool& sp, int node);
  void autoscale_timer(FleetTimer what, std::size_t index);
  // Failures (src/core/fleet_model_failures.cpp).
  struct FailingPool;
  void set_up_failures();
  void failure_timer(FleetTimer what, std::size_t index);
  // Draws the unit's next time to failure from `from` and sets the timer:
  // its notice, or the failure itself when the pool gives no notice.
  void schedule_failure(FailingPool& fp, int unit, double from);
  // Closes the unit's replicas to new calls; counts it down from now.
  void close_unit(FailingPool& fp, int unit);
  void fail_unit(FailingPool& fp, int unit);
  // Adds what a failed replica's calls (in aborted_) had computed to the pool's count.
  void count_lost_work(FailingPool& fp, const LostWork& lost);
  void repair_unit(FailingPool& fp, int unit);
  // An autoscaled pool's failed node: replaced, or off when it was draining.
  void replace_node(FailingPool& fp, int node);
  // An autoscaled pool's node is warned of its interruption (a spot notice).
  void warn_scaled_node(FailingPool& fp, int node);
  // An autoscaled pool's node `node` serves (it started or was replaced).
  void failing_node_ready(std::size_t pool, int node);
  // An autoscaled pool's node went off: its pending failure is void.
  void failing_node_off(std::size_t pool, int node);
  void retry_call(FailingPool& fp, std::size_t from_replica, const CallRequest& call);
  // Prefill/decode disaggregation (src/core/fleet_model_disaggregation.cpp).
  // A call's prefill ended on a prefill replica: its KV cache leaves for a
  // decode replica.
  void prefilled(const CallOutcome& out);
  // The KV cache of the call of session slot `slot` reached its decode replica.
  void kv_arrived(std::uint32_t slot);
  // The whole call, as the session and the metrics see it, from its decode's outcome.
  CallOutcome joined(const CallOutcome& decode) const;
  bool in_window(double t) const { return t >= scenario_.simulation.warmup_s; }
  // The power cap (src/core/fleet_model_power_cap.cpp): its gate, the lower
  // clocks each replica may run at, and each step of a cap that changes.
  void set_up_power_cap();
  void power_cap_step(std::size_t step);
  double power_cap_baseline_w(bool kept = false) const;
  void rebase_power_cap();
  int power_cap_start_limit(const ScaledPool& sp) const;
  void power_cap_give_back();

  const Scenario& scenario_;
  FleetDriver* driver_ = nullptr;
  std::vector<ReplicaPlacement> placements_;
  std::vector<ContinuousBatcher> replicas_;
  bool frees_when_sessions_leave_ = false;  // some replica's retention is tool_gap or idleness
  bool ranks_by_idleness_ = false;          // some replica's retention is idleness: calls carry it
  std::vector<PowerTimeline> pool_power_;
  std::unique_ptr<Router> router_;
  std::vector<ToolPool> tool_pools_;
  std::vector<ToolCallStart> tool_started_;  // scratch, reused
  std::vector<NodeDue> tool_dues_;           // scratch, reused
  std::vector<std::uint32_t> tool_ended_;    // scratch, reused
  std::vector<std::size_t> tool_node_base_;  // by tool pool: its first node's index over all pools
  std::vector<Session> sessions_;     // slots, reused
  // Streamed traces, by workload (no feed for the others): the next session,
  // read ahead for its start time.
  struct TraceStream {
    std::unique_ptr<TraceFeed> feed;
    FedSession ahead;
    bool has_ahead = false;
    std::uint64_t round = 0;  // of a looping trace: each round reads the file again
  };
  std::vector<TraceStream> streams_;
  std::vector<FedSession> fed_;  // by slot: the calls of a streamed session in flight; buffers reused
  std::vector<std::uint32_t> free_slots_;
  // Per slot: free, a session's root strand, or a further strand of one.
  static constexpr std::uint8_t kFree = 0, kRootLive = 1, kStrandLive = 2;
  std::vector<std::uint8_t> slot_live_;
  std::uint64_t next_join_id_ = 1;
  std::size_t sessions_in_flight_ = 0;
  std::uint64_t next_session_key_ = 1;
  std::vector<std::uint64_t> sessions_created_;  // per workload, for stream ids
  FleetMetrics metrics_;
  std::unique_ptr<TimeSeries> series_;  // null unless recorded: no work per event then
  std::unique_ptr<PowerCapGate> power_cap_;  // null without fleet.power_cap
  double power_cap_w_ = 0.0;                  // the cap's current step
  double power_cap_headroom_w_ = 0.0;         // kept above the baseline when nodes start: largest_replica_draw_w
  std::uint64_t power_cap_period_ = 0;        // a repeating cap: the periods begun before the current one
  CallLog* call_log_ = nullptr;         // null unless recorded
  std::vector<std::uint32_t> replica_model_;  // with a call log: index into its model names

  struct ScaledPool {
    std::size_t pool = 0;
    std::size_t first_replica = 0;  // node n's replicas follow at first_replica + n x per_node
    std::size_t first_host = 0;
    int replicas_per_node = 1;
    PoolAutoscaler scaler;
  };
  std::vector<ScaledPool> scaled_;
  std::vector<std::uint8_t> busy_nodes_;  // power_cap_give_back's, by node of one pool
  std::vector<std::int32_t> replica_scaled_;  // index into scaled_ per replica, -1 for none; empty without autoscaling
  PoolAutoscaler::Actions actions_;           // scratch, reused

  // A pool whose nodes, or replicas, fail. What fails together is a unit: a
  // node (its replicas_per_node replicas), or one replica with scope
  // replica. Unit u's replicas follow at first_replica + u x
  // replicas_per_unit; its failure timers carry the index first_timer + u
  // (a node's host index; for replica units an index above every host).
  struct FailingPool {
    std::size_t pool = 0;
    std::size_t first_replica = 0;
    std::size_t first_timer = 0;
    int units = 0;
    int replicas_per_unit = 1;
    // What one unit down counts toward the pool's down node time.
    double node_share = 1.0;
    FailureClock clock;  // its spec and its draws
    FailureStats stats;
    // An autoscaled pool's (docs/failures.md, "Failures in an autoscaled
    // pool"): its index in scaled_, each node's pending failure time (a timer
    // for a node drained since is stale: its time no longer matches) and
    // whether the node is a replacement still provisioning.
    std::int32_t scaled = -1;
    std::vector<double> due_s;
    std::vector<std::uint8_t> replacing;
    // With a notice: when the node was warned (-1: not on notice), so that
    // its replacement, started at the warning, serves once it has
    // provisioned and the warned instance is gone.
    std::vector<double> warned_s;
  };
  // A disaggregated call between its prefill and the end of its decode, by
  // session slot (a session has one call in flight); empty unless a pool has
  // a prefill role.
  struct KvTransfer {
    CallRequest call;           // the call as the session issued it
    std::size_t decode_replica = 0;
    double prefill_scheduled_s = 0.0;
    long computed_tokens = 0;   // on the prefill replica
    long cached_tokens = 0;
    long shared_prefix_cached_tokens = 0;
    int preemptions = 0;
    double bytes = 0.0;
    double transfer_start_s = 0.0;
  };
  std::vector<KvTransfer> transfers_;
  // Sends a prefilled call's KV cache from its prefill replica (the
  // session's last_replica) to transfers_[slot].decode_replica.
  void start_kv_transfer(std::uint32_t slot);
  // Request paths by model: the slowest front end (fixed and per-token parts
  // each) of the pools serving it, crossed before the route picks a replica,
  // so that failures, draining and disaggregation see the call only once it
  // arrives. Empty when no pool prices one: calls are routed as issued.
  struct ModelRequestPath {
    std::string model;
    RequestPath path;
  };
  std::vector<ModelRequestPath> request_paths_;
  struct CallOnPath {
    CallRequest call;
    const std::string* model = nullptr;  // into request_paths_
  };
  std::vector<CallOnPath> on_path_;  // by session slot; empty without request paths
  void set_up_request_paths();
  // `model`'s request path; nullptr when none of its pools prices one.
  const ModelRequestPath* request_path_of(const std::string& model) const;
  // A call held on its front end reaches the router (FleetTimer::request_path).
  void request_path_crossed(std::uint32_t slot);
  std::vector<double> kv_bytes_per_token_;  // by replica; empty unless disaggregated

  // Remote KV stores (fleet_model_kv_store.cpp): a call whose session's
  // cache is in the store its replica's pool names waits while the cache
  // crosses the network (a kv_transfer timer; StoreReload::pending tells it
  // from a disaggregated call's), then joins the replica's queue.
  void set_up_kv_stores();
  // Starts the reload and returns true when call `call` sent to replica `r`
  // finds its session's cache in the store only.
  bool reload_from_store(std::size_t r, const CallRequest& call);
  void store_reload_arrived(std::uint32_t slot);
  struct StoreReload {
    CallRequest call;
    std::size_t replica = 0;
    RetainedKv::Entry entry;
    double start_s = 0.0;
    bool pending = false;
  };
  std::vector<KvStore> kv_stores_;          // by Scenario::kv_stores; built before the replicas point to them
  std::vector<StoreReload> store_reloads_;  // by session slot; empty without a store

  std::vector<FailingPool> failing_;   // empty unless a pool's nodes fail
  // A tool pool whose nodes fail: its draws (the pool keeps the counts).
  struct FailingToolPool {
    std::size_t pool = 0;
    FailureClock clock;
  };
  std::vector<FailingToolPool> failing_tools_;  // empty unless a tool pool's nodes fail
  std::vector<CallRequest> aborted_;   // scratch, reused
};

}  // namespace fleetsim
