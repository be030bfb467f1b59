#include "fleetsim/workflows/sweep_results.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetsim/io/input_limits.hpp"
#include "fleetsim/io/json_input.hpp"
#include "shard_lines.hpp"
#include "fleetsim/workflows/report_figures.hpp"
#include "fleetsim/io/csv_field.hpp"
#include "fleetsim/io/report_text.hpp"
#include "fleetsim/io/json_numbers.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;
using json_numbers::number_or_null;

std::optional<double> read_number(const Json& j) {
  if (j.is_number()) return j.get<double>();
  return std::nullopt;
}

// A field of a sweep row that is wrong in type or range. nlohmann's get<>
// would truncate 1.5 to 1 and overflow (undefined behaviour) on 1e300, so
// whole numbers are checked before they are converted.
struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::uint64_t whole_number(const Json& j, const char* key, std::uint64_t max) {
  const Json& v = j.at(key);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() <= max) return v.get<std::uint64_t>();
  throw BadField(fmt::format("\"{}\": expected a whole number in 0..{}, found {}", key, max, v.dump()));
}

std::string csv_number(const std::optional<double>& x) {
  return x && std::isfinite(*x) ? fmt::format("{:.10g}", *x) : "";
}

// Figure paths over all rows, in order of first appearance.
std::vector<std::string> figure_columns(const std::vector<SweepRow>& rows) {
  std::vector<std::string> columns;
  for (const SweepRow& row : rows)
    for (const SweepFigure& f : row.figures)
      if (std::find(columns.begin(), columns.end(), f.path) == columns.end()) columns.push_back(f.path);
  return columns;
}

const SweepFigure* find(const SweepRow& row, const std::string& path) {
  for (const SweepFigure& f : row.figures)
    if (f.path == path) return &f;
  return nullptr;
}

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

}  // namespace

std::vector<SweepFigure> summarize_replications(
    const std::vector<std::vector<std::pair<std::string, std::optional<double>>>>& replications) {
  std::vector<SweepFigure> out;
  std::vector<std::vector<std::optional<double>>> values;
  for (const auto& figures : replications)
    for (const auto& [path, value] : figures) {
      // clang 14 (the fuzz build) cannot capture a structured binding.
      const std::string& wanted = path;
      auto it = std::find_if(out.begin(), out.end(), [&](const SweepFigure& f) { return f.path == wanted; });
      if (it == out.end()) {
        out.push_back({path, {}});
        values.emplace_back();
        it = out.end() - 1;
      }
      values[static_cast<std::size_t>(it - out.begin())].push_back(value);
    }
  for (std::size_t i = 0; i < out.size(); ++i) out[i].stats = mean_interval(values[i]);
  return out;
}

std::string sweep_jsonl_line(const SweepHeader& header, const SweepRow& row) {
  Json j = Json::object();
  j["schema"] = kSweepSchema;
  j["sweep_id"] = header.sweep_id;
  j["scenario"] = header.scenario;
  j["points"] = header.points;
  j["replications"] = header.replications;
  j["point"] = row.point;
  Json parameters = Json::object();
  for (const auto& [path, value] : row.parameters) parameters[path] = value;
  j["parameters"] = std::move(parameters);
  j["seeds"] = row.seeds;
  j["status"] = row.ok() ? "ok" : "failed";
  j["error"] = row.error;
  Json figures = Json::object();
  for (const SweepFigure& f : row.figures) {
    Json s = Json::object();
    s["mean"] = number_or_null(f.stats.mean);
    s["ci95"] = number_or_null(f.stats.half_width);
    s["n"] = f.stats.n;
    figures[f.path] = std::move(s);
  }
  j["figures"] = std::move(figures);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<std::pair<SweepHeader, SweepRow>> parse_sweep_jsonl_line(const std::string& line, std::string& error) {
  const Json j = parse_json_input(line, error);
  if (j.is_discarded()) return std::nullopt;
  if (!j.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  // Checked by hand, not with j.value(): that throws on a "schema" of another
  // type, outside the try below (found by fuzz/fuzz_sweep_jsonl).
  const auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string() || schema->get<std::string>() != kSweepSchema) {
    error = std::string("not a sweep row (no \"schema\": \"") + kSweepSchema + "\"); write them with fleetsim sweep --jsonl";
    return std::nullopt;
  }
  try {
    SweepHeader header;
    header.sweep_id = j.at("sweep_id").get<std::string>();
    header.scenario = j.at("scenario").get<std::string>();
    header.points = whole_number(j, "points", limits::kMaxSweepPoints);
    header.replications = static_cast<int>(whole_number(j, "replications", limits::kMaxReplications));
    if (header.points == 0 || header.replications == 0)
      throw BadField("\"points\" and \"replications\": expected at least 1");
    SweepRow row;
    row.point = whole_number(j, "point", header.points - 1);
    for (const auto& [path, value] : j.at("parameters").items()) row.parameters.emplace_back(path, value.get<std::string>());
    const Json& seeds = j.at("seeds");
    if (!seeds.is_array() || seeds.size() > limits::kMaxReplications)
      throw BadField(fmt::format("\"seeds\": expected a list of at most {} seeds", limits::kMaxReplications));
    for (const Json& seed : seeds) {
      if (!seed.is_number_unsigned())
        throw BadField(fmt::format("\"seeds\": expected whole numbers in 0..{}, found {}",
                                   std::numeric_limits<std::uint64_t>::max(), seed.dump()));
      row.seeds.push_back(seed.get<std::uint64_t>());
    }
    row.error = j.at("error").get<std::string>();
    if (j.at("status").get<std::string>() != "ok" && row.error.empty()) row.error = "failed";
    for (const auto& [path, s] : j.at("figures").items()) {
      SweepFigure f;
      f.path = path;
      f.stats.mean = read_number(s.at("mean"));
      f.stats.half_width = read_number(s.at("ci95"));
      f.stats.n = whole_number(s, "n", limits::kMaxReplications);
      row.figures.push_back(std::move(f));
    }
    return std::pair(std::move(header), std::move(row));
  } catch (const nlohmann::json::exception& e) {
    error = std::string("a sweep row with a missing or mistyped field: ") + e.what();
    return std::nullopt;
  } catch (const BadField& e) {
    error = std::string("a sweep row with a field out of range: ") + e.what();
    return std::nullopt;
  }
}

std::string sweep_csv(const std::vector<SweepRow>& rows, int replications) {
  const std::vector<std::string> figures = figure_columns(rows);
  std::vector<std::string> parameters;
  for (const SweepRow& row : rows)
    for (const auto& [path, value] : row.parameters)
      if (std::find(parameters.begin(), parameters.end(), path) == parameters.end()) parameters.push_back(path);

  std::vector<std::string> header = {"point"};
  header.insert(header.end(), parameters.begin(), parameters.end());
  header.insert(header.end(), {"seed", "status"});
  for (const auto& f : figures) {
    header.push_back(f);
    if (replications > 1) header.push_back(f + ".ci95");
  }
  header.push_back("error");
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
    out += '\n';
  };
  emit(header);
  for (const SweepRow& row : rows) {
    std::vector<std::string> cells = {std::to_string(row.point)};
    for (const auto& p : parameters) {
      auto it = std::find_if(row.parameters.begin(), row.parameters.end(), [&](const auto& kv) { return kv.first == p; });
      cells.push_back(it == row.parameters.end() ? "" : it->second);
    }
    cells.push_back(row.seeds.empty() ? "" : std::to_string(row.seeds.front()));
    cells.push_back(row.ok() ? "ok" : "failed");
    for (const auto& path : figures) {
      const SweepFigure* f = find(row, path);
      cells.push_back(f ? csv_number(f->stats.mean) : "");
      if (replications > 1) cells.push_back(f ? csv_number(f->stats.half_width) : "");
    }
    cells.push_back(row.error);
    emit(cells);
  }
  return out;
}

std::string sweep_summary_table(const std::vector<SweepRow>& rows, int replications) {
  using report_text::TextTable;
  std::vector<std::pair<std::string, std::string>> headline = {
      {"fleet.cost_per_session_usd", "$/session"},
      {"fleet.cost_per_million_output_tokens_usd", "$/M out tok"},
      {"fleet.energy_per_session_j", "energy/session"},
      {"fleet.mean_it_power_w", "mean IT power"}};
  std::vector<TextTable::Column> columns = {{"point"}};
  std::vector<std::string> parameters;
  if (!rows.empty())
    for (const auto& [path, value] : rows.front().parameters) {
      parameters.push_back(path);
      columns.push_back({path, TextTable::Align::left});
    }
  // Each workload's cost per session, named after the workload: the figure an
  // agent's owner asks for in a mixed fleet.
  std::vector<std::pair<std::string, std::string>> per_workload;
  for (const SweepRow& row : rows) {
    if (!row.ok()) continue;
    for (const SweepFigure& f : row.figures)
      if (f.path.starts_with("workloads.") && f.path.ends_with(".cost_per_session_usd"))
        per_workload.emplace_back(f.path, "$/session " + f.path.substr(10, f.path.size() - 10 - 21));
    break;
  }
  if (per_workload.size() > 1) headline.insert(headline.begin() + 1, per_workload.begin(), per_workload.end());
  for (const auto& [path, label] : headline) columns.push_back({label});
  columns.push_back({"SLOs met"});
  columns.push_back({"", TextTable::Align::left});
  TextTable table(columns);
  auto cell = [&](const SweepFigure* f) {
    if (!f) return std::string("n/a");
    std::string text = format_figure(f->path, f->stats.mean);
    if (replications > 1 && f->stats.half_width) text += " +/- " + format_figure(f->path, f->stats.half_width);
    return text;
  };
  for (const SweepRow& row : rows) {
    std::vector<std::string> cells = {std::to_string(row.point)};
    for (std::size_t i = 0; i < parameters.size(); ++i)
      cells.push_back(i < row.parameters.size() ? row.parameters[i].second : "");
    if (!row.ok()) {
      for (std::size_t i = 0; i <= headline.size(); ++i) cells.push_back("-");
      cells.push_back("FAILED: " + first_line(row.error));
      table.add_row(std::move(cells));
      continue;
    }
    for (const auto& [path, label] : headline) cells.push_back(cell(find(row, path)));
    // Every workload's SLOs: the worst workload's share of replications that met them all.
    std::optional<double> met;
    for (const SweepFigure& f : row.figures)
      if (f.path.ends_with(".slos_met") && f.stats.mean) met = std::min(met.value_or(1.0), *f.stats.mean);
    cells.push_back(format_figure("slos_met", met));
    cells.push_back("");
    table.add_row(std::move(cells));
  }
  return table.render("");
}

MergedSweep merge_sweep_shards(const std::vector<std::pair<std::string, std::string>>& files) {
  MergedSweep merged;
  std::optional<std::string> first_file;
  std::map<std::size_t, std::string> seen;  // point -> where
  for (const auto& [name, text] : files) {
    // A bad line is reported as such, not as "no sweep rows".
    const bool any = for_each_shard_line(name, text, [&](const std::string& where, const std::string& line) {
      std::string error;
      auto parsed = parse_sweep_jsonl_line(line, error);
      if (!parsed) {
        merged.errors.push_back(where + ": " + error);
        return;
      }
      auto& [header, row] = *parsed;
      if (!first_file) {
        merged.header = header;
        first_file = where;
      } else if (header.sweep_id != merged.header.sweep_id || header.points != merged.header.points ||
                 header.replications != merged.header.replications) {
        merged.errors.push_back(fmt::format(
            "{}: belongs to another sweep (id {}, {} points, {} replications) than {} (id {}, {} points, {} "
            "replications): shards must come from the same scenario file, parameters, seed and replications",
            where, header.sweep_id, header.points, header.replications, *first_file, merged.header.sweep_id,
            merged.header.points, merged.header.replications));
        return;
      }
      if (row.point >= merged.header.points) {
        merged.errors.push_back(fmt::format("{}: point {} is outside the sweep's {} points", where, row.point,
                                            merged.header.points));
        return;
      }
      if (auto [it, fresh] = seen.emplace(row.point, where); !fresh) {
        merged.errors.push_back(fmt::format("{}: point {} appears twice (also at {}); give each shard once",
                                            where, row.point, it->second));
        return;
      }
      merged.rows.push_back(std::move(row));
    });
    if (!any) merged.errors.push_back(name + ": holds no sweep rows (the file is empty)");
  }
  if (!first_file) return merged;
  const std::string missing =
      missing_from_shards(merged.header.points, [&](std::size_t p) { return seen.count(p) > 0; }, "points");
  if (!missing.empty()) merged.errors.push_back(missing);
  std::sort(merged.rows.begin(), merged.rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.point < b.point; });
  return merged;
}

}  // namespace fleetsim
