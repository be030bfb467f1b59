#include "trace_row_splitter.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetsim/io/spelling.hpp"

namespace fleetsim::trace_rows {
namespace {

// JSON nesting a row may have (hash lists are one level inside the row).
constexpr int kMaxJsonDepth = 8;

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

}  // namespace

RowSplitter::RowSplitter(const TraceMapping& m, TraceBuilder& builder, Problems& problems)
    : mapping_(m), builder_(builder), problems_(problems), header_ok_(m.kind != TraceFileKind::csv) {
  unquoted_.reserve(64);
}

bool RowSplitter::line(std::string_view text, int n) {
  if (mapping_.kind == TraceFileKind::csv && n == 1) return csv_header(text);
  if (trim(text).empty()) return true;  // a blank line, e.g. at the end
  if (builder_.full()) return false;
  if (mapping_.kind == TraceFileKind::csv) csv_row(text, n);
  else jsonl_row(text, n);
  return true;
}

bool RowSplitter::csv_header(std::string_view text) {
  int column = 0;
  if (!split_csv(text, cells_, unquoted_, column)) {
    problems_.error(1, column, "the header has a quote that does not close");
    return false;
  }
  std::vector<std::string> names;
  for (const Cell& c : cells_) names.emplace_back(trim(c.text));
  header_cells_ = names.size();
  header_ok_ = true;
  for (std::size_t f = 0; f < kFields; ++f) {
    const std::string& want = column_of(mapping_, static_cast<Field>(f));
    if (want.empty()) continue;
    const auto it = std::find(names.begin(), names.end(), want);
    if (it == names.end()) {
      problems_.error(1, 1, fmt::format("no column \"{}\" ({}) in the header", want, kFieldNames[f]),
                      did_you_mean_hint(want, names, "the header's columns"));
      header_ok_ = false;
    }
    index_[f] = static_cast<std::size_t>(it - names.begin());
  }
  return header_ok_;
}

void RowSplitter::csv_row(std::string_view text, int n) {
  int column = 0;
  if (!split_csv(text, cells_, unquoted_, column)) {
    problems_.error(n, column, "a quoted cell does not close on its line");
    return;
  }
  if (cells_.size() != header_cells_) {
    problems_.error(n, 1, fmt::format("expected {} cells as in the header, found {}", header_cells_, cells_.size()));
    return;
  }
  builder_.add(n, [&](Field f) { return column_of(mapping_, f).empty() ? Cell{} : cells_[index_[f]]; });
}

void RowSplitter::jsonl_row(std::string_view text, int n) {
  bool too_deep = false;
  const auto limit_depth = [&](int depth, Json::parse_event_t, Json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  Json row;
  try {
    row = Json::parse(text.begin(), text.end(), limit_depth, true);
  } catch (const Json::parse_error& e) {
    problems_.error(n, static_cast<int>(std::min<std::size_t>(e.byte, text.size() + 1)),
                    "not a JSON object on one line", "a JSON-lines trace has one {...} object per line");
    return;
  }
  if (too_deep || !row.is_object()) {
    problems_.error(n, 1, too_deep ? fmt::format("the line nests more than {} levels deep", kMaxJsonDepth)
                                   : "expected a JSON object ({...}) on the line");
    return;
  }
  builder_.add(n, [&](Field f) {
    Cell c;
    const std::string& key = column_of(mapping_, f);
    if (key.empty()) return c;
    const auto it = row.find(key);
    if (it == row.end()) return c;
    c.present = true;
    c.json = &*it;
    const auto at = text.find('"' + key + '"');
    c.column = at == std::string_view::npos ? 1 : static_cast<int>(at) + 1;
    return c;
  });
}

}  // namespace fleetsim::trace_rows
