// One replica's serving engine: vLLM-style iteration-level continuous batching.
//
// Calls wait in FIFO order and join the running batch at iteration boundaries
// when the batch cap, the per-iteration token budget and free KV blocks allow.
// With chunked prefill an iteration mixes every running decode with prompt
// chunks that fill the remaining token budget; without it, prompts are
// prefilled in iterations of their own. When KV blocks run out, retained
// (idle) session caches are evicted first, then the newest running sequence is
// preempted and later recomputed. A replica given KV tiers below device
// memory (attach_kv_tiers) offloads the retained caches it drops there, and a
// call whose session's cache sits in a tier reloads it before its prefill: the
// transfer is added to the iteration that runs the call's first chunk.
//
// The batcher knows nothing of time passing: the engine asks it for a BatchPlan,
// lets the plan's time elapse (or part of it, when a new call interrupts a
// decode run) and reports back with complete(). Between composition changes a
// plan covers many decode iterations at once, so the cost of a run grows with
// calls, not tokens.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "fleetsim/core/kv_policy.hpp"
#include "fleetsim/core/power_model.hpp"
#include "fleetsim/core/prefix_block_cache.hpp"
#include "fleetsim/core/power_timeline.hpp"
#include "fleetsim/core/kv_tier_stack.hpp"
#include "fleetsim/core/replica_trace.hpp"
#include "fleetsim/core/idleness_rank.hpp"
#include "fleetsim/core/retained_kv.hpp"
#include "fleetsim/core/ring_queue.hpp"
#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/core/time_series.hpp"

namespace fleetsim {

// Which part of a call a replica runs: all of it, or one phase of
// prefill/decode disaggregation (docs/disaggregation.md). A prefill-phase call
// asks for one token; a decode-phase call arrives with its prompt's KV.
enum class CallPhase : std::uint8_t { whole, prefill, decode };

// Its first 24 bytes are what a replica's batch loops read of every running
// call each plan (ContinuousBatcher::Sequence puts them in its first cache
// line); the rest is read when the call is admitted or finishes.
struct CallRequest {
  std::uint32_t workload = 0;
  CallPhase phase = CallPhase::whole;
  bool shared_prefix : 1 = false;  // the prompt begins with its workload's shared prefix
  // Beam search: of the call's branches only the best is returned (parallel
  // sampling returns them all).
  bool best_sequence_only : 1 = false;
  // Sequences decoded from the one prompt beyond the first: parallel
  // sampling's n - 1, or beam search's width - 1 (docs/performance-model.md,
  // "Parallel sampling and beam search"). In six bits of the byte above, so
  // that the request keeps its size: at most Step::kMaxSequences sequences.
  std::uint8_t extra_sequences : 6 = 0;
  // Its session's idle fraction when it was issued, in 1/65535: set only for
  // replicas whose retention ranks by idleness (it fits the padding here).
  std::uint16_t idleness = 0;
  long prompt_tokens = 0;  // whole prompt: the session's context plus new tokens
  long output_tokens = 1;
  double enqueue_s = 0.0;
  std::uint64_t call_id = 0;
  std::uint64_t session_key = 0;  // unique per session: key of its retained KV
  // A replayed call's prefix block hashes (a trace's `prefix_hashes`); empty
  // for every other call. With them the replica's prefix cache, not the
  // session's retained KV, decides what is cached (attach_prefix_cache).
  PrefixHashes prefix;

  static_assert(Step::kMaxSequences - 1 < (1 << 6), "extra_sequences has six bits");
  // Sequences it decodes at once: 1, or n of parallel sampling, or a beam width.
  int sequences() const { return 1 + extra_sequences; }
  // Output tokens it returns once each sequence has generated `generated`.
  long returned_tokens(long generated) const { return best_sequence_only ? generated : generated * sequences(); }
};

struct CallOutcome {
  CallRequest request;
  double scheduled_s = 0.0;    // first admitted to the batch
  double first_token_s = 0.0;
  double finished_s = 0.0;
  long cached_tokens = 0;      // prompt tokens found in the replica's KV
  // Of which computed by other sessions: the workload's shared prefix, or
  // prefix-hashed chunks another session left (no cache of the session).
  long shared_prefix_cached_tokens = 0;
  long computed_tokens = 0;    // prompt tokens prefilled, recomputation included
  long generated_tokens = 0;   // by each of its sequences; < output_tokens only if failed
  int preemptions = 0;
  bool failed = false;  // could never fit this replica's KV cache
};

class BatcherListener {
 public:
  virtual ~BatcherListener() = default;
  virtual void on_call_finished(const CallOutcome& outcome) = 0;
};

// What a replica runs next, until its batch changes. Kind::iteration is one
// iteration with prompt work, followed by `run_iterations` decode iterations
// when the batch cannot change in between (nothing finishes or can join at the
// end of the first iteration): one event instead of two for most calls.
// Its fields are in the order the plan's end reads them (complete(), the
// power and time of what ran), the first iteration's shape last: only a
// plan re-costed at another clock reads it.
struct BatchPlan {
  enum class Kind { idle, iteration, decode_run };
  Kind kind = Kind::idle;
  // The clock it runs at: 0, its pool's state; k, the batcher's k-th lower
  // clock (attach_lower_clocks; a power cap's lower_clocks response).
  std::uint8_t clock = 0;
  long iterations = 0;           // in all
  double duration_s = 0.0;       // of all iterations
  // Kind::iteration: KV reloaded from lower tiers before the first iteration's
  // forward pass can read it (0 without tiers); part of duration_s.
  double reload_s = 0.0;
  // Multi-step scheduling (EngineSettings::scheduler_steps): decode
  // iterations of the scheduler's window that ran before this plan; 0 when
  // the plan starts where the scheduler runs.
  long window_steps_before = 0;
  long run_iterations = 0;
  RooflineModel::DecodeTerms run_terms;  // the decode run's terms, computed once with the plan
  IterationCost cost;            // Kind::iteration: the first iteration
  RooflineModel::DecodeRun run;  // the decode run (after the first iteration for Kind::iteration)
  IterationShape shape;  // Kind::iteration: the first iteration's, to cost it at another clock
};

// A frequency state below the pool's, as a replica runs a plan at it: the
// roofline and power model of the pool's hardware at that state.
struct LowerClock {
  std::shared_ptr<const RooflineModel> roofline;
  PowerModel power;
};

// The work a failure throws away (docs/failures.md, "What a failure
// loses"): the prefill tokens its calls had computed (their prompts, and a
// preempted call's recomputation) and the output tokens they had generated,
// all of which their retries compute again.
struct LostWork {
  long prefill_tokens = 0;
  long output_tokens = 0;
};

// Accumulated over the measured window.
struct ReplicaStats {
  double busy_s = 0.0;
  double batch_seconds = 0.0;      // integral of running sequences over busy time
  double host_s = 0.0;             // of busy_s, the stack's host work: IterationOverhead, waits for an overlapped host
  double kv_block_seconds = 0.0;   // integral of KV blocks in use (running + retained)
  double dynamic_energy_j = 0.0;   // energy above idle
  long iterations = 0;
  long preemptions = 0;
  std::vector<double> busy_s_by_workload;
};

// Aligned to a cache line so that its hot members (first, below) take as
// few lines as they can.
class alignas(64) ContinuousBatcher {
 public:
  // Replicas of one pool and model share their roofline: one copy of its
  // constants stays in cache instead of one per replica.
  ContinuousBatcher(std::shared_ptr<const RooflineModel> roofline, const EngineSettings& engine,
                    const PowerModel& power, long kv_blocks, int workloads, double window_start_s,
                    PowerTimeline* timeline);

  // Makes this replica report to a run's time series as part of `pool`;
  // without this call (the usual case) it reports nothing and pays one null
  // check at each enqueue, plan, completion and accounted interval.
  void record_series(TimeSeries* series, std::size_t pool) {
    series_ = series;
    series_pool_ = pool;
  }

  // Appends every slice of work this replica completes to `slices`
  // (fleetsim run --trace-events); without this call nothing is recorded.
  void record_slices(std::vector<ReplicaSlice>* slices) { slices_ = slices; }

  // Queues a call. Returns true when a decode run in progress should be
  // interrupted so the call can join at the next iteration boundary. A session
  // has at most one call queued or running here at a time (its steps chain).
  bool enqueue(const CallRequest& call);

  // Admits what it can and says what runs next; Kind::idle when nothing to do.
  BatchPlan plan(double now, BatcherListener& listener);
  // Time from the plan's start to the end of its k-th iteration.
  double time_of(const BatchPlan& plan, long k) const;
  // Whole iterations of the plan finished `elapsed` seconds after its start.
  long iterations_done(const BatchPlan& plan, double elapsed) const;
  // The first iteration count >= k (at most the plan's) after which the
  // scheduler runs and a waiting call can join: k itself unless the engine
  // schedules once per several decode iterations (scheduler_steps), where
  // it is the end of the window iteration k falls in.
  long scheduling_point(const BatchPlan& plan, long k) const;
  // Applies the first k iterations of the plan, which ran from start_s to end_s.
  void complete(const BatchPlan& plan, long k, double start_s, double end_s, BatcherListener& listener);
  // Accounts busy time and energy of a plan cut off by the end of the run.
  void account_unfinished(const BatchPlan& plan, double start_s, double end_s);
  // The plan's highest power above idle: the larger of its first
  // iteration's and its decode run's mean draw, for a power cap; 0 for an
  // idle plan.
  double plan_power_w(const BatchPlan& plan) const;
  // Gives the replica the lower frequency states its plans may run at under
  // a power cap, fastest first (continuous_batcher_clocks.cpp); without this
  // call every plan runs at the pool's state.
  void attach_lower_clocks(std::vector<LowerClock> clocks) { lower_clocks_ = std::move(clocks); }
  std::size_t lower_clocks() const { return lower_clocks_.size(); }
  // The plan (planned at the pool's state) costed at lower clock k in
  // [1, lower_clocks()]: the same batch and iterations, its duration and
  // power those of the state.
  BatchPlan at_lower_clock(const BatchPlan& plan, std::size_t k) const;
  // Brings time integrals up to `now` (call at the end of the run).
  void settle(double now);
  // Its node goes off (an autoscaler drained it): the caches kept for
  // sessions are lost. Requires no call waiting or running here.
  void power_off(double now);
  // Its node failed and the engine cuts its plan, begun at start_s, short at
  // `now`: accounts the part that ran (account_unfinished) and keeps what the
  // plan's whole iterations had computed for fail() to count as lost (an
  // iteration cut in progress yields nothing).
  void halt(const BatchPlan& plan, double start_s, double now);
  // Its node failed (docs/failures.md): every call waiting or running here is
  // appended to `aborted`, with its KV, and the caches kept for sessions are
  // lost. The replica then plans nothing until set_down(false): calls routed
  // to it meanwhile wait. The engine must already have cut its plan short
  // (halt). Returns the work the aborted calls had done here, the halted
  // plan's included.
  LostWork fail(double now, std::vector<CallRequest>& aborted);
  void set_down(bool down) { down_ = down; }
  bool down() const { return down_; }

  std::size_t waiting() const { return waiting_.size(); }
  std::size_t running() const { return running_.size(); }
  // Sequences in the batch: a call decoding several (parallel sampling, beam
  // search) counts each, as an engine's batch cap does.
  std::size_t running_sequences() const { return running_.size() + extra_running_; }
  std::size_t outstanding() const { return waiting_.size() + running_.size(); }
  // Whether its retention policy frees a session's caches when the session
  // leaves it (kv_retention tool_gap); then the fleet model calls
  // forget_session() when the session ends or its next call goes elsewhere.
  bool frees_when_session_leaves() const { return retention_.frees_when_session_leaves; }
  // Whether its retention ranks sessions by idleness (kv_retention idleness):
  // then calls must carry their session's idle fraction (CallRequest::idleness).
  bool ranks_by_idleness() const { return retention_.ranks_by_idleness; }
  // Frees the session's cache wherever this replica keeps it: device memory,
  // its tiers, or the remote store below them. Nothing is counted as an
  // eviction, an offload or a drop: the cache had no further use.
  void forget_session(std::uint64_t session_key, double now);
  // Whether the session's cache is in this replica's device memory (not a lower tier).
  bool holds_session(std::uint64_t session_key) const { return retained_.contains(session_key); }
  // Tokens of the session's cache in this replica's device memory; 0 when none.
  long held_tokens(std::uint64_t session_key) const { return retained_.tokens_of(session_key); }
  // Gives the replica tiers below device memory (kv_tier_levels); without
  // this call, caches device memory drops are gone, and nothing else changes.
  void attach_kv_tiers(KvTierStack tiers) { tiers_ = std::make_unique<KvTierStack>(std::move(tiers)); }
  // Gives the replica the scenario's shared prefixes, as full KV blocks by
  // prefix, and the prefix each workload's prompts begin with (workloads that
  // name one prefix share it): once a call has prefilled one here, its blocks
  // stay, and every later call whose prompt begins with it (the session's own
  // cache aside) reuses them (docs/performance-model.md, "Prefixes shared
  // across sessions"). Without this call nothing is shared across sessions.
  void attach_shared_prefixes(std::vector<long> blocks_by_prefix, std::vector<std::uint32_t> prefix_of_workload) {
    prefix_held_.assign(blocks_by_prefix.size(), 0);
    prefix_blocks_ = std::move(blocks_by_prefix);
    prefix_of_workload_ = std::move(prefix_of_workload);
  }
  // Gives the replica a cache of prompt chunks named by hash, for calls that
  // carry prefix hashes (docs/performance-model.md, "Prefix block hashes").
  // Without this call such hashes are ignored.
  void attach_prefix_cache() { prefix_cache_ = std::make_unique<PrefixBlockCache>(engine_.kv_block_tokens); }
  const PrefixBlockCache* prefix_cache() const { return prefix_cache_.get(); }
  const KvTierStack* kv_tiers() const { return tiers_.get(); }
  // The fleet model lands caches from a remote store here (KvTierStack::land).
  KvTierStack* kv_tiers() { return tiers_.get(); }
  long kv_blocks_total() const { return total_blocks_; }
  // The waits (enqueue to first admission) of the calls admitted since the
  // last take, summed, and their count; resets both (an autoscaler's signal).
  struct AdmissionWaits {
    double total_s = 0.0;
    long calls = 0;
  };
  AdmissionWaits take_admission_waits() { return std::exchange(admission_waits_, AdmissionWaits{}); }
  // Keep every admission wait too, for an autoscaler that reads a percentile
  // of them (off by default: nothing is kept); moved out by the take.
  void keep_admission_waits() { keep_waits_ = true; }
  std::vector<double>& kept_admission_waits() { return kept_waits_; }
  // Keep, likewise, each call's time from enqueue to its first token (a
  // TTFT as this replica sees it), for an autoscaler that reads a
  // percentile of them; moved out by the caller.
  void keep_first_token_waits() { keep_ttfts_ = true; }
  std::vector<double>& kept_first_token_waits() { return kept_ttfts_; }
  long kv_blocks_used() const { return total_blocks_ - free_blocks_; }
  const ReplicaStats& stats() const { return stats_; }
  const RooflineModel& roofline() const { return *roofline_; }

 private:
  // A running call's state. Every plan of the replica walks the running
  // calls (plan_next, complete, apply_decode, retire_done), and the replica
  // is cold by then, so what those walks read of each call (the counters
  // below and the request's first 24 bytes) is in the first of its cache
  // lines, one line per call where a request-first layout took three.
  struct alignas(64) Sequence {
    long target = 0;     // tokens whose KV must exist before decoding
    long kv_tokens = 0;  // tokens whose KV exists
    long generated = 0;
    long blocks = 0;
    long chunk = 0;      // prompt tokens planned for the current iteration
    CallRequest call;
    long cached = 0;
    long computed = 0;
    long shared = 0;        // blocks of a shared prefix it reads but does not own (in `blocks`)
    long shared_cached = 0; // prompt tokens served from a shared prefix
    std::uint32_t hash_pinned = 0;  // it pins its prompt's prefix-cache chunks [0, hash_pinned) (in `shared`)
    int preemptions = 0;
    double reload_s = 0.0;  // a reload from a lower tier not yet run
    double scheduled_s = -1.0;
    double first_token_s = -1.0;
    bool prefilling() const { return kv_tokens < target; }
    // Its last token is out. Under multi-step scheduling it stays in the
    // batch, computed and its tokens dropped, until the window ends
    // (docs/performance-model.md, "Multi-step scheduling").
    bool done() const { return !prefilling() && generated >= call.output_tokens; }
  };
  // Working arrays of one plan or completion, filled and read within it
  // (no listener is called in between), so the replicas built on a thread
  // share that thread's set (thread_scratch): a set of its own would be
  // three more cold lines each time the replica's turn came.
  struct Scratch {
    std::vector<double> workload_tokens;  // by workload: the tokens of an interval accounted
    std::vector<long> kv;                 // by running call: its KV tokens, for kv_growth_limit
    std::vector<long> blocks;             // by running call: its blocks, likewise
  };
  static Scratch& thread_scratch();  // the set of the thread that builds the replica
  // The scratch's workload tokens, sized for this replica's workloads and zeroed.
  std::vector<double>& zeroed_workload_tokens() {
    std::vector<double>& tokens = scratch_->workload_tokens;
    if (tokens.size() == stats_.busy_s_by_workload.size())
      std::fill(tokens.begin(), tokens.end(), 0.0);
    else  // the first replica of the thread, or one of another scenario's
      tokens.assign(stats_.busy_s_by_workload.size(), 0.0);
    return tokens;
  }
  // The same, holding each running call's sequences under its workload.
  std::vector<double>& running_workload_tokens() {
    std::vector<double>& tokens = zeroed_workload_tokens();
    for (const auto& s : running_) tokens[s.call.workload] += s.call.sequences();
    return tokens;
  }

  long blocks_for(long tokens) const { return (tokens + engine_.kv_block_tokens - 1) / engine_.kv_block_tokens; }
  // The KV blocks of `s` once it holds `kv` tokens (by each of its
  // sequences): one chain up to its prompt; past it, each of its branches
  // has blocks of its own after the prompt's full blocks, which they share
  // (a partial last block is copied to each).
  long blocks_at(const Sequence& s, long kv) const {
    if (s.call.extra_sequences == 0 || kv <= s.call.prompt_tokens) return blocks_for(kv);
    const long shared = s.call.prompt_tokens / engine_.kv_block_tokens;
    return shared + s.call.sequences() * blocks_for(kv - shared * engine_.kv_block_tokens);
  }
  // The KV cells `s` holds: its prompt's once, each branch's own tokens after it.
  double cells_of(const Sequence& s) const {
    const long past_prompt = std::max(0L, s.kv_tokens - s.call.prompt_tokens);
    return static_cast<double>(s.kv_tokens + s.call.extra_sequences * past_prompt);
  }
  // Admission from the queue, in steps (continuous_batcher_admission.cpp).
  struct KvReuse;
  void admit(double now, BatcherListener& listener);
  bool budget_admits(const Sequence& s, long decoding, long prefill_remaining) const;
  long blocks_needed(const Sequence& s) const;
  void fail_head(double now, BatcherListener& listener);
  KvReuse find_reusable_kv(const Sequence& s, long needed);
  void put_back(const KvReuse& r, const Sequence& s, double now);
  void seat(Sequence& s, const KvReuse& r, long extra, double now);
  bool make_room(long blocks, double now);  // evicts retained caches; false if not enough
  // A session's cache joins those retained, or returns to them; the cache
  // retained memory lets go of next (the policy's order).
  void retain(const RetainedKv::Entry& entry, std::uint16_t idleness);
  RetainedKv::Entry evict_next();
  void drop_retained(const RetainedKv::Entry& entry, double now);  // frees it, offloading to tiers
  double head_s(const BatchPlan& plan) const { return plan.cost.time_s() + plan.reload_s; }
  void ensure_decode_room(double now, BatcherListener& listener);
  void preempt_newest();
  void expire_retained(double now);
  void release(Sequence& s, double now);
  void finish(Sequence& s, double now, bool failed, BatcherListener& listener);
  // Largest j <= limit such that every sequence can grow by j tokens within
  // `free` blocks, given each one's tokens and blocks (Scratch::kv and ::blocks;
  // a sequence that grows no more, done in a multi-step window, has the
  // largest long as its blocks).
  long kv_growth_limit(long limit, long free) const;
  // After the prompt iteration just planned, a decode run can follow in the
  // same plan; sets it up and returns true, or false if the batch may change.
  bool plan_tail_run(BatchPlan& p);
  // `first_token_s`: when the first of the k iterations ends, the first
  // token of a sequence whose KV arrived from a prefill replica.
  void apply_decode(long k, double first_token_s);
  // `host_s`: of the interval, the serving stack's host work (its
  // iterations' IterationOverhead, and the device's waits for an overlapped
  // host: IterationCost::host_s), counted as ReplicaStats::host_s.
  void account(const PowerModel& power, double start_s, double end_s, double compute_s, double memory_s,
               double host_s, double batch, const std::vector<double>& workload_tokens, double tokens);
  // The power model of the clock a plan runs at.
  const PowerModel& power_at(std::uint8_t clock) const { return clock == 0 ? power_ : lower_clocks_[clock - 1u].power; }
  void touch(double now);  // integrates KV occupancy up to now
  BatchPlan plan_next(double now, BatcherListener& listener);
  void advance_window(const BatchPlan& plan, long k);  // multi-step: the window after k iterations
  // Finishes every running call whose last token is out, keeping admission
  // order for the rest; true when there was one.
  bool retire_done(double now, BatcherListener& listener);
  // Tells the time series how waiting, running and KV blocks changed since
  // it was last told (only with a series).
  void report_levels(double now);

  // What every event of the replica reads or writes comes first, in the
  // object's first cache lines: a replica's state is cold when its next event
  // comes (thousands of others ran in between), and the misses on it, spread
  // over a 1 KiB object, were a large part of an event's cost.
  double last_touch_s_ = 0.0;
  double window_start_s_;
  long total_blocks_;
  long free_blocks_;
  // Multi-step scheduling: decode iterations since the scheduler last ran;
  // calls wait while it is not 0 and the batch decodes. Always 0 with
  // scheduler_steps 1.
  long window_steps_ = 0;
  std::vector<Sequence> running_;  // in admission order
  long extra_running_ = 0;         // their extra branches (running_sequences())
  RingQueue<Sequence> waiting_;
  std::shared_ptr<const RooflineModel> roofline_;
  // The engine's KV policies, resolved once: no name is looked up per call.
  KvRetentionPolicy retention_;
  KvAdmissionPolicy admission_;
  PowerModel power_;
  PowerTimeline* timeline_;
  TimeSeries* series_ = nullptr;
  std::vector<ReplicaSlice>* slices_ = nullptr;
  bool down_ = false;  // its node failed: plans nothing
  // A decode-role replica: some sequences start without a first token, whose
  // time a decode run then works out (no cost anywhere else).
  bool takes_decode_calls_ = false;
  ReplicaStats stats_;
  Scratch* scratch_;
  std::unique_ptr<KvTierStack> tiers_;  // none: no work at all on the tiers' account
  AdmissionWaits admission_waits_;
  bool keep_waits_ = false;
  bool keep_ttfts_ = false;
  RetainedKv retained_;
  std::unique_ptr<IdlenessRank> idleness_;  // only with kv_retention idleness: the eviction order
  std::vector<long> prefix_blocks_;          // by prefix; empty: no shared prefixes
  std::unique_ptr<PrefixBlockCache> prefix_cache_;  // none: prefix hashes are ignored
  EngineSettings engine_;  // its scalars first; its names and tiers are read when the replica is built

  std::vector<std::uint8_t> prefix_held_;    // by prefix
  std::vector<std::uint32_t> prefix_of_workload_;
  long prefix_pinned_blocks_ = 0;
  void pin_prefix(Sequence& s);          // its prefill ended: keep its prefix for others
  void drop_prefixes();                  // the node went off or failed
  // The sequence's first token came at `at`: kept for an autoscaler that asked.
  void first_token(Sequence& s, double at) {
    s.first_token_s = at;
    if (keep_ttfts_) kept_ttfts_.push_back(at - s.call.enqueue_s);
  }
  void cache_prompt_chunks(Sequence& s);  // its prefill ended: its hashed chunks join the cache
  void unpin_chunks(Sequence& s);         // it leaves the batch: its chunks become evictable

  std::vector<LowerClock> lower_clocks_;  // empty: plans run at the pool's state
  LostWork halted_;  // the whole iterations of a plan halt() cut short, until fail() counts them
  std::vector<double> kept_waits_;
  std::vector<double> kept_ttfts_;
  std::size_t series_pool_ = 0;
  long reported_waiting_ = 0, reported_running_ = 0, reported_blocks_ = 0;
};

}  // namespace fleetsim
