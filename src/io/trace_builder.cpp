#include "trace_builder.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetsim/io/input_limits.hpp"

namespace fleetsim::trace_rows {

const std::string& column_of(const TraceMapping& m, Field f) {
  switch (f) {
    case kTime: return m.time;
    case kPrompt: return m.prompt_tokens;
    case kOutput: return m.output_tokens;
    case kSession: return m.session;
    case kModel: return m.model;
    case kHashes: return m.prefix_hashes;
    case kThink: return m.think;
    default: return m.gap;
  }
}

void Problems::error(int line, int column, std::string message, std::string hint) {
  if (++count_ > kMaxReported) return;
  add(line, column, std::move(message), std::move(hint));
}

void Problems::finish() {
  if (count_ > kMaxReported)
    add(0, 0, fmt::format("{} more errors in this trace are not shown", count_ - kMaxReported), {});
}

void Problems::add(int line, int column, std::string message, std::string hint) {
  Diagnostic d;
  d.file = file_;
  d.line = line;
  d.column = column;
  d.message = std::move(message);
  d.hint = std::move(hint);
  out_.push_back(std::move(d));
}

TraceBuilder::TraceBuilder(const std::string& file, const TraceMapping& m, const TraceOptions& o, Problems& p)
    : mapping_(m), options_(o), problems_(p) {
  trace_.file = file;
  if (!o.default_model.empty()) model_index(o.default_model);
}

// The fields in a fixed order, so that a row's messages come in column
// order whatever the file's layout.
void TraceBuilder::add_row(int line, const RowCells& cells) {
  const std::size_t errors_before = problems_.count();
  Row row;
  row.line = static_cast<std::uint32_t>(line);
  // The session first: with a session column, times must rise within each
  // session only.
  const bool session_ok = read_session(line, cells[kSession], row);
  if (following_ && session_ok && row.session != 0) return;
  read_time(line, cells[kTime], session_ok, row);
  read_tokens(line, kPrompt, cells[kPrompt], row.prompt);
  read_tokens(line, kOutput, cells[kOutput], row.output);
  read_model(line, cells[kModel], row);
  if (!mapping_.prefix_hashes.empty()) read_hashes(line, cells[kHashes], row);
  if (!column_of(mapping_, pacing_gap_field()).empty()) read_gap(line, cells[pacing_gap_field()], row);
  const bool good = problems_.count() == errors_before;
  if (!sink_) {
    if (good) rows_.push_back(row);
    return;
  }
  if (good) {
    ++streamed_rows_;
    sink_(row, trace_.prefix_hashes);
  }
  trace_.prefix_hashes.clear();  // the next row's start at 0
}

bool TraceBuilder::read_session(int line, const Cell& c, Row& row) {
  if (mapping_.session.empty()) {
    row.session = static_cast<std::uint32_t>(rows_taken());  // every call its own session
    return true;
  }
  const auto id = c.present ? text_of(c) : std::nullopt;
  const bool ok = c.present && id && !id->empty();
  if (!c.present) missing(line, kSession);
  else if (!ok) bad(line, kSession, c, "a session id (text or a whole number)");
  else if (following_) row.session = follow(*id);
  else row.session = session_index(*id);
  return ok;
}

void TraceBuilder::read_time(int line, const Cell& c, bool session_ok, Row& row) {
  if (!c.present) {
    missing(line, kTime);
  } else if (auto at = time_of(c)) {
    row.at = *at;
    if (session_ok) check_order(row, c);
  } else {
    bad(line, kTime, c, time_expected());
  }
}

void TraceBuilder::read_tokens(int line, Field f, const Cell& c, long& target) {
  if (!c.present) return missing(line, f);
  const auto v = number_of(c);
  if (!v || *v < 1 || *v > limits::kMaxTokens || *v != std::floor(*v))
    return bad(line, f, c, fmt::format("a whole number of tokens from 1 to {:.0f}", limits::kMaxTokens));
  target = static_cast<long>(*v);
}

void TraceBuilder::read_model(int line, const Cell& model, Row& row) {
  const auto name = model.present ? text_of(model) : std::nullopt;
  if (model.present && !name) bad(line, kModel, model, "a model name");
  else if (name && !name->empty()) row.model = model_index(*name);
  else if (options_.default_model.empty())
    problems_.error(line, model.present ? model.column : 1, "the row names no model and the trace has no default",
                    "give the workload's trace a `model:`, or a model in every row");
}

void TraceBuilder::read_hashes(int line, const Cell& c, Row& row) {
  row.hash_begin = static_cast<std::uint32_t>(trace_.prefix_hashes.size());
  if (!c.present) missing(line, kHashes);
  else if (!parse_hashes(c, trace_.prefix_hashes)) bad(line, kHashes, c, "a list of whole numbers >= 0");
  row.hash_count = static_cast<std::uint32_t>(trace_.prefix_hashes.size() - row.hash_begin);
  // Each hash covers the next prefix_block_tokens of the prompt: more of
  // them than the prompt has chunks name tokens that are not there.
  const long block = mapping_.prefix_block_tokens;
  const long chunks = block > 0 ? (row.prompt + block - 1) / block : 0;
  if (block > 0 && row.prompt > 0 && static_cast<long>(row.hash_count) > chunks)
    problems_.error(line, c.column,
                    fmt::format("column \"{}\": {} prefix hashes for a prompt of {} tokens, which has {} chunk{} "
                                "of {} tokens",
                                mapping_.prefix_hashes, row.hash_count, row.prompt, chunks, chunks == 1 ? "" : "s",
                                mapping_.prefix_block_tokens),
                    "each hash names one chunk of prefix_block_tokens prompt tokens (the last may be shorter): "
                    "check the trace's prefix_block_tokens");
}

// Absent or empty: no gap follows (a session's last call; checked in finish).
void TraceBuilder::read_gap(int line, const Cell& c, Row& row) {
  const Field gap_field = pacing_gap_field();
  row.gap_column = c.present ? c.column : 1;
  const bool empty = !c.present || (c.json != nullptr ? c.json->is_null() : trim(c.text).empty());
  if (empty) return;
  const auto v = number_of(c);
  if (!v || *v < 0)
    bad(line, gap_field, c, "a gap in seconds >= 0",
        gap_field == kThink ? "the time from this call's end to the session's next call"
                            : "the time from this call's start to the session's next call");
  else
    row.gap = *v;
}

void TraceBuilder::bad(int line, Field f, const Cell& c, const std::string& expected, const std::string& hint) {
  problems_.error(line, c.column,
                  fmt::format("column \"{}\" ({}): expected {}, found {}", column_of(mapping_, f), kFieldNames[f],
                              expected, describe(c)),
                  hint);
}

void TraceBuilder::missing(int line, Field f) {
  problems_.error(line, 1, fmt::format("the row has no \"{}\" ({})", column_of(mapping_, f), kFieldNames[f]));
}

std::optional<RequestTrace> TraceBuilder::finish(int last_line) {
  if (problems_.count() == 0 && rows_taken() == 0)
    problems_.error(last_line, 0, "the trace has no rows", "a trace needs at least one call after its header");
  if (problems_.count() > 0) return std::nullopt;
  describe_trace();
  if (sink_) return std::move(trace_);
  const std::vector<std::uint32_t> row_of = place_calls(order_sessions());
  if (options_.pacing == TracePacing::think_time) check_gaps(row_of);
  if (problems_.count() > 0) return std::nullopt;
  return std::move(trace_);
}

// Sessions in order of their first call (a stable sort: ties, and files
// already in time order, keep file order), numbered by first appearance
// until now.
TraceBuilder::SessionOrder TraceBuilder::order_sessions() const {
  SessionOrder order;
  order.sessions = session_ids_.empty() ? rows_.size() : session_ids_.size();
  const std::size_t sessions = order.sessions;
  std::vector<Instant> first(sessions);
  std::vector<bool> seen(sessions, false);
  for (const Row& r : rows_)
    if (!seen[r.session]) first[r.session] = r.at, seen[r.session] = true;
  std::vector<std::uint32_t> by_start(sessions);
  for (std::uint32_t i = 0; i < sessions; ++i) by_start[i] = i;
  std::stable_sort(by_start.begin(), by_start.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return first[a] < first[b]; });
  order.rank.resize(sessions);
  for (std::uint32_t i = 0; i < sessions; ++i) order.rank[by_start[i]] = i;
  order.origin = first[by_start.front()];
  return order;
}

// Fills the trace's calls grouped by session (a counting sort keeps file
// order within each), times from the first call. Returns each call's row
// under think-time pacing (for check_gaps' messages), else nothing.
std::vector<std::uint32_t> TraceBuilder::place_calls(const SessionOrder& order) {
  const std::size_t sessions = order.sessions;
  trace_.session_begin.assign(sessions + 1, 0);
  for (const Row& r : rows_) ++trace_.session_begin[order.rank[r.session] + 1];
  for (std::size_t i = 0; i < sessions; ++i) trace_.session_begin[i + 1] += trace_.session_begin[i];
  std::vector<std::uint32_t> fill(trace_.session_begin.begin(), trace_.session_begin.end() - 1);
  trace_.calls.resize(rows_.size());
  const bool paced = options_.pacing == TracePacing::think_time;
  if (paced) trace_.gap_after_s.resize(rows_.size());
  std::vector<std::uint32_t> row_of(paced ? rows_.size() : 0);  // call -> its row, for messages
  for (std::uint32_t i = 0; i < rows_.size(); ++i) {
    const Row& r = rows_[i];
    const std::uint32_t at = fill[order.rank[r.session]]++;
    if (paced) {
      trace_.gap_after_s[at] = r.gap / options_.rate_scale;
      row_of[at] = i;
    }
    trace_.calls[at] = call_of(r, order.origin);
  }
  return row_of;
}

RequestTrace::Call TraceBuilder::call_of(const Row& r, const Instant& origin) const {
  RequestTrace::Call c;
  c.arrival_s = r.at.minus(origin) / options_.rate_scale;
  c.prompt_tokens = r.prompt;
  c.output_tokens = r.output;
  c.model = r.model;
  c.prefix_begin = r.hash_begin;
  c.prefix_count = r.hash_count;
  c.row = r.line;
  return c;
}

void TraceBuilder::describe_trace() {
  trace_.pacing = options_.pacing;
  trace_.prefix_block_tokens = static_cast<std::uint32_t>(mapping_.prefix_block_tokens);
  trace_.gap_from_start = pacing_gap_field() == kGap;
}

// A think-time replay needs the gap after every call but a session's last.
void TraceBuilder::check_gaps(const std::vector<std::uint32_t>& row_of) {
  const std::size_t sessions = trace_.session_begin.size() - 1;
  for (std::size_t k = 0; k < sessions; ++k)
    for (std::uint32_t at = trace_.session_begin[k]; at + 1 < trace_.session_begin[k + 1]; ++at)
      if (std::isnan(trace_.gap_after_s[at])) {
        const Row& r = rows_[row_of[at]];
        missing_gap(static_cast<int>(r.line), r.gap_column, trace_.calls[at + 1].row);
      }
}

void TraceBuilder::missing_gap(int line, int column, std::uint32_t next_line) {
  const Field f = pacing_gap_field();
  problems_.error(line, column,
                  fmt::format("column \"{}\" ({}): expected a gap in seconds >= 0 before the session's next call "
                              "(line {}), found an empty cell",
                              column_of(mapping_, f), kFieldNames[f], next_line),
                  "think_time pacing needs the gap after every call of a session but its last");
}

std::optional<Instant> TraceBuilder::time_of(const Cell& c) const {
  if (mapping_.time_unit == TraceTimeUnit::datetime) {
    const auto text = text_of(c);
    return text ? parse_datetime(*text) : std::nullopt;
  }
  const auto v = number_of(c);
  if (!v || *v < 0) return std::nullopt;
  Instant at;
  at.fraction = mapping_.time_unit == TraceTimeUnit::milliseconds ? *v / 1000.0 : *v;
  return at;
}

// Times must not go back: within the row's session when there is a session
// column, across the file otherwise.
void TraceBuilder::check_order(const Row& row, const Cell& c) {
  const int line = static_cast<int>(row.line);
  const bool by_session = !mapping_.session.empty();
  const std::size_t k = by_session ? row.session : 0;
  if (k >= last_at_.size()) last_at_.resize(k + 1), last_line_.resize(k + 1, 0);
  if (last_line_[k] != 0 && row.at < last_at_[k]) {
    if (by_session)
      bad(line, kTime, c, fmt::format("a time at or after the session's previous row's (line {})", last_line_[k]),
          "a session's rows must be in order of time (sessions may come in any order)");
    else
      bad(line, kTime, c, fmt::format("a time at or after the previous row's (line {})", last_line_[k]),
          "rows must be in order of arrival: sort the file by its time column");
    return;
  }
  last_at_[k] = row.at;
  last_line_[k] = line;
}

std::string TraceBuilder::time_expected() const {
  switch (mapping_.time_unit) {
    case TraceTimeUnit::seconds: return "a time in seconds >= 0";
    case TraceTimeUnit::milliseconds: return "a time in milliseconds >= 0";
    case TraceTimeUnit::datetime: return "a date and time such as \"2023-11-16 18:17:03.98\"";
  }
  return {};
}

std::uint32_t TraceBuilder::follow(const std::string& id) {
  if (followed_.empty()) followed_ = id;
  return id == followed_ ? 0 : 1;
}

std::uint32_t TraceBuilder::session_index(const std::string& id) {
  return session_ids_.try_emplace(id, static_cast<std::uint32_t>(session_ids_.size())).first->second;
}

std::uint32_t TraceBuilder::model_index(const std::string& name) {
  auto [it, fresh] = model_ids_.try_emplace(name, static_cast<std::uint32_t>(trace_.models.size()));
  if (fresh) trace_.models.push_back(name);
  return it->second;
}

}  // namespace fleetsim::trace_rows
