// Request-trace files (CSV with a header row, or JSON lines) read into a
// RequestTrace through a column mapping. Input is untrusted: every problem is
// a Diagnostic at the file's line and column, naming the column; nothing is
// skipped, clamped or guessed. A new ready-made format is one more entry in
// trace_preset() (docs/architecture.md).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/core/request_trace.hpp"

namespace fleetsim {

enum class TraceFileKind { csv, jsonl };
// How the time column is written. Times may be absolute or relative: the
// first row is t = 0 either way.
enum class TraceTimeUnit {
  seconds,       // a number of seconds
  milliseconds,  // a number of milliseconds
  datetime,      // "2023-11-16 18:17:03.9799600" (or with 'T'; no time zone)
};

// Which column (CSV header name, or JSON key) holds what. Empty optional
// names are not mapped.
struct TraceMapping {
  TraceFileKind kind = TraceFileKind::csv;
  TraceTimeUnit time_unit = TraceTimeUnit::seconds;
  std::string time;
  std::string prompt_tokens;  // the call's whole prompt
  std::string output_tokens;
  std::string session;        // optional: calls with one id form one session, in file order
  std::string model;          // optional: a model name per call
  std::string prefix_hashes;  // optional: prefix block hashes (a JSON list, or integers in a CSV cell)
  long prefix_block_tokens = 0;  // the prompt tokens each of those hashes covers
  // Read under think_time pacing only, one of the two: the gap after each
  // call before its session's next, in seconds, measured from the call's end
  // (`think`) or from its start (`gap`, start to start). Empty on a
  // session's last call.
  std::string think;
  std::string gap;
};

// The mapping a `format:` names: "azure-2023", "mooncake", or the bare
// "csv" and "jsonl" whose columns the scenario must give. nullopt if unknown.
std::optional<TraceMapping> trace_preset(std::string_view format);
// Every name trace_preset accepts, for messages.
std::vector<std::string> trace_preset_names();

struct TraceOptions {
  std::string default_model;  // for rows without a model (none mapped, or an empty cell)
  double rate_scale = 1.0;    // > 0; 2 replays twice as fast
  std::optional<std::uint64_t> limit;  // read only the first N rows
  TracePacing pacing = TracePacing::timestamp;  // think_time reads the think or gap column
};

// Parses a trace file's text; `file` labels the messages. On any error the
// diagnostics (at most a screenful, then a count) are appended to `out` and
// nullopt returned. The trace has at least one call; loop_period_s is 0.
// With a session column, times must rise within each session only; sessions
// are ordered by their first call (ties in file order).
std::optional<RequestTrace> parse_request_trace(const std::string& text, const std::string& file,
                                                const TraceMapping& mapping, const TraceOptions& options,
                                                std::vector<Diagnostic>& out);

// Reads the file at `path` within limits::kMaxTraceFileBytes, then parses it.
std::optional<RequestTrace> read_request_trace(const std::string& path, const TraceMapping& mapping,
                                               const TraceOptions& options, std::vector<Diagnostic>& out);

// A window of a trace's sessions (`window:`): those whose first call starts
// in [from_s, to_s) of the replay's time, from the trace's first arrival with
// rate_scale applied; the first of them is replayed at 0.
struct TraceWindow {
  double from_s = 0.0;
  double to_s = std::numeric_limits<double>::infinity();
  bool keeps(double start_s) const { return start_s >= from_s && start_s < to_s; }
};

// Checks the file at `path`, a regular file within
// limits::kMaxStreamedTraceFileBytes, line by line as parse_request_trace
// does (the same diagnostics), but keeps no rows: a streamed trace
// (RequestTrace::feed), whose feed reads the file again as the run goes.
// With a session column it keeps an index of 16 bytes a session
// (trace_session_index.hpp) and the feed reads each session's rows when the
// run starts it; the sessions, their order and their calls are those
// parse_request_trace gives.
// With a `window`, the check still reads and checks every row (the same
// diagnostics as a trace held whole), but the trace replays only the sessions
// the window keeps, their times shifted as RequestTrace::keep_sessions
// shifts them, and its feed reads the file from the window's first session
// on and stops at its last. No session in the window: a trace of no
// sessions, for the caller to refuse. `last_start_s`, when given, is set to
// the start of the trace's last session before the window (for that
// message).
std::optional<RequestTrace> scan_request_trace(const std::string& path, const TraceMapping& mapping,
                                               const TraceOptions& options, std::vector<Diagnostic>& out,
                                               const std::optional<TraceWindow>& window = std::nullopt,
                                               double* last_start_s = nullptr);

}  // namespace fleetsim
