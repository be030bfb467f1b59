#include "scenario_cells.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetsim/core/rng.hpp"
#include "fleetsim/io/scenario_variants.hpp"
#include "fleetsim/io/spelling.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

// A cell's own keys; the rest of its map is a partial scenario.
const std::vector<std::string> kCellOwnKeys = {"name", "share", "traffic_scale"};

// Shares are fractions of the scenario's traffic: they must add up to the
// whole, to within rounding of decimal fractions written in a file.
constexpr double kShareSumTolerance = 1e-9;

// The largest factor on a scenario's arrival rates a cell may give.
constexpr double kMaxTrafficScale = 1e6;

constexpr const char* kCellHint =
    "a cell is {name: NAME, share: FRACTION} or {name: NAME, traffic_scale: FACTOR}, plus the parts of the "
    "scenario it changes (fleet, routing, workloads, costs, hardware, models); docs/cells.md";

// One cell's name and traffic; nullopt when either is missing or wrong.
std::optional<CellSpec> read_cell(YamlReader& r, const YAML::Node& node, const std::string& path) {
  if (!r.expect_map(node, path, kCellHint)) return std::nullopt;
  check_scenario_keys(r, node, path, "cell");
  if (const YAML::Node sim = YamlReader::get(node, "simulation"))
    r.error(sim, path + ".simulation", "a cell cannot change the simulation settings",
            "every cell runs the scenario's own window and duration, so that their figures add up; change them "
            "in the scenario's simulation section");
  CellSpec cell;
  const YAML::Node name = r.require(node, path, "name", "e.g. name: us-east; it labels the cell's report");
  if (!name) return std::nullopt;
  const auto text = r.name(name, path + ".name");
  if (!text) return std::nullopt;
  cell.name = *text;
  const YAML::Node share = YamlReader::get(node, "share");
  const YAML::Node scale = YamlReader::get(node, "traffic_scale");
  if (share && scale) {
    r.error(scale, path + ".traffic_scale", "a cell gives share or traffic_scale, not both",
            "share is a fraction of the scenario's traffic (the cells' shares sum to 1); traffic_scale multiplies "
            "the scenario's arrival rates by any factor");
    return std::nullopt;
  }
  if (!share && !scale) {
    r.error(node, path, "cell \"" + cell.name + "\" gives neither share nor traffic_scale",
            "e.g. share: 0.25 (a quarter of the scenario's sessions arrive here) or traffic_scale: 1.0");
    return std::nullopt;
  }
  const YAML::Node given = share ? share : scale;
  const std::string key = path + (share ? ".share" : ".traffic_scale");
  const auto value = r.number(given, key);
  if (!value) return std::nullopt;
  const double most = share ? 1.0 : kMaxTrafficScale;
  if (!(*value > 0.0 && *value <= most)) {
    r.error(given, key, fmt::format("{} is not in (0, {:g}]", *value, most),
            share ? "a share is the fraction of the scenario's traffic this cell serves, e.g. 0.25"
                  : "traffic_scale multiplies the scenario's arrival rates, e.g. 1.5 for half as much again");
    return std::nullopt;
  }
  cell.traffic_scale = *value;
  cell.from_share = static_cast<bool>(share);
  return cell;
}

}  // namespace

std::uint64_t cell_seed(std::uint64_t scenario_seed, const std::string& cell_name) {
  // 53 bits, so that the seed written in a report survives any JSON reader.
  return Rng(scenario_seed, stable_hash("cell:" + cell_name)).next_u64() >> 11;
}

std::vector<CellSpec> read_cells(YamlReader& r, const YAML::Node& root) {
  std::vector<CellSpec> cells;
  if (!root.IsMap()) return cells;
  const YAML::Node list = YamlReader::get(root, "cells");
  if (!list.IsDefined() || list.IsNull()) return cells;
  if (!r.expect_list(list, "cells", kCellHint)) return cells;
  if (list.size() == 0) {
    r.error(list, "cells", "the cells list is empty", "give at least one cell, or leave the key out");
    return cells;
  }
  if (list.size() > kMaxCells) {
    r.error(list, "cells", fmt::format("{} cells; at most {}", list.size(), kMaxCells),
            "each cell is a process of its own; group sites into fewer cells");
    return cells;
  }
  bool complete = true;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = fmt::format("cells[{}]", i);
    auto cell = read_cell(r, list[i], path);
    if (!cell) {
      complete = false;
      continue;
    }
    for (const CellSpec& other : cells)
      if (other.name == cell->name) {
        r.error(list[i]["name"], path + ".name", "cell \"" + cell->name + "\" appears twice",
                "each cell needs a name of its own: it labels its report and derives its seed");
        complete = false;
      }
    if (!cells.empty() && cells.front().from_share != cell->from_share) {
      r.error(list[i], path, "cells mix share and traffic_scale",
              "give every cell a share (fractions of the scenario's traffic, summing to 1) or every cell a "
              "traffic_scale");
      complete = false;
    }
    cells.push_back(std::move(*cell));
  }
  if (complete && cells.front().from_share) {
    double sum = 0.0;
    for (const CellSpec& c : cells) sum += c.traffic_scale;
    if (std::abs(sum - 1.0) > kShareSumTolerance)
      r.error(list, "cells", fmt::format("the cells' shares sum to {:.6g}, not 1", sum),
              "a share is the fraction of the scenario's traffic a cell serves; to scale a cell's traffic freely, "
              "give every cell traffic_scale instead");
  }
  return cells;
}

std::optional<YAML::Node> select_cell(YamlReader& r, const YAML::Node& root, const std::string& cell) {
  if (!root.IsMap()) return root;
  const YAML::Node list = YamlReader::get(root, "cells");
  std::vector<std::string> names;
  if (list.IsSequence())
    for (const auto& item : list)
      if (item.IsMap() && item["name"] && item["name"].IsScalar()) {
        names.push_back(item["name"].Scalar());
        if (names.back() == cell) {
          // The base without its cells, the cell's sections (not its own keys) merged over it.
          YAML::Node sections(YAML::NodeType::Map);
          for (const auto& kv : item)
            if (std::find(kCellOwnKeys.begin(), kCellOwnKeys.end(), kv.first.Scalar()) == kCellOwnKeys.end())
              sections.force_insert(kv.first, kv.second);
          return merge_over(root, sections, {"cells"});
        }
      }
  r.error(list.IsDefined() ? list : root, "cells", "no cell named \"" + cell + "\"",
          names.empty() ? "this scenario declares no cells" : did_you_mean_hint(cell, names, "cells"));
  return std::nullopt;
}

void check_cells_scenario(YamlReader& r, const YAML::Node& root, const Scenario& scenario,
                          const std::vector<CellSpec>& cells) {
  if (cells.empty()) return;
  const YAML::Node at = root.IsMap() ? YamlReader::get(root, "cells") : root;
  if (!scenario.simulation.duration_s)
    r.error(at, "cells", "cells need a run of fixed duration (simulation.duration)",
            "a run of a session count ends when its sessions have, at a different time in each cell; with a "
            "duration every cell measures the same window and their rates add up");
  for (const CellSpec& cell : cells) {
    if (cell.traffic_scale == 1.0) continue;
    for (const Workload& w : scenario.workloads)
      if (w.arrivals.kind == ArrivalProcess::Kind::trace) {
        r.error(at, "cells", "workload \"" + w.name + "\" replays a trace, whose sessions cannot be scaled to cell \"" +
                                 cell.name + "\"'s traffic",
                "give that cell share 1 or traffic_scale 1, or split the trace into one file per cell and set each "
                "cell's workloads");
        return;
      }
  }
}

void scale_traffic(Scenario& scenario, double scale) {
  if (scale == 1.0) return;  // the same scenario, bit for bit
  for (Workload& w : scenario.workloads) {
    w.arrivals.rate_per_s *= scale;
    for (ArrivalProcess::Piece& piece : w.arrivals.pieces) piece.rate_per_s *= scale;
  }
}

void scale_traffic_checked(YamlReader& r, const YAML::Node& root, Scenario& scenario, double scale) {
  if (scale == 1.0) return;
  const YAML::Node workloads = root.IsMap() ? YamlReader::get(root, "workloads") : root;
  for (std::size_t i = 0; i < scenario.workloads.size(); ++i) {
    const Workload& w = scenario.workloads[i];
    if (w.arrivals.kind != ArrivalProcess::Kind::trace) continue;
    YAML::Node at = workloads;
    if (workloads && workloads.IsSequence() && i < workloads.size()) at = workloads[i];
    if (at && at.IsMap() && YamlReader::get(at, "arrivals")) at = YamlReader::get(at, "arrivals");
    r.error(at, "workloads." + w.name + ".arrivals",
            "workload \"" + w.name + "\" replays a trace by its times, which a traffic scale cannot multiply",
            "scale the trace's own times (its rate_scale, docs/scenario-format.md), or give the workload a rate");
    return;
  }
  scale_traffic(scenario, scale);
}

}  // namespace fleetsim
