#include "fleetsim/workflows/cell_shards.hpp"

#include <map>

#include <fmt/format.h>

#include "fleetsim/core/rng.hpp"
#include "fleetsim/io/cell_result.hpp"
#include "fleetsim/io/json_input.hpp"
#include "shard_lines.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

// The first non-blank line of `text`.
std::string_view first_line(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(begin, end - begin);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) return line;
    begin = end + 1;
  }
  return {};
}

std::optional<std::pair<CellsHeader, std::size_t>> read_header(const Json& j, std::string& error) {
  auto bad = [&](const std::string& why) {
    error = why;
    return std::nullopt;
  };
  if (!j.is_object()) return bad("expected a JSON object");
  if (!j.contains("schema") || j["schema"] != kCellsSchema) return bad("not a cells shard line (schema " + std::string(kCellsSchema) + ")");
  for (const char* key : {"cells_id", "scenario"})
    if (!j.contains(key) || !j[key].is_string()) return bad(std::string(key) + ": expected text");
  for (const char* key : {"seed", "cells", "cell"})
    if (!j.contains(key) || !j[key].is_number_unsigned()) return bad(std::string(key) + ": expected a whole number");
  CellsHeader h{j["cells_id"].get<std::string>(), j["scenario"].get<std::string>(), j["seed"].get<std::uint64_t>(),
                j["cells"].get<std::size_t>()};
  return std::pair(h, j["cell"].get<std::size_t>());
}

}  // namespace

std::string cells_id(const std::string& scenario_bytes, const std::string& variant,
                     const std::vector<std::pair<std::string, std::string>>& overrides,
                     std::optional<std::uint64_t> seed) {
  std::string key = std::string(kCellsSchema) + '\0' + scenario_bytes + '\0' + "variant=" + variant;
  for (const auto& [path, value] : overrides) key += '\0' + ("set " + path + "=" + value);
  key += '\0';
  key += seed ? "seed=" + std::to_string(*seed) : std::string("seed=scenario");
  return fmt::format("{:016x}", stable_hash(key));
}

std::string cells_shard_line(const CellsHeader& header, std::size_t index, const nlohmann::ordered_json& result) {
  Json j = Json::object();
  j["schema"] = kCellsSchema;
  j["cells_id"] = header.cells_id;
  j["scenario"] = header.scenario;
  j["seed"] = header.seed;
  j["cells"] = header.cells;
  j["cell"] = index;
  j["result"] = result;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

bool is_cells_shard(const std::string& text) {
  const std::string_view line = first_line(text);
  return line.find(std::string("\"schema\":\"") + std::string(kCellsSchema) + "\"") != std::string_view::npos;
}

MergedCells read_cell_shards(const std::vector<std::pair<std::string, std::string>>& files) {
  MergedCells merged;
  std::optional<std::string> first;
  std::map<std::size_t, std::pair<std::string, CellRun>> seen;  // cell -> where, run
  for (const auto& [name, text] : files) {
    const bool any = for_each_shard_line(name, text, [&](const std::string& where, const std::string& line) {
      std::string error;
      const Json j = parse_json_input(line, error);
      std::optional<std::pair<CellsHeader, std::size_t>> header;
      if (error.empty()) header = read_header(j, error);
      if (!header) {
        merged.errors.push_back(where + ": " + error);
        return;
      }
      const auto& [h, cell] = *header;
      if (!first) {
        merged.header = h;
        first = where;
      } else if (h.cells_id != merged.header.cells_id || h.cells != merged.header.cells ||
                 h.seed != merged.header.seed) {
        merged.errors.push_back(fmt::format(
            "{}: belongs to another run (id {}, {} cells) than {} (id {}, {} cells): shards must come from the "
            "same scenario file, variant, overrides and seed",
            where, h.cells_id, h.cells, *first, merged.header.cells_id, merged.header.cells));
        return;
      }
      if (cell >= merged.header.cells) {
        merged.errors.push_back(fmt::format("{}: cell {} is outside the run's {} cells", where, cell, merged.header.cells));
        return;
      }
      std::optional<CellRun> run = cell_run_from_json(j.contains("result") ? j["result"] : Json(), error);
      if (!run) {
        merged.errors.push_back(where + ": result." + error);
        return;
      }
      if (auto it = seen.find(cell); it != seen.end()) {
        merged.errors.push_back(
            fmt::format("{}: cell {} appears twice (also at {}); give each shard once", where, cell, it->second.first));
        return;
      }
      seen.emplace(cell, std::pair(where, std::move(*run)));
    });
    if (!any) merged.errors.push_back(name + ": holds no cells (the file is empty)");
  }
  if (!first) return merged;
  const std::string missing =
      missing_from_shards(merged.header.cells, [&](std::size_t c) { return seen.count(c) > 0; }, "cells");
  if (!missing.empty()) merged.errors.push_back(missing);
  if (merged.ok())
    for (auto& [cell, entry] : seen) merged.cells.push_back(std::move(entry.second));
  return merged;
}

}  // namespace fleetsim
