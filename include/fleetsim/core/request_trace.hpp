// A recorded request trace as plain data: the LLM calls a workload replays
// instead of drawing arrivals and steps (docs/scenario-format.md, "Replaying
// a request trace"). The I/O edge (src/io/request_trace_reader.cpp) builds it
// from a CSV or JSON-lines file; the arrival generator starts its sessions
// and the fleet model issues its calls. A streamed trace holds no calls, only
// what describes them, and a feed (trace_feed.hpp) that reads them again as
// the run starts its sessions. Nothing here reads a file.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/prefix_block_cache.hpp"

namespace fleetsim {

class TraceFeedSource;
struct FedSession;

// How a session's later calls are paced (docs/scenario-format.md, "Pacing").
enum class TracePacing : std::uint8_t {
  timestamp,   // each at its recorded time, or when the previous call ends if later
  think_time,  // each a recorded gap after the previous call, as the simulation runs it
};

struct RequestTrace {
  struct Call {
    // When the call is due, in seconds after the trace's first arrival, with
    // `rate_scale` applied.
    double arrival_s = 0.0;
    long prompt_tokens = 1;  // the call's whole prompt, as recorded
    long output_tokens = 1;
    std::uint32_t model = 0;         // index into `models`
    std::uint32_t prefix_begin = 0;  // this call's hashes: prefix_hashes[begin, begin + count)
    std::uint32_t prefix_count = 0;
    std::uint32_t row = 0;           // the file's line, for messages
  };

  std::string file;                 // as the scenario names it
  std::vector<std::string> models;  // distinct models the calls name, in order of first appearance
  // Calls grouped by session: session i is calls[session_begin[i],
  // session_begin[i + 1]), in the file's order. Sessions are ordered by
  // their first call, which is also their start; a trace without a session
  // column has one session per call.
  std::vector<Call> calls;
  std::vector<std::uint32_t> session_begin;
  // Prefix block hashes (Mooncake's hash_ids), when mapped: each names one
  // chunk of `prefix_block_tokens` prompt tokens and all before it. Replicas
  // cache chunks by them, across sessions (PrefixBlockCache).
  std::vector<std::uint64_t> prefix_hashes;
  std::uint32_t prefix_block_tokens = 0;
  // One per hash: whether its value is sent by more than one recorded
  // session (a system prompt, a common document), which a replay of a
  // session keeps; the others are the session's own (PrefixHashes::salt).
  std::vector<std::uint8_t> prefix_shared;
  // Replay again after the last session starts, shifted by this period each
  // round; 0: replay once.
  double loop_period_s = 0.0;

  TracePacing pacing = TracePacing::timestamp;
  // think_time only, one per call (with `rate_scale` applied): the recorded
  // gap after the call, before the session's next one. Measured from the
  // call's end (a `think` column) or, when gap_from_start, from its start (a
  // `gap` column, start to start): then the next call is due at the later of
  // start + gap and the call's simulated end. Unused on a session's last call.
  std::vector<double> gap_after_s;
  bool gap_from_start = false;

  // Where the scenario names this trace (its `trace:` key), for messages
  // about the replay that are found only when it runs (late calls).
  std::string scenario_file;
  int scenario_line = 0;
  int scenario_column = 0;
  std::string key_path;

  // A call is late by more than this when the fleet held it back (a
  // microsecond, below any trace's resolution): times read back from the
  // engine's clock may differ from the recorded ones in their last bits.
  static constexpr double kLateToleranceS = 1e-6;

  // A streamed trace: `calls`, `session_begin`, `prefix_hashes` and
  // `gap_after_s` stay empty, and the run reads its sessions from `feed`, in
  // start order, as it starts them (FleetModel::next_streamed_start). Only
  // what the file was found to hold when it was checked is kept here: of the
  // sessions a `window` keeps, when it has one. Such a trace replays each
  // session as recorded and is not drawn from as templates; it loops only
  // when no call carries prefix hashes (a later round's own hashes are
  // renamed by prefix_shared, which takes the whole trace): each round opens
  // a new feed, its times shifted by the round's offset (FleetModel).
  std::shared_ptr<const TraceFeedSource> feed;
  struct StreamedFigures {
    std::uint64_t calls = 0;     // those replayed (in the window)
    std::uint64_t sessions = 0;  // those replayed (in the window)
    // Whether any call of the file (within `limit`, window or not) carries
    // prefix hashes, as a trace held whole has them.
    bool hashed = false;
    double last_start_s = 0.0;  // the start of the last session replayed, as replayed (for loop_period_s)
    // The start of every `start_stride`-th session (0, stride, 2 stride,
    // ...), at most a few thousand: enough to count the sessions that start
    // before a time to within a stride (sessions_starting_before).
    std::vector<double> start_sample_s;
    std::uint64_t start_stride = 1;
    std::vector<std::uint32_t> first_row_of_model;  // the line each model is first named on, for messages
  } streamed;
  bool is_streamed() const { return feed != nullptr; }

  // Sessions held (0 for a streamed trace), for indexing `session_begin`.
  std::size_t sessions() const { return session_begin.empty() ? 0 : session_begin.size() - 1; }
  // What the trace replays, held or streamed.
  std::uint64_t session_count() const { return is_streamed() ? streamed.sessions : sessions(); }
  std::uint64_t call_count() const { return is_streamed() ? streamed.calls : calls.size(); }
  bool hashed() const { return is_streamed() ? streamed.hashed : !prefix_hashes.empty(); }
  // Sessions of one round that start before `t_s`; for a streamed trace of
  // more sessions than its sample holds, a lower bound within one stride.
  std::uint64_t sessions_starting_before(double t_s) const;

  // The k-th session to start, counting on through the rounds of a loop:
  // which recorded session it replays and how far its times are shifted.
  // nullopt once a trace that does not loop has run out.
  struct SessionRef {
    std::uint32_t index = 0;
    double offset_s = 0.0;
    std::uint64_t round = 0;  // of a loop: 0 for the first
  };
  std::optional<SessionRef> session(std::uint64_t k) const;
  double start_s(const SessionRef& ref) const { return ref.offset_s + calls[session_begin[ref.index]].arrival_s; }

  // Keeps the sessions whose `keep` entry is true (one per session, in
  // session order), all their calls with them, and shifts every time so
  // that `new_origin_s` becomes 0: a window of the trace, or a sample.
  void keep_sessions(const std::vector<bool>& keep, double new_origin_s);
  // Sets prefix_shared from the sessions the trace holds (after any
  // keep_sessions).
  void mark_shared_prefixes();
};

// Where one session in flight is in its recorded calls.
class TraceCursor {
 public:
  TraceCursor() = default;
  // `salt`: non-zero when this replay is not the recorded session itself (a
  // loop's later round, an empirical agent), so that the hashes of its own
  // prompt chunks are new (PrefixHashes::salt).
  TraceCursor(const RequestTrace& trace, const RequestTrace::SessionRef& ref, std::uint64_t salt = 0);
  // A session of a streamed trace, replayed as recorded: its calls are
  // `fed`'s, which must stay put until the session ends.
  TraceCursor(const RequestTrace& trace, const FedSession& fed);

  bool active() const { return trace_ != nullptr; }
  TracePacing pacing() const { return trace_->pacing; }
  // Whether the session has issued a call yet: its first is never late.
  bool issued_any() const { return next_ != begin_; }
  // The next call, or nullptr when the session has made all of its calls.
  const RequestTrace::Call* peek() const { return next_ < end_ ? &calls_[next_] : nullptr; }
  void pop() {
    ++next_;
    paced_due_s_ = kNotYet;
  }
  // When `call` is due: its recorded time, shifted for the loop round. The
  // session's first call is due exactly at RequestTrace::start_s.
  double due_s(const RequestTrace::Call& call) const { return offset_s_ + call.arrival_s; }
  // Under think_time pacing, when the next call is due: the session's first
  // at its recorded start, a later one its recorded gap after the previous
  // call (issued at `previous_start_s`, ended at `now`). The first answer is
  // kept, so asking again after the wait gives the same time. `*rhythm_s`:
  // when the trace's own rhythm would have issued it (start + gap, for a gap
  // measured from the start), to tell how late the fleet made it.
  double paced_due_s(double previous_start_s, double now, double* rhythm_s);
  const std::string& model(const RequestTrace::Call& call) const { return trace_->models[call.model]; }
  // The call's prefix hashes (empty when the trace maps none).
  PrefixHashes prefix(const RequestTrace::Call& call) const {
    if (call.prefix_count == 0) return {};
    return {hashes_ + call.prefix_begin, call.prefix_count, trace_->prefix_block_tokens, salt_,
            salt_ != 0 ? shared_ + call.prefix_begin : nullptr};
  }

 private:
  const RequestTrace* trace_ = nullptr;  // models, pacing, block size
  // The session's calls and what goes with them: the trace's own arrays, or
  // a streamed session's copies.
  const RequestTrace::Call* calls_ = nullptr;
  const std::uint64_t* hashes_ = nullptr;
  const std::uint8_t* shared_ = nullptr;
  const double* gaps_ = nullptr;
  static constexpr double kNotYet = -std::numeric_limits<double>::infinity();
  std::uint32_t begin_ = 0;
  std::uint32_t next_ = 0;
  std::uint32_t end_ = 0;
  double offset_s_ = 0.0;
  std::uint64_t salt_ = 0;
  double paced_due_s_ = kNotYet;  // think_time: the next call's due time, once known
  double rhythm_s_ = kNotYet;
};

}  // namespace fleetsim
