// What a streamed trace with a session column keeps of its file instead of
// its rows (docs/scenario-format.md, "Replaying a request trace"): for each
// session, in start order, where its first row is and how many rows it has.
// The check as the scenario loads (scan_request_trace) builds it; the feed
// (trace_session_feed.hpp) reads a session's rows again from there when the
// run starts it. A session's rows need not be next to one another: the feed
// reads on from the first until it has them all. Private to the trace reader.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "trace_builder.hpp"
#include "trace_cells.hpp"

namespace fleetsim::trace_rows {

// 16 bytes a session: the whole index of a streamed session trace.
struct IndexedSession {
  std::uint64_t offset = 0;  // where the session's first row starts in the file, in bytes
  std::uint32_t line = 0;    // that row's line
  std::uint32_t rows = 0;    // its rows: the first, then as many more further on
};

struct SessionIndex {
  std::vector<IndexedSession> sessions;  // in start order; ties in order of first appearance
  std::vector<double> starts_s;          // each session's first arrival, as a trace held whole has it
  Instant origin;                        // the trace's first arrival, which is t = 0
};

// Builds the index from the good rows of the check, in file order. It costs
// more while the file is checked than the index it leaves: per session its
// first time, its last row and whether that row's gap was empty (48 bytes,
// beside the builder's id and last time of each session, some 80 bytes
// more), and per empty gap that think_time pacing needs, one report.
class SessionIndexBuilder {
 public:
  explicit SessionIndexBuilder(TracePacing pacing) : pacing_(pacing) {}

  // A good row, starting at byte `offset` of the file.
  void add(const Row& row, std::uint64_t offset);

  // After the last row, when the check found no problem: the index, in the
  // order a trace held whole puts its sessions (TraceBuilder::finish).
  // Reports each empty gap that think_time pacing needs through the builder,
  // in the same order as a trace held whole, and then gives nothing.
  std::optional<SessionIndex> finish(TraceBuilder& builder);

 private:
  struct Scanned {
    Instant first;
    std::uint64_t offset = 0;
    std::uint32_t line = 0;
    std::uint32_t rows = 0;
    std::uint32_t last_line = 0;
    int last_gap_column = 0;
    bool last_gap_empty = false;
  };
  struct MissingGap {
    std::uint32_t session, line, next_line;
    int column;
  };

  TracePacing pacing_;
  std::vector<Scanned> scanned_;  // by session number, in order of first appearance
  std::vector<MissingGap> missing_;
};

}  // namespace fleetsim::trace_rows
