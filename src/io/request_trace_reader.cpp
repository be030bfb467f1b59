#include "request_trace_reader.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetsim/io/input_file.hpp"
#include "fleetsim/io/input_limits.hpp"
#include "trace_builder.hpp"
#include "trace_cells.hpp"
#include "trace_file_feed.hpp"
#include "trace_lines.hpp"
#include "trace_row_splitter.hpp"
#include "trace_session_feed.hpp"
#include "trace_session_index.hpp"

// This file reads a trace's lines, held whole or (streamed) one at a time;
// splitting them into rows is trace_row_splitter.cpp's, what a value must be
// and how rows become sessions trace_builder.cpp's, and reading one value
// trace_cells.cpp's.

namespace fleetsim {
namespace {

using trace_rows::Problems;
using trace_rows::RowSplitter;
using trace_rows::SessionIndex;
using trace_rows::SessionIndexBuilder;
using trace_rows::TraceBuilder;
using trace_rows::TraceLines;

// The columns a replay reads: the think or gap column only when it paces by
// think time, so that a timestamp replay neither needs nor checks it.
TraceMapping columns_read(TraceMapping m, const TraceOptions& o) {
  if (o.pacing != TracePacing::think_time) m.think.clear(), m.gap.clear();
  return m;
}

// The lines of `text`, without their "\n" or "\r\n"; calls `each(line, n)`
// until it returns false.
template <typename Each>
int for_each_line(const std::string& text, Each each) {
  std::size_t begin = 0;
  int n = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++n;
    if (!each(line, n)) break;
    begin = end + 1;
  }
  return n;
}

// The trace from its lines, `each_line(handle)` calling `handle(line, n)`
// for each until it returns false, and returning the last n.
template <typename EachLine>
std::optional<RequestTrace> parse_lines(EachLine each_line, const TraceMapping& m, TraceBuilder& builder,
                                        Problems& problems) {
  RowSplitter split(m, builder, problems);
  const int last = each_line([&](std::string_view line, int n) { return split.line(line, n); });
  if (m.kind == TraceFileKind::jsonl) return builder.finish(std::max(last, 1));
  if (last == 0) {
    problems.error(0, 0, "the file is empty", "a CSV trace starts with a header row naming its columns");
    return std::nullopt;
  }
  if (!split.header_ok()) return std::nullopt;
  return builder.finish(last);
}

void report_nul(Problems& problems, int line, int column) {
  problems.error(line, column, "the file contains a NUL byte; expected text (CSV or JSON lines)");
}

// What a streamed trace's check keeps: counts, a sample of session starts,
// and where each model is first named.
class StreamedTally {
 public:
  explicit StreamedTally(RequestTrace::StreamedFigures& f) : f_(f) {}
  // A good row, in file order, in the window or not.
  void row(const trace_rows::Row& r) {
    f_.hashed = f_.hashed || r.hash_count > 0;
    if (f_.first_row_of_model.size() <= r.model) f_.first_row_of_model.resize(r.model + 1, 0);
    if (f_.first_row_of_model[r.model] == 0) f_.first_row_of_model[r.model] = r.line;
  }
  // The next session replayed, in start order: its start and calls.
  void session(double start_s, std::uint64_t calls) {
    f_.calls += calls;
    f_.last_start_s = start_s;
    const std::uint64_t k = f_.sessions++;
    if (k % f_.start_stride == 0 && f_.start_sample_s.size() == kMaxSample) {
      // Every other sample, at twice the stride.
      for (std::size_t i = 0; 2 * i < kMaxSample; ++i) f_.start_sample_s[i] = f_.start_sample_s[2 * i];
      f_.start_sample_s.resize(kMaxSample / 2);
      f_.start_stride *= 2;
    }
    if (k % f_.start_stride == 0) f_.start_sample_s.push_back(start_s);
  }

 private:
  static constexpr std::size_t kMaxSample = 4096;
  RequestTrace::StreamedFigures& f_;
};

// Keeps the sessions of `index` that start in `window` (all without one),
// their starts shifted by the first kept one's, as RequestTrace::
// keep_sessions shifts a trace held whole. The shift, or nullopt when the
// window keeps none.
std::optional<FeedStart> keep_window(SessionIndex& index, const std::optional<TraceWindow>& window) {
  if (!window) return FeedStart{};
  std::size_t kept = 0;
  for (std::size_t k = 0; k < index.sessions.size(); ++k)
    if (window->keeps(index.starts_s[k])) {
      index.sessions[kept] = index.sessions[k];
      index.starts_s[kept++] = index.starts_s[k];
    }
  index.sessions.resize(kept);
  index.sessions.shrink_to_fit();
  index.starts_s.resize(kept);
  if (kept == 0) return std::nullopt;
  const double shift = index.starts_s.front();
  for (double& start : index.starts_s) start -= shift;
  return FeedStart{0, 0, shift};
}

}  // namespace

std::optional<TraceMapping> trace_preset(std::string_view format) {
  TraceMapping m;
  if (format == "azure-2023") {
    // Azure LLM inference trace 2023 (Azure/AzurePublicDataset).
    m.kind = TraceFileKind::csv;
    m.time_unit = TraceTimeUnit::datetime;
    m.time = "TIMESTAMP";
    m.prompt_tokens = "ContextTokens";
    m.output_tokens = "GeneratedTokens";
    return m;
  }
  if (format == "mooncake") {
    // Mooncake FAST'25 traces (kvcache-ai/Mooncake): 512-token prefix blocks.
    m.kind = TraceFileKind::jsonl;
    m.time_unit = TraceTimeUnit::milliseconds;
    m.time = "timestamp";
    m.prompt_tokens = "input_length";
    m.output_tokens = "output_length";
    m.prefix_hashes = "hash_ids";
    m.prefix_block_tokens = 512;
    return m;
  }
  if (format == "mini-swe-agent") {
    // The SWE-bench mini-swe-agent per-call table (scenarios/traces/README.md):
    // one row per LLM call, grouped by session; `created` has 1 s resolution
    // and the gap to the next call is measured start to start.
    m.kind = TraceFileKind::csv;
    m.time_unit = TraceTimeUnit::seconds;
    m.time = "created_unix_s";
    m.session = "instance_id";
    m.prompt_tokens = "prompt_tokens";
    m.output_tokens = "completion_tokens";
    m.gap = "gap_to_next_call_s";
    return m;
  }
  if (format == "csv" || format == "jsonl") {
    m.kind = format == "csv" ? TraceFileKind::csv : TraceFileKind::jsonl;
    return m;
  }
  return std::nullopt;
}

std::vector<std::string> trace_preset_names() {
  return {"azure-2023", "mooncake", "mini-swe-agent", "csv", "jsonl"};
}

std::optional<RequestTrace> parse_request_trace(const std::string& text, const std::string& file,
                                                const TraceMapping& mapping, const TraceOptions& options,
                                                std::vector<Diagnostic>& out) {
  Problems problems(file, out);
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    const auto line_start = text.rfind('\n', nul);
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(nul), '\n'));
    const int column = static_cast<int>(nul - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
    report_nul(problems, line, column);
    return std::nullopt;
  }
  const TraceMapping read = columns_read(mapping, options);
  TraceBuilder builder(file, read, options, problems);
  auto trace = parse_lines([&](auto handle) { return for_each_line(text, handle); }, read, builder, problems);
  problems.finish();
  if (problems.count() > 0) return std::nullopt;
  return trace;
}

std::optional<RequestTrace> read_request_trace(const std::string& path, const TraceMapping& mapping,
                                               const TraceOptions& options, std::vector<Diagnostic>& out) {
  std::string why;
  const auto text = read_input_file(path, why, limits::kMaxTraceFileBytes);
  if (!text) {
    Diagnostic d;
    d.file = path;
    d.message = "cannot read the trace file: " + why;
    out.push_back(std::move(d));
    return std::nullopt;
  }
  return parse_request_trace(*text, path, mapping, options, out);
}

std::optional<RequestTrace> scan_request_trace(const std::string& path, const TraceMapping& mapping,
                                               const TraceOptions& options, std::vector<Diagnostic>& out,
                                               const std::optional<TraceWindow>& window, double* last_start_s) {
  TraceLines lines(path, limits::kMaxStreamedTraceFileBytes);
  if (!lines.ok()) {
    Diagnostic d;
    d.file = path;
    d.message = "cannot read the trace file: " + lines.error();
    out.push_back(std::move(d));
    return std::nullopt;
  }
  std::vector<Diagnostic> found;
  Problems problems(path, found);
  const TraceMapping read = columns_read(mapping, options);
  RequestTrace::StreamedFigures figures;
  StreamedTally tally(figures);
  // Without a session column, rows are in time order and each a session;
  // with one, the index finds each session's rows again.
  const bool by_session = !read.session.empty();
  SessionIndexBuilder index(options.pacing);
  TraceBuilder builder(path, read, options, problems);
  std::optional<trace_rows::Instant> origin;
  double last_start = 0.0;
  // A trace of one call a session: where the window's first row is, and its
  // start, which the replay's times are shifted by (as keep_sessions does).
  std::optional<FeedStart> first_kept;
  builder.stream_to([&](const trace_rows::Row& row, const auto&) {
    tally.row(row);
    if (by_session) return index.add(row, lines.line_offset());
    if (!origin) origin = row.at;
    last_start = builder.call_of(row, *origin).arrival_s;
    if (window && !window->keeps(last_start)) return;
    if (!first_kept) first_kept = FeedStart{lines.line_offset(), row.line, window ? last_start : 0.0};
    // x - 0.0 is x: without a window the times are those of the file.
    tally.session(last_start - first_kept->shift_s, 1);
  });
  auto trace = parse_lines(
      [&](auto handle) {
        int last = 0;
        while (const auto line = lines.next())
          if (last = lines.line(); !handle(*line, last)) break;
        return last;
      },
      read, builder, problems);
  std::optional<SessionIndex> sessions;
  if (const auto [line, column] = lines.nul_at(); line != 0) {
    // As for a trace held whole: the NUL byte alone.
    found.clear();
    Problems nul(path, found);
    report_nul(nul, line, column);
    trace.reset();
  } else if (!lines.ok()) {
    found.clear();
    Diagnostic d;
    d.file = path;
    d.message = "cannot read the trace file: " + lines.error();
    found.push_back(std::move(d));
    trace.reset();
  } else {
    if (trace && by_session && !(sessions = index.finish(builder))) trace.reset();
    problems.finish();
  }
  out.insert(out.end(), found.begin(), found.end());
  if (!trace || !found.empty()) return std::nullopt;
  if (sessions) {
    last_start = sessions->starts_s.back();
    first_kept = keep_window(*sessions, window);
    for (std::size_t k = 0; k < sessions->sessions.size(); ++k)
      tally.session(sessions->starts_s[k], sessions->sessions[k].rows);
  }
  if (last_start_s != nullptr) *last_start_s = last_start;
  // A window that keeps no session: a feed of none (the loader refuses it).
  if (!first_kept) first_kept = FeedStart{};
  CheckedTraceFile checked{path, read, options, trace->models, lines.version(), figures.calls};
  if (sessions) {
    trace->feed = std::make_shared<TraceSessionFeedSource>(std::move(checked), sessions->origin,
                                                           std::move(sessions->sessions),
                                                           first_kept->shift_s);
  } else {
    // Without a window the feed reads the file from its start, as it was checked.
    std::optional<FeedWindow> from;
    if (window) from = FeedWindow{*window, *first_kept};
    trace->feed = std::make_shared<TraceFileFeedSource>(std::move(checked), *origin, from);
  }
  trace->streamed = std::move(figures);
  return trace;
}

}  // namespace fleetsim
