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

// Ends a feed whose file no longer reads as it did when it was checked, at
// `line` (0: the file as a whole): the row checks' own diagnostics, if any,
// then `message`, into `found`. Nothing when the feed is already `done`.
void end_changed_feed(bool& done, trace_rows::Problems& problems, std::vector<Diagnostic>& found,
                      const std::string& path, int line, std::string message);

class TraceFileFeedSource final : public TraceFeedSource {
 public:
  explicit TraceFileFeedSource(CheckedTraceFile checked) : checked_(std::move(checked)) {}
  std::unique_ptr<TraceFeed> open() const override;

 private:
  CheckedTraceFile checked_;
};

}  // namespace fleetsim
