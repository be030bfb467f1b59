// A streamed trace with a session column read again as the run starts its
// sessions (fleetsim/core/trace_feed.hpp): each session's rows from where the
// index says its first row is (trace_session_index.hpp), on through the file
// until it has them all, checked as when the scenario loaded; the rows of
// other sessions read on the way are split to find their session id and
// passed over (TraceBuilder::follow_next_session). The file must
// not change between the reads: as for a trace of one call a session
// (trace_file_feed.hpp), a new size or time of change, a row that no longer
// reads, a model the check did not see or a session that no longer has its
// rows ends the feed with a problem. Private to the trace reader.
#pragma once

#include <memory>
#include <vector>

#include "fleetsim/core/trace_feed.hpp"
#include "trace_file_feed.hpp"
#include "trace_session_index.hpp"

namespace fleetsim {

class TraceSessionFeedSource final : public TraceFeedSource {
 public:
  // `checked.options.limit` is already in the index: the feed reads no further.
  // `sessions`: those replayed (a window's), in start order; `shift_s` is
  // subtracted from every call's time (a window's first session's start, as
  // RequestTrace::keep_sessions shifts a trace held whole; else 0).
  TraceSessionFeedSource(CheckedTraceFile checked, trace_rows::Instant origin,
                         std::vector<trace_rows::IndexedSession> sessions, double shift_s = 0.0)
      : checked_(std::move(checked)), origin_(origin), sessions_(std::move(sessions)), shift_s_(shift_s) {}
  std::unique_ptr<TraceFeed> open() const override;

  // The index's size in memory, in bytes (docs/performance.md, "Streamed traces").
  std::size_t index_bytes() const { return sessions_.capacity() * sizeof(trace_rows::IndexedSession); }

 private:
  CheckedTraceFile checked_;
  trace_rows::Instant origin_;
  std::vector<trace_rows::IndexedSession> sessions_;
  double shift_s_ = 0.0;
};

}  // namespace fleetsim
