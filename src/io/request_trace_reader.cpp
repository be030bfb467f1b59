#include "request_trace_reader.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetsim/input_file.hpp"
#include "fleetsim/input_limits.hpp"
#include "spelling.hpp"
#include "trace_builder.hpp"
#include "trace_cells.hpp"

// This file splits a trace into rows (CSV lines or JSON lines) and maps each
// row's columns to fields; what a value must be, and how rows become
// sessions, is trace_builder.cpp's, and reading one value trace_cells.cpp's.

namespace fleetsim {
namespace {

using trace_rows::Cell;
using trace_rows::column_of;
using trace_rows::Field;
using trace_rows::kFieldNames;
using trace_rows::kFields;
using trace_rows::Problems;
using trace_rows::TraceBuilder;
using trace_rows::trim;
using Json = nlohmann::json;

// JSON nesting a row may have (hash lists are one level inside the row).
constexpr int kMaxJsonDepth = 8;

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
