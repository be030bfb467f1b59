#include "step_series_reader.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "fleetsim/io/input_file.hpp"
#include "fleetsim/core/text.hpp"
#include "fleetsim/io/spelling.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

// A step shorter than a minute would only make the step-by-step integrals
// slow (a week is 10,080 minutes); no price or grid figure is finer.
constexpr double kMinStepS = 60.0;
// A broken file reports its first problems, not one per line.
constexpr std::size_t kMaxFileProblems = 10;

// The cells of a line split at commas, each with its 1-based column. No
// quoting: a series file holds numbers (a quoted header name is unquoted).
std::vector<std::pair<std::string_view, int>> cells(std::string_view line) {
  std::vector<std::pair<std::string_view, int>> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
    std::size_t first = start;  // the cell's first character, past leading blanks
    while (first < stop && (line[first] == ' ' || line[first] == '\t')) ++first;
    out.emplace_back(trim(line.substr(start, stop - start)), static_cast<int>(first) + 1);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string_view unquoted(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

std::optional<std::vector<double>> read_values(YamlReader& r, const YAML::Node& list, const std::string& path) {
  if (!r.expect_items(list, path, "values")) return std::nullopt;
  std::vector<double> values;
  const std::size_t errors = r.error_count();
  for (std::size_t i = 0; i < list.size(); ++i)
    if (auto v = r.number(list[i], fmt::format("{}[{}]", path, i), at_least(0))) values.push_back(*v);
  if (r.error_count() != errors) return std::nullopt;
  return values;
}

std::optional<StepSeries> read_series_map(YamlReader& r, const YAML::Node& map, const std::string& path,
                                          const std::string& unit) {
  check_scenario_keys(r, map, path, "series");
  const std::size_t errors = r.error_count();
  const YAML::Node file = YamlReader::get(map, "file");
  const YAML::Node values = YamlReader::get(map, "values");
  if (file.IsDefined() == values.IsDefined()) {
    r.error(map, path, "give either file (with column) or values",
            fmt::format("{}: e.g. {{file: series.csv, column: NAME}} or {{values: [0.1, 0.3], step: 1h}}", unit));
    return std::nullopt;
  }
  double step_s = StepSeries::kHour;
  if (const YAML::Node n = YamlReader::get(map, "step"))
    if (auto v = r.quantity(n, child_path(path, "step"), Dimension::duration, at_least(kMinStepS))) step_s = *v;
  std::optional<std::vector<double>> read;
  if (values.IsDefined()) {
    if (const YAML::Node n = YamlReader::get(map, "column"))
      r.error(n, child_path(path, "column"), "column applies only with file");
    read = read_values(r, values, child_path(path, "values"));
  } else {
    const auto name = r.name(file, child_path(path, "file"));
    std::optional<std::string> column;
    if (const YAML::Node n = r.require(map, path, "column", "the CSV column that holds the values, by its header"))
      column = r.name(n, child_path(path, "column"));
    if (!name || !column) return std::nullopt;
    const std::string resolved = path_beside(r.file(), *name);
    std::string why;
    const auto text = read_input_file(resolved, why);
    if (!text) {
      r.error(file, child_path(path, "file"), fmt::format("cannot read the series file {}: {}", resolved, why),
              fmt::format("a CSV file, relative to this file, with a header line and one row per step ({})", unit));
      return std::nullopt;
    }
    std::vector<Diagnostic> problems;
    read = parse_series_csv(*text, resolved, *column, child_path(path, "file"), unit, problems);
    for (auto& d : problems) r.add_from_other_file(std::move(d));
  }
  if (!read || r.error_count() != errors) return std::nullopt;
  return StepSeries(std::move(*read), step_s);
}

}  // namespace

std::optional<std::vector<double>> parse_series_csv(const std::string& text, const std::string& file,
                                                    const std::string& column, const std::string& key_path,
                                                    const std::string& unit, std::vector<Diagnostic>& out) {
  // Problems located in the CSV file, under the key that names it.
  YamlReader located(file, out);
  const auto problem = [&](int line, int col, std::string message, std::string hint = {}) {
    if (located.error_count() < kMaxFileProblems)
      located.error_at(line, col, key_path, std::move(message), std::move(hint));
  };
  std::optional<std::size_t> index;  // of the column, once the header is read
  int header_line = 0;
  std::vector<double> values;
  int n = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++n;
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;
    const auto row = cells(line);
    if (!header_line) {
      header_line = n;
      std::vector<std::string> names;
      for (const auto& [cell, col] : row) {
        names.emplace_back(unquoted(cell));
        if (names.back() == column && !index) index = names.size() - 1;
      }
      if (!index) {
        problem(n, 1, fmt::format("the header has no column \"{}\"", column),
                did_you_mean_hint(column, names, "its columns"));
        return std::nullopt;
      }
      continue;
    }
    if (row.size() <= *index) {
      problem(n, static_cast<int>(line.size()) + 1,
              fmt::format("the row has {} cells; column \"{}\" is cell {}", row.size(), column, *index + 1));
      continue;
    }
    const auto& [cell, col] = row[*index];
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
    if (cell.empty() || ec != std::errc() || ptr != cell.data() + cell.size() || !std::isfinite(v)) {
      problem(n, col, fmt::format("column \"{}\": expected a number, found \"{}\"", column, cell),
              "one plain number per row, e.g. 0.12, in " + unit);
      continue;
    }
    if (v < 0.0) {
      problem(n, col, fmt::format("column \"{}\": expected a number >= 0, found {}", column, cell),
              "prices and intensities are not negative");
      continue;
    }
    values.push_back(v);
  }
  if (!header_line) {
    problem(1, 1, "the file has no header line", fmt::format("a first line naming the columns, e.g. {}", column));
    return std::nullopt;
  }
  if (located.error_count() > 0) return std::nullopt;
  if (values.empty()) {
    problem(header_line, 1, fmt::format("column \"{}\" has no values", column), "one row per step after the header");
    return std::nullopt;
  }
  return values;
}

std::optional<StepSeries> read_step_series(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                           const std::string& unit) {
  if (node.IsSequence()) {
    auto values = read_values(reader, node, path);
    if (!values) return std::nullopt;
    return StepSeries(std::move(*values));
  }
  if (node.IsMap()) return read_series_map(reader, node, path, unit);
  if (auto v = reader.number(node, path, at_least(0))) return StepSeries(*v);
  return std::nullopt;
}

}  // namespace fleetsim
