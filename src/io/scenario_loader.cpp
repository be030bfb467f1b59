#include "fleetsim/io/scenario_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "definitions_reader.hpp"
#include "fleet_reader.hpp"
#include "fleetsim/io/input_file.hpp"
#include "fleetsim/io/scenario_section.hpp"
#include "routing_reader.hpp"
#include "scenario_cells.hpp"
#include "scenario_checks.hpp"
#include "fleetsim/io/scenario_overrides.hpp"
#include "fleetsim/io/scenario_variants.hpp"
#include "settings_reader.hpp"
#include "workload_reader.hpp"
#include "fleetsim/io/yaml_document.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

constexpr const char* kFormatHint = "see docs/scenario-format.md for every key and two complete examples";

// Scenario::models: every model a pool serves or a step calls, resolved.
void collect_models(ScenarioContext& ctx) {
  std::vector<std::string> names;
  auto add = [&](const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const auto& pool : ctx.scenario.pools)
    for (const auto& m : pool.models) add(m);
  for (const auto& use : ctx.step_models) add(use.name);
  for (const auto& name : names)
    if (const ModelSpec* m = ctx.find_model(name)) ctx.scenario.models.push_back(*m);
}

void read_scenario(ScenarioContext& ctx, const YAML::Node& root) {
  YamlReader& r = ctx.reader;
  if (!r.expect_map(root, "", "a scenario is a map with the keys name, fleet, workloads and simulation")) return;
  check_scenario_keys(r, root, "", "scenario");

  if (const YAML::Node n = r.require(root, "", "name", "e.g. name: quickstart; it labels the report"))
    if (auto v = r.name(n, "name")) ctx.scenario.name = *v;
  if (const YAML::Node n = YamlReader::get(root, "description"))
    if (auto v = r.text(n, "description")) ctx.scenario.description = *v;
  // An optional section left empty ("routing:" and nothing under it) means its defaults.
  auto optional_section = [&](const char* key) {
    const YAML::Node n = YamlReader::get(root, key);
    return n.IsDefined() && !n.IsNull() ? n : YAML::Node(YAML::NodeType::Undefined);
  };
  // Definitions first: the fleet and the steps refer to them.
  if (const YAML::Node n = optional_section("hardware")) read_hardware_definitions(ctx, n);
  if (const YAML::Node n = optional_section("models")) read_model_definitions(ctx, n);
  if (const YAML::Node n = r.require(root, "", "fleet", "the pools of nodes that serve the models")) read_fleet(ctx, n);
  if (const YAML::Node n = optional_section("routing")) read_routing(ctx, n);
  if (const YAML::Node n = r.require(root, "", "workloads", "the kinds of sessions that arrive and what they do"))
    read_workloads(ctx, n);
  if (const YAML::Node n = optional_section("costs")) read_costs(ctx, n);
  if (const YAML::Node n = r.require(root, "", "simulation", "e.g. simulation: {duration: 1h}")) read_simulation(ctx, n);
  check_scenario(ctx);
}

// The sections other layers read (the workflows' `expect:` and `plan:`),
// after the scenario's own, so that they can check references against it.
void read_other_sections(ScenarioContext& ctx, const YAML::Node& root,
                         const std::vector<ScenarioSectionReader*>& sections) {
  for (ScenarioSectionReader* section : sections) {
    const YAML::Node n = YamlReader::get(root, section->key());
    if (n.IsDefined() && !n.IsNull()) section->read(n, ScenarioSoFar(ctx));
  }
}

// Diagnostics in file order; problems of the whole file (line 0) first.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
}

}  // namespace

LoadResult load_scenario_text(const std::string& yaml_text, const std::string& file_label, const Catalog& catalog,
                              const LoadOptions& options) {
  LoadResult result;
  std::size_t override_errors = 0;
  try {
    YamlReader reader(file_label, result.diagnostics);
    ScenarioContext ctx(reader, catalog);
    ctx.scenario.source_file = file_label;
    if (auto root = parse_yaml_document(reader, yaml_text, "a scenario (name, fleet, workloads, simulation)",
                                        kFormatHint)) {
      result.variants = read_variant_names(reader, *root);
      result.cells = read_cells(reader, *root);
      std::optional<YAML::Node> document = select_variant(reader, *root, options.variant);
      if (document && !options.cell.empty()) document = select_cell(reader, *document, options.cell);
      if (document) {
        OverrideOutcome edited = apply_overrides(*document, options.overrides, result.diagnostics);
        override_errors = edited.errors;
        if (edited.document) {
          const std::size_t first = result.diagnostics.size();
          read_scenario(ctx, *edited.document);
          read_other_sections(ctx, *edited.document, options.sections);
          attribute_to_overrides(result.diagnostics, first, edited.applied);
          if (reader.error_count() == 0) check_cells_scenario(reader, *root, ctx.scenario, result.cells);
          for (const CellSpec& cell : result.cells)
            if (cell.name == options.cell) scale_traffic(ctx.scenario, cell.traffic_scale);
          if (reader.error_count() == 0) scale_traffic_checked(reader, *edited.document, ctx.scenario, options.traffic_scale);
        }
      }
      if (!options.variant.empty()) ctx.scenario.name += "/" + options.variant;
    }
    if (reader.error_count() == 0 && override_errors == 0) {
      complete_routes(ctx);  // checks what only the whole routes show (a disaggregated model's roles)
      if (reader.error_count() == 0) {
        collect_models(ctx);
        result.scenario = std::move(ctx.scenario);
      }
    }
  } catch (const std::exception& e) {
    // A defect in the loader, not in the input; still never escape to the caller.
    Diagnostic d;
    d.file = file_label;
    d.message = std::string("internal error while reading the scenario: ") + e.what();
    d.hint = "this is a fleetsim defect; please report it with the scenario file";
    result.diagnostics.push_back(std::move(d));
    result.scenario.reset();
  }
  sort_diagnostics(result.diagnostics);
  return result;
}

LoadResult load_scenario_file(const std::string& path, const Catalog& catalog, const LoadOptions& options) {
  auto unreadable = [&](const std::string& reason) {
    LoadResult result;
    Diagnostic d;
    d.file = path;
    d.message = "cannot read the scenario file: " + reason;
    result.diagnostics.push_back(std::move(d));
    return result;
  };
  std::string why;
  const std::optional<std::string> text = read_input_file(path, why);
  if (!text) return unreadable(why);
  return load_scenario_text(*text, path, catalog, options);
}

}  // namespace fleetsim
