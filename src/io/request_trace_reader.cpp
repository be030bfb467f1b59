#include "request_trace_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetsim/input_file.hpp"
#include "fleetsim/input_limits.hpp"
#include "spelling.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::json;

// A broken million-row file should say what is wrong, not print a million
// lines: the first errors are listed, the rest counted.
constexpr std::size_t kMaxReported = 20;
// JSON nesting a row may have (hash lists are one level inside the row).
constexpr int kMaxJsonDepth = 8;

enum Field : std::size_t { kTime, kPrompt, kOutput, kSession, kModel, kHashes, kThink, kGap, kFields };
constexpr std::array<const char*, kFields> kFieldNames = {"time",  "prompt_tokens", "output_tokens", "session",
                                                          "model", "prefix_hashes", "think",         "gap"};

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

// The columns a replay reads: the think or gap column only when it paces by
// think time, so that a timestamp replay neither needs nor checks it.
TraceMapping columns_read(TraceMapping m, const TraceOptions& o) {
  if (o.pacing != TracePacing::think_time) m.think.clear(), m.gap.clear();
  return m;
}

// One value of a row: a CSV cell or a JSON member, and where it is.
struct Cell {
  bool present = false;
  int column = 0;            // 1-based byte column of the cell, or of the JSON key
  std::string_view text;     // a CSV cell's text
  const Json* json = nullptr;  // a JSON member, of any type
};

class Problems {
 public:
  Problems(const std::string& file, std::vector<Diagnostic>& out) : file_(file), out_(out) {}
  void error(int line, int column, std::string message, std::string hint = {}) {
    if (++count_ > kMaxReported) return;
    add(line, column, std::move(message), std::move(hint));
  }
  // Says how many were left out; call once at the end.
  void finish() {
    if (count_ > kMaxReported)
      add(0, 0, fmt::format("{} more errors in this trace are not shown", count_ - kMaxReported), {});
  }
  std::size_t count() const { return count_; }

 private:
  void add(int line, int column, std::string message, std::string hint) {
    Diagnostic d;
    d.file = file_;
    d.line = line;
    d.column = column;
    d.message = std::move(message);
    d.hint = std::move(hint);
    out_.push_back(std::move(d));
  }

  const std::string& file_;
  std::vector<Diagnostic>& out_;
  std::size_t count_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// What the row holds there, for messages: "\"abc\"", "an empty cell", a JSON value.
std::string describe(const Cell& c) {
  std::string text;
  if (c.json != nullptr) {
    if (c.json->is_string()) return fmt::format("\"{}\"", c.json->get_ref<const std::string&>().substr(0, 40));
    text = c.json->dump();
  } else {
    if (trim(c.text).empty()) return "an empty cell";
    text = fmt::format("\"{}\"", trim(c.text));
  }
  return text.size() > 42 ? text.substr(0, 40) + "..." : text;
}

std::optional<double> parse_double(std::string_view t) {
  t = trim(t);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> number_of(const Cell& c) {
  if (c.json == nullptr) return parse_double(c.text);
  if (c.json->is_number()) {
    const double v = c.json->get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
  }
  if (c.json->is_string()) return parse_double(c.json->get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<std::string> text_of(const Cell& c) {
  if (c.json == nullptr) return std::string(trim(c.text));
  if (c.json->is_string()) return c.json->get<std::string>();
  if (c.json->is_number_integer()) return c.json->dump();
  return std::nullopt;
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic
// Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// A time as whole seconds and a fraction, so that datetimes (1.7e9 s since
// 1970) keep sub-microsecond differences.
struct Instant {
  std::int64_t whole = 0;
  double fraction = 0.0;
  bool operator<(const Instant& o) const { return whole != o.whole ? whole < o.whole : fraction < o.fraction; }
  double minus(const Instant& o) const { return static_cast<double>(whole - o.whole) + (fraction - o.fraction); }
};

// "YYYY-MM-DD HH:MM:SS[.fraction]", with 'T' allowed for the space and a
// trailing 'Z' ignored.
std::optional<Instant> parse_datetime(std::string_view t) {
  t = trim(t);
  if (!t.empty() && t.back() == 'Z') t.remove_suffix(1);
  if (t.size() < 19) return std::nullopt;
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (!digits(0, 4, y) || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' || !digits(8, 2, d) ||
      (t[10] != ' ' && t[10] != 'T') || !digits(11, 2, h) || t[13] != ':' || !digits(14, 2, mi) || t[16] != ':' ||
      !digits(17, 2, s))
    return std::nullopt;
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[static_cast<std::size_t>(mo - 1)] || h > 23 || mi > 59 || s > 59)
    return std::nullopt;
  Instant at;
  at.whole = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + s;
  if (t.size() > 19) {
    if (t[19] != '.' || t.size() == 20) return std::nullopt;
    double scale = 0.1;
    for (std::size_t i = 20; i < t.size(); ++i, scale /= 10) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      at.fraction += (t[i] - '0') * scale;
    }
  }
  return at;
}

bool parse_hashes(const Cell& c, std::vector<std::uint64_t>& out) {
  if (c.json != nullptr && c.json->is_array()) {
    for (const Json& h : *c.json) {
      if (!h.is_number_unsigned()) return false;
      out.push_back(h.get<std::uint64_t>());
    }
    return true;
  }
  // In a CSV cell: integers separated by spaces, commas or semicolons, in
  // optional brackets ("[1, 2, 3]").
  std::string_view t = c.json != nullptr ? std::string_view() : c.text;
  if (c.json != nullptr) {
    if (!c.json->is_string()) return false;
    t = c.json->get_ref<const std::string&>();
  }
  t = trim(t);
  if (!t.empty() && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  std::size_t i = 0;
  while (i < t.size()) {
    if (t[i] == ' ' || t[i] == ',' || t[i] == ';' || t[i] == '\t') {
      ++i;
      continue;
    }
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data() + i, t.data() + t.size(), v);
    if (ec != std::errc()) return false;
    out.push_back(v);
    i = static_cast<std::size_t>(end - t.data());
    if (i < t.size() && t[i] != ' ' && t[i] != ',' && t[i] != ';' && t[i] != '\t') return false;
  }
  return true;
}

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

// Turns rows into the trace: checks each value and the order of times, and
// groups calls into sessions.
class TraceBuilder {
 public:
  TraceBuilder(const std::string& file, const TraceMapping& m, const TraceOptions& o, Problems& p)
      : mapping_(m), options_(o), problems_(p) {
    trace_.file = file;
    if (!o.default_model.empty()) model_index(o.default_model);
  }

  bool full() const { return options_.limit && rows_.size() >= *options_.limit; }

  // `cell(f)` is the row's value of field f (absent when not mapped or not in the row).
  template <typename CellOf>
  void add(int line, CellOf cell) {
    const std::size_t errors_before = problems_.count();
    Row row;
    row.line = static_cast<std::uint32_t>(line);
    auto bad = [&](Field f, const Cell& c, const std::string& expected, const std::string& hint = {}) {
      problems_.error(line, c.column,
                      fmt::format("column \"{}\" ({}): expected {}, found {}", column_of(mapping_, f),
                                  kFieldNames[f], expected, describe(c)),
                      hint);
    };
    auto missing = [&](Field f) {
      problems_.error(line, 1, fmt::format("the row has no \"{}\" ({})", column_of(mapping_, f), kFieldNames[f]));
    };
    // The session first: with a session column, times must rise within
    // each session only.
    bool session_ok = true;
    if (!mapping_.session.empty()) {
      const Cell c = cell(kSession);
      const auto id = c.present ? text_of(c) : std::nullopt;
      session_ok = c.present && id && !id->empty();
      if (!c.present) missing(kSession);
      else if (!session_ok) bad(kSession, c, "a session id (text or a whole number)");
      else row.session = session_index(*id);
    } else {
      row.session = static_cast<std::uint32_t>(rows_.size());  // every call its own session
    }
    if (const Cell c = cell(kTime); !c.present) {
      missing(kTime);
    } else if (auto at = read_time(c)) {
      row.at = *at;
      if (session_ok) check_order(row, c, bad);
    } else {
      bad(kTime, c, time_expected());
    }
    auto tokens = [&](Field f, long& target) {
      const Cell c = cell(f);
      if (!c.present) return missing(f);
      const auto v = number_of(c);
      if (!v || *v < 1 || *v > limits::kMaxTokens || *v != std::floor(*v))
        return bad(f, c, fmt::format("a whole number of tokens from 1 to {:.0f}", limits::kMaxTokens));
      target = static_cast<long>(*v);
    };
    tokens(kPrompt, row.prompt);
    tokens(kOutput, row.output);
    const Cell model = mapping_.model.empty() ? Cell{} : cell(kModel);
    const auto name = model.present ? text_of(model) : std::nullopt;
    if (model.present && !name) bad(kModel, model, "a model name");
    else if (name && !name->empty()) row.model = model_index(*name);
    else if (options_.default_model.empty())
      problems_.error(line, model.present ? model.column : 1, "the row names no model and the trace has no default",
                      "give the workload's trace a `model:`, or a model in every row");
    if (!mapping_.prefix_hashes.empty()) {
      const Cell c = cell(kHashes);
      row.hash_begin = static_cast<std::uint32_t>(trace_.prefix_hashes.size());
      if (!c.present) missing(kHashes);
      else if (!parse_hashes(c, trace_.prefix_hashes)) bad(kHashes, c, "a list of whole numbers >= 0");
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
    const Field gap_field = pacing_gap_field();
    if (!column_of(mapping_, gap_field).empty()) {
      // Absent or empty: no gap follows (a session's last call; checked in finish).
      const Cell c = cell(gap_field);
      row.gap_column = c.present ? c.column : 1;
      const bool empty = !c.present || (c.json != nullptr ? c.json->is_null() : trim(c.text).empty());
      if (!empty) {
        const auto v = number_of(c);
        if (!v || *v < 0)
          bad(gap_field, c, "a gap in seconds >= 0",
              gap_field == kThink ? "the time from this call's end to the session's next call"
                                  : "the time from this call's start to the session's next call");
        else
          row.gap = *v;
      }
    }
    if (problems_.count() == errors_before) rows_.push_back(row);
  }

  std::optional<RequestTrace> finish(int last_line) {
    if (problems_.count() == 0 && rows_.empty())
      problems_.error(last_line, 0, "the trace has no rows", "a trace needs at least one call after its header");
    if (problems_.count() > 0) return std::nullopt;
    // Sessions in order of their first call (a stable sort: ties, and files
    // already in time order, keep file order), numbered by first appearance
    // until now.
    const std::size_t sessions = session_ids_.empty() ? rows_.size() : session_ids_.size();
    std::vector<Instant> first(sessions);
    std::vector<bool> seen(sessions, false);
    for (const Row& r : rows_)
      if (!seen[r.session]) first[r.session] = r.at, seen[r.session] = true;
    std::vector<std::uint32_t> by_start(sessions);
    for (std::uint32_t i = 0; i < sessions; ++i) by_start[i] = i;
    std::stable_sort(by_start.begin(), by_start.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return first[a] < first[b]; });
    std::vector<std::uint32_t> rank(sessions);
    for (std::uint32_t i = 0; i < sessions; ++i) rank[by_start[i]] = i;
    // Group the calls by session (a counting sort keeps file order within each).
    trace_.session_begin.assign(sessions + 1, 0);
    for (const Row& r : rows_) ++trace_.session_begin[rank[r.session] + 1];
    for (std::size_t i = 0; i < sessions; ++i) trace_.session_begin[i + 1] += trace_.session_begin[i];
    std::vector<std::uint32_t> fill(trace_.session_begin.begin(), trace_.session_begin.end() - 1);
    trace_.calls.resize(rows_.size());
    const bool paced = options_.pacing == TracePacing::think_time;
    trace_.pacing = options_.pacing;
    trace_.prefix_block_tokens = static_cast<std::uint32_t>(mapping_.prefix_block_tokens);
    trace_.gap_from_start = pacing_gap_field() == kGap;
    if (paced) trace_.gap_after_s.resize(rows_.size());
    const Instant origin = first[by_start.front()];
    std::vector<std::uint32_t> row_of(paced ? rows_.size() : 0);  // call -> its row, for messages
    for (std::uint32_t i = 0; i < rows_.size(); ++i) {
      const Row& r = rows_[i];
      const std::uint32_t at = fill[rank[r.session]]++;
      if (paced) {
        trace_.gap_after_s[at] = r.gap / options_.rate_scale;
        row_of[at] = i;
      }
      RequestTrace::Call& c = trace_.calls[at];
      c.arrival_s = r.at.minus(origin) / options_.rate_scale;
      c.prompt_tokens = r.prompt;
      c.output_tokens = r.output;
      c.model = r.model;
      c.prefix_begin = r.hash_begin;
      c.prefix_count = r.hash_count;
      c.row = r.line;
    }
    // A think-time replay needs the gap after every call but a session's last.
    if (paced)
      for (std::size_t k = 0; k < sessions; ++k)
        for (std::uint32_t at = trace_.session_begin[k]; at + 1 < trace_.session_begin[k + 1]; ++at)
          if (std::isnan(trace_.gap_after_s[at])) {
            const Row& r = rows_[row_of[at]];
            const Field f = pacing_gap_field();
            problems_.error(static_cast<int>(r.line), r.gap_column,
                            fmt::format("column \"{}\" ({}): expected a gap in seconds >= 0 before the session's "
                                        "next call (line {}), found an empty cell",
                                        column_of(mapping_, f), kFieldNames[f], trace_.calls[at + 1].row),
                            "think_time pacing needs the gap after every call of a session but its last");
          }
    if (problems_.count() > 0) return std::nullopt;
    return std::move(trace_);
  }

 private:
  std::optional<Instant> read_time(const Cell& c) const {
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
  // The column a think-time replay takes its gaps from: `think` (from a
  // call's end) when mapped, else `gap` (start to start).
  Field pacing_gap_field() const { return mapping_.think.empty() ? kGap : kThink; }
  // Times must not go back: within the row's session when there is a
  // session column, across the file otherwise.
  template <typename Bad>
  void check_order(const Row& row, const Cell& c, Bad& bad) {
    const bool by_session = !mapping_.session.empty();
    const std::size_t k = by_session ? row.session : 0;
    if (k >= last_at_.size()) last_at_.resize(k + 1), last_line_.resize(k + 1, 0);
    if (last_line_[k] != 0 && row.at < last_at_[k]) {
      if (by_session)
        bad(kTime, c, fmt::format("a time at or after the session's previous row's (line {})", last_line_[k]),
            "a session's rows must be in order of time (sessions may come in any order)");
      else
        bad(kTime, c, fmt::format("a time at or after the previous row's (line {})", last_line_[k]),
            "rows must be in order of arrival: sort the file by its time column");
      return;
    }
    last_at_[k] = row.at;
    last_line_[k] = static_cast<int>(row.line);
  }
  std::string time_expected() const {
    switch (mapping_.time_unit) {
      case TraceTimeUnit::seconds: return "a time in seconds >= 0";
      case TraceTimeUnit::milliseconds: return "a time in milliseconds >= 0";
      case TraceTimeUnit::datetime: return "a date and time such as \"2023-11-16 18:17:03.98\"";
    }
    return {};
  }
  std::uint32_t session_index(const std::string& id) {
    return session_ids_.try_emplace(id, static_cast<std::uint32_t>(session_ids_.size())).first->second;
  }
  std::uint32_t model_index(const std::string& name) {
    auto [it, fresh] = model_ids_.try_emplace(name, static_cast<std::uint32_t>(trace_.models.size()));
    if (fresh) trace_.models.push_back(name);
    return it->second;
  }

  const TraceMapping& mapping_;
  const TraceOptions& options_;
  Problems& problems_;
  RequestTrace trace_;
  std::vector<Row> rows_;
  std::unordered_map<std::string, std::uint32_t> session_ids_;
  std::unordered_map<std::string, std::uint32_t> model_ids_;
  // The last time read, per session (or one for the whole file), and its line.
  std::vector<Instant> last_at_;
  std::vector<int> last_line_;
};

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

// Splits a CSV line into cells (RFC 4180 quotes; a quoted cell may not span
// lines). `unquoted` holds the text of quoted cells with "" undone. False
// with `column` set on an unterminated quote.
bool split_csv(std::string_view line, std::vector<Cell>& cells, std::vector<std::string>& unquoted, int& column) {
  cells.clear();
  unquoted.clear();
  unquoted.reserve(line.size());  // the views into it must not move
  std::size_t i = 0;
  while (true) {
    Cell c;
    c.present = true;
    c.column = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      std::string& text = unquoted.emplace_back();
      std::size_t j = i + 1;
      for (;; ++j) {
        if (j >= line.size()) {
          column = c.column;
          return false;
        }
        if (line[j] == '"') {
          if (j + 1 < line.size() && line[j + 1] == '"') {
            text += '"';
            ++j;
            continue;
          }
          break;
        }
        text += line[j];
      }
      c.text = text;
      i = j + 1;
      // Anything between the closing quote and the comma is kept out of the cell.
      while (i < line.size() && line[i] != ',') ++i;
    } else {
      const std::size_t end = std::min(line.find(',', i), line.size());
      c.text = line.substr(i, end - i);
      i = end;
    }
    cells.push_back(c);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

std::optional<RequestTrace> parse_csv(const std::string& text, const std::string& file, const TraceMapping& m,
                                      const TraceOptions& o, Problems& problems) {
  TraceBuilder builder(file, m, o, problems);
  std::array<std::size_t, kFields> index{};
  std::size_t header_cells = 0;
  std::vector<Cell> cells;
  std::vector<std::string> unquoted;
  unquoted.reserve(64);
  bool header_ok = false;
  const int last = for_each_line(text, [&](std::string_view line, int n) {
    int column = 0;
    if (n == 1) {
      if (!split_csv(line, cells, unquoted, column)) {
        problems.error(n, column, "the header has a quote that does not close");
        return false;
      }
      std::vector<std::string> names;
      for (const Cell& c : cells) names.emplace_back(trim(c.text));
      header_cells = names.size();
      header_ok = true;
      for (std::size_t f = 0; f < kFields; ++f) {
        const std::string& want = column_of(m, static_cast<Field>(f));
        if (want.empty()) continue;
        const auto it = std::find(names.begin(), names.end(), want);
        if (it == names.end()) {
          problems.error(1, 1, fmt::format("no column \"{}\" ({}) in the header", want, kFieldNames[f]),
                         did_you_mean_hint(want, names, "the header's columns"));
          header_ok = false;
        }
        index[f] = static_cast<std::size_t>(it - names.begin());
      }
      return header_ok;
    }
    if (trim(line).empty()) return true;  // a blank line, e.g. at the end
    if (builder.full()) return false;
    if (!split_csv(line, cells, unquoted, column)) {
      problems.error(n, column, "a quoted cell does not close on its line");
      return true;
    }
    if (cells.size() != header_cells) {
      problems.error(n, 1, fmt::format("expected {} cells as in the header, found {}", header_cells, cells.size()));
      return true;
    }
    builder.add(n, [&](Field f) { return column_of(m, f).empty() ? Cell{} : cells[index[f]]; });
    return true;
  });
  if (last == 0) {
    problems.error(0, 0, "the file is empty", "a CSV trace starts with a header row naming its columns");
    return std::nullopt;
  }
  if (!header_ok) return std::nullopt;
  return builder.finish(last);
}

std::optional<RequestTrace> parse_jsonl(const std::string& text, const std::string& file, const TraceMapping& m,
                                        const TraceOptions& o, Problems& problems) {
  TraceBuilder builder(file, m, o, problems);
  bool too_deep = false;
  const auto limit_depth = [&](int depth, Json::parse_event_t, Json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  const int last = for_each_line(text, [&](std::string_view line, int n) {
    if (trim(line).empty()) return true;
    if (builder.full()) return false;
    too_deep = false;
    Json row;
    try {
      row = Json::parse(line.begin(), line.end(), limit_depth, true);
    } catch (const Json::parse_error& e) {
      problems.error(n, static_cast<int>(std::min<std::size_t>(e.byte, line.size() + 1)),
                     "not a JSON object on one line", "a JSON-lines trace has one {...} object per line");
      return true;
    }
    if (too_deep || !row.is_object()) {
      problems.error(n, 1, too_deep ? fmt::format("the line nests more than {} levels deep", kMaxJsonDepth)
                                    : "expected a JSON object ({...}) on the line");
      return true;
    }
    builder.add(n, [&](Field f) {
      Cell c;
      const std::string& key = column_of(m, f);
      if (key.empty()) return c;
      const auto it = row.find(key);
      if (it == row.end()) return c;
      c.present = true;
      c.json = &*it;
      const auto at = line.find('"' + key + '"');
      c.column = at == std::string_view::npos ? 1 : static_cast<int>(at) + 1;
      return c;
    });
    return true;
  });
  return builder.finish(std::max(last, 1));
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
    problems.error(line, column, "the file contains a NUL byte; expected text (CSV or JSON lines)");
    return std::nullopt;
  }
  const TraceMapping read = columns_read(mapping, options);
  auto trace = read.kind == TraceFileKind::csv ? parse_csv(text, file, read, options, problems)
                                               : parse_jsonl(text, file, read, options, problems);
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

}  // namespace fleetsim
