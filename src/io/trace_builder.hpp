// Turns a request trace's rows into a RequestTrace: checks each value and the
// order of times, and groups calls into sessions. Every problem is a
// Diagnostic at the row's line and column. Private to the trace reader
// (request_trace_reader.cpp), which splits the file into rows.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/core/request_trace.hpp"
#include "request_trace_reader.hpp"
#include "trace_cells.hpp"

namespace fleetsim::trace_rows {

// A broken million-row file should say what is wrong, not print a million
// lines: the first errors are listed, the rest counted.
inline constexpr std::size_t kMaxReported = 20;

// What a mapping may name; the names are the mapping's fields, for messages.
enum Field : std::size_t { kTime, kPrompt, kOutput, kSession, kModel, kHashes, kThink, kGap, kFields };
inline constexpr std::array<const char*, kFields> kFieldNames = {
    "time", "prompt_tokens", "output_tokens", "session", "model", "prefix_hashes", "think", "gap"};

// The column (CSV header name or JSON key) field f is read from; empty when not mapped.
const std::string& column_of(const TraceMapping& m, Field f);

// The diagnostics of one trace file, cut short after kMaxReported.
class Problems {
 public:
  Problems(const std::string& file, std::vector<Diagnostic>& out) : file_(file), out_(out) {}
  void error(int line, int column, std::string message, std::string hint = {});
  // Says how many were left out; call once at the end.
  void finish();
  std::size_t count() const { return count_; }

 private:
  void add(int line, int column, std::string message, std::string hint);

  const std::string& file_;
  std::vector<Diagnostic>& out_;
  std::size_t count_ = 0;
};

// A row as read, before sessions are grouped.
struct Row {
  Instant at;
  long prompt = 0;
  long output = 0;
  std::uint32_t session = 0;
  std::uint32_t model = 0;
  std::uint32_t hash_begin = 0;
  std::uint32_t hash_count = 0;
  std::uint32_t line = 0;
  double gap = std::numeric_limits<double>::quiet_NaN();  // think or gap column; NaN: empty
  int gap_column = 0;
};

class TraceBuilder {
 public:
  // The values of one row by field; absent where not mapped or not in the row.
  using RowCells = std::array<Cell, kFields>;

  TraceBuilder(const std::string& file, const TraceMapping& m, const TraceOptions& o, Problems& p);

  // Streaming (a trace read again as the run goes, or checked without being
  // held): each good row goes to `sink` with its hashes (the first
  // row.hash_count of `hashes`) and is not kept; finish() then gives the
  // trace without calls. call_of and gap_of turn the row into what it
  // replays.
  using RowSink = std::function<void(const Row&, const std::vector<std::uint64_t>& hashes)>;
  void stream_to(RowSink sink) { sink_ = std::move(sink); }
  // What a good row replays: times from `origin`, the trace's first arrival.
  RequestTrace::Call call_of(const Row& r, const Instant& origin) const;
  // The row's think or gap value with rate_scale applied; NaN when empty.
  double gap_of(const Row& r) const { return r.gap / options_.rate_scale; }
  // Streaming a session trace again from one of its rows: from now on only
  // the session of the next row is read, as session 0 (its times checked
  // from there on); rows of other sessions are passed over unread beyond
  // their session id (they are read when their own session is).
  void follow_next_session() {
    following_ = true;
    followed_.clear();
    last_at_.clear();
    last_line_.clear();
  }
  // The models named so far, in order of first appearance.
  const std::vector<std::string>& models() const { return trace_.models; }

  // True once the trace's row limit is reached.
  bool full() const { return options_.limit && rows_taken() >= *options_.limit; }

  // Checks the row at `line`; `cell(f)` is its value of field f (absent when
  // not in the row). Asked for mapped fields only.
  template <typename CellOf>
  void add(int line, CellOf cell) {
    RowCells cells;
    for (std::size_t f = 0; f < kFields; ++f)
      if (!column_of(mapping_, static_cast<Field>(f)).empty()) cells[f] = cell(static_cast<Field>(f));
    add_row(line, cells);
  }

  // Reports that the row at `line` has an empty gap (at `column`) although
  // its session's next call (at `next_line`) follows: think_time pacing needs
  // it.
  void missing_gap(int line, int column, std::uint32_t next_line);

  // The trace, or nullopt after reporting why; `last_line` is the line a
  // file without rows is reported at.
  std::optional<RequestTrace> finish(int last_line);

 private:
  // The sessions' order by first call, and the time of the first call of all.
  struct SessionOrder {
    std::vector<std::uint32_t> rank;  // session number -> its place in start order
    std::size_t sessions = 0;
    Instant origin;
  };

  std::uint64_t rows_taken() const { return sink_ ? streamed_rows_ : rows_.size(); }
  void add_row(int line, const RowCells& cells);
  // The trace's own fields beside its calls.
  void describe_trace();
  bool read_session(int line, const Cell& c, Row& row);
  void read_time(int line, const Cell& c, bool session_ok, Row& row);
  void read_tokens(int line, Field f, const Cell& c, long& target);
  void read_model(int line, const Cell& c, Row& row);
  void read_hashes(int line, const Cell& c, Row& row);
  void read_gap(int line, const Cell& c, Row& row);
  void bad(int line, Field f, const Cell& c, const std::string& expected, const std::string& hint = {});
  void missing(int line, Field f);

  SessionOrder order_sessions() const;
  std::vector<std::uint32_t> place_calls(const SessionOrder& order);
  void check_gaps(const std::vector<std::uint32_t>& row_of);

  std::optional<Instant> time_of(const Cell& c) const;
  // The column a think-time replay takes its gaps from: `think` (from a
  // call's end) when mapped, else `gap` (start to start).
  Field pacing_gap_field() const { return mapping_.think.empty() ? kGap : kThink; }
  void check_order(const Row& row, const Cell& c);
  std::string time_expected() const;
  std::uint32_t session_index(const std::string& id);
  // Following one session: 0 for its rows, 1 for any other's.
  std::uint32_t follow(const std::string& id);
  std::uint32_t model_index(const std::string& name);

  const TraceMapping& mapping_;
  const TraceOptions& options_;
  Problems& problems_;
  RequestTrace trace_;
  std::vector<Row> rows_;
  RowSink sink_;  // when streaming, instead of rows_
  std::uint64_t streamed_rows_ = 0;
  std::unordered_map<std::string, std::uint32_t> session_ids_;
  bool following_ = false;  // follow_next_session
  std::string followed_;    // the session id followed; empty until its first row
  std::unordered_map<std::string, std::uint32_t> model_ids_;
  // The last time read, per session (or one for the whole file), and its line.
  std::vector<Instant> last_at_;
  std::vector<int> last_line_;
};

}  // namespace fleetsim::trace_rows
