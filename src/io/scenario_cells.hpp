// Reading a scenario's `cells:` section (fleetsim/io/cell_spec.hpp): the
// cells' names and traffic, validated, and the document of one cell.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fleetsim/core/scenario.hpp"
#include "fleetsim/io/cell_spec.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// The most cells one scenario may declare: each is a process of its own.
inline constexpr std::size_t kMaxCells = 4096;

// The cells the document declares, in file order; every problem of the
// section (its shape, names, shares, keys) reported. Empty when it has none.
std::vector<CellSpec> read_cells(YamlReader& reader, const YAML::Node& root);

// The document to read for `cell`: `root` with that cell's partial scenario
// merged over it (maps key by key, lists replaced, as for a variant) and
// without its `cells` section. nullopt (after reporting it) when there is no
// such cell.
std::optional<YAML::Node> select_cell(YamlReader& reader, const YAML::Node& root, const std::string& cell);

// What only the loaded scenario shows: cells need a run of fixed duration (so
// that every cell measures the same window and rates add up), and a trace
// replayed by its times cannot be scaled. Reported at the `cells` key.
void check_cells_scenario(YamlReader& reader, const YAML::Node& root, const Scenario& scenario,
                          const std::vector<CellSpec>& cells);

// Multiplies every arrival rate of the scenario by `scale` (a cell's share).
void scale_traffic(Scenario& scenario, double scale);

// scale_traffic for a scale the user asked for (--traffic-scale): refused, at
// the workload's `arrivals` key in `root`, when a workload replays a trace by
// its times, which no rate describes.
void scale_traffic_checked(YamlReader& reader, const YAML::Node& root, Scenario& scenario, double scale);

}  // namespace fleetsim
