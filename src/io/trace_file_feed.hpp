// A streamed trace read again, row by row, as the run starts its sessions
// (fleetsim/core/trace_feed.hpp): the file checked when the scenario loaded
// (scan_request_trace), split and checked as then. The file must not change
// between the two reads: a feed whose file has a new size or time of change,
// a row that no longer reads, a model the check did not see, or a different
// number of rows ends with a problem, and the run is refused
// (docs/scenario-format.md, "Replaying a request trace"). Private to the
// trace reader.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/trace_feed.hpp"
#include "request_trace_reader.hpp"
#include "trace_builder.hpp"
#include "trace_lines.hpp"

namespace fleetsim {

// What the check found, for the feed to hold the file to.
struct CheckedTraceFile {
  std::string path;             // as opened, and as messages name it
  TraceMapping mapping;         // the columns a replay reads
  TraceOptions options;
  std::vector<std::string> models;  // in order of first appearance
  trace_rows::FileVersion version;
  std::uint64_t rows = 0;       // the calls the trace replays (after `limit`)
};

// Where a streamed trace's replay starts: the first row it replays, and the
// time subtracted from every call's (a window's first session's start, as
// RequestTrace::keep_sessions shifts a trace held whole; else 0).
struct FeedStart {
  std::uint64_t offset = 0;  // in bytes
  std::uint32_t line = 0;
  double shift_s = 0.0;
};

// A window of a trace of one call a session: the feed seeks to its first
// row and stops after its last (the check counted them), instead of reading
// the file from its start to its end.
struct FeedWindow {
  TraceWindow window;
  FeedStart start;
};

// Ends a feed whose file no longer reads as it did when it was checked, at
// `line` (0: the file as a whole): the row checks' own diagnostics, if any,
// then `message`, into `found`. Nothing when the feed is already `done`.
void end_changed_feed(bool& done, trace_rows::Problems& problems, std::vector<Diagnostic>& found,
                      const std::string& path, int line, std::string message);

class TraceFileFeedSource final : public TraceFeedSource {
 public:
  // `origin`: the trace's first arrival, which is t = 0. With a window,
  // `checked.rows` counts the window's rows.
  TraceFileFeedSource(CheckedTraceFile checked, trace_rows::Instant origin, std::optional<FeedWindow> window)
      : checked_(std::move(checked)), origin_(origin), window_(window) {}
  std::unique_ptr<TraceFeed> open() const override;

 private:
  CheckedTraceFile checked_;
  trace_rows::Instant origin_;
  std::optional<FeedWindow> window_;
};

}  // namespace fleetsim
