// A replayed session (a workload with a request trace): its recorded calls in
// order, paced as the trace says (docs/scenario-format.md, "Pacing"):
//   timestamp   each call at its recorded time or, when the previous call of
//               the session is still running then, as soon as that call ends;
//   think_time  each later call a recorded gap after the previous one, as the
//               simulation runs it (from its end, or from its start for a gap
//               recorded start to start, but never before it ends).
// A call issued after the trace's own rhythm because its predecessor had not
// ended is counted late, so the report can say the fleet fell behind.
// A call's prompt is the recorded prompt; the previous call's prompt and
// output stay in the replica's retained KV cache, so the context carries over
// as in a step chain and only the tokens beyond it need prefill on the same
// replica. A call with prefix hashes is cached by them instead, across
// sessions (docs/performance-model.md, "Prefix block hashes").
// A streamed trace's sessions come from its feed, one read ahead of the
// session the source starts next; a started session keeps its own copy of its
// calls and hashes, so memory follows the sessions in flight. A streamed trace
// that loops opens a new feed for each round, its times shifted by the
// round's offset as RequestTrace::session shifts a trace held whole (such a
// trace has no prefix hashes, so a later round has none to rename).
#include <algorithm>
#include <limits>

#include "fleetsim/core/fleet_model.hpp"

namespace fleetsim {

void FleetModel::open_trace_feeds() {
  streams_.resize(scenario_.workloads.size());
  for (std::size_t w = 0; w < scenario_.workloads.size(); ++w)
    if (const auto& trace = scenario_.workloads[w].arrivals.trace; trace && trace->is_streamed())
      streams_[w].feed = trace->feed->open();
}

double FleetModel::next_streamed_start(std::uint32_t workload) {
  TraceStream& stream = streams_[workload];
  if (!stream.has_ahead) {
    stream.has_ahead = stream.feed->next(stream.ahead);
    const RequestTrace& trace = *scenario_.workloads[workload].arrivals.trace;
    // The round has run out: the next starts from the first session again
    // (unless the file changed under the feed, whose problems end the run).
    if (!stream.has_ahead && trace.loop_period_s > 0 && stream.feed->problems().empty()) {
      stream.feed = trace.feed->open();
      ++stream.round;
      stream.has_ahead = stream.feed->next(stream.ahead);
    }
    if (stream.has_ahead && stream.round > 0) {
      // As a held trace's due_s: the offset, the round times the period, plus the recorded time.
      const double offset = static_cast<double>(stream.round) * trace.loop_period_s;
      for (RequestTrace::Call& call : stream.ahead.calls) call.arrival_s = offset + call.arrival_s;
    }
  }
  // A session without calls is never fed: the reader refuses an empty trace.
  return stream.has_ahead && !stream.ahead.calls.empty() ? stream.ahead.calls.front().arrival_s
                                                          : std::numeric_limits<double>::infinity();
}

TraceCursor FleetModel::take_streamed_session(std::uint32_t workload, std::uint32_t slot) {
  TraceStream& stream = streams_[workload];
  if (fed_.size() <= slot) fed_.resize(sessions_.size());
  FedSession& fed = fed_[slot];
  if (stream.has_ahead || next_streamed_start(workload) < std::numeric_limits<double>::infinity()) {
    // The slot's buffers, free since its last session ended, take the next read.
    std::swap(fed, stream.ahead);
    stream.has_ahead = false;
  } else {
    fed.clear();  // the trace has run out: the session ends at once
  }
  return TraceCursor(*scenario_.workloads[workload].arrivals.trace, fed);
}

std::vector<Diagnostic> FleetModel::trace_feed_problems() const {
  std::vector<Diagnostic> out;
  for (const TraceStream& stream : streams_)
    if (stream.feed) out.insert(out.end(), stream.feed->problems().begin(), stream.feed->problems().end());
  return out;
}

void FleetModel::advance_trace(std::uint32_t slot) {
  Session& s = sessions_[slot];
  const RequestTrace::Call* call = s.trace.peek();
  if (call == nullptr) {
    end_session(slot);
    return;
  }
  const double now = driver_->now();
  double rhythm = 0.0;
  const double due = s.trace.pacing() == TracePacing::timestamp ? (rhythm = s.trace.due_s(*call))
                                                                 : s.trace.paced_due_s(s.call_issued_s, now, &rhythm);
  if (due > now) {
    // Waits like a tool call, without being one: tool_finished comes back here.
    driver_->call_back_after_tool(due, slot);
    return;
  }
  if (s.trace.issued_any() && in_window(now)) {
    WorkloadMetrics& m = metrics_.workloads[s.workload];
    ++m.trace_calls;
    const double late = now - rhythm;
    if (late > RequestTrace::kLateToleranceS) {
      ++m.trace_calls_late;
      m.trace_late_total_s += late;
      m.trace_late_max_s = std::max(m.trace_late_max_s, late);
    }
  }
  s.trace.pop();
  // The reader refuses counts below 1; the clamp keeps a trace built in code
  // within what the batcher accepts.
  send_call(slot, s.trace.model(*call), std::max(1L, call->prompt_tokens), std::max(1L, call->output_tokens),
            s.trace.prefix(*call));
}

}  // namespace fleetsim
