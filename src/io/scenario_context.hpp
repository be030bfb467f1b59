// State shared by the readers of one scenario file's sections, and the places
// (YAML nodes) where things were written, so that problems found only when the
// whole file is known can still point at the right line.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// Where a name was written.
struct NameSite {
  std::string name;
  YAML::Node node;
  std::string path;
  // A model named by a workload's step or trace: that workload's index in
  // Scenario::workloads; npos for every other name.
  std::size_t workload = std::string::npos;
};

struct PoolSite {
  YAML::Node node;
  std::string path;
  YAML::Node count;
  YAML::Node role;  // undefined when the pool gives none (unified)
  std::vector<NameSite> models;
  bool hardware_ok = false;    // resolved; pool.hardware is valid
  bool count_ok = false;
  bool engine_ok = false;
  YAML::Node kv_store;        // the engine's {store: NAME} entry's name; undefined when none
  std::string kv_store_path;
};

struct RouteSite {
  YAML::Node node;
  std::string path;
  NameSite model;
  std::vector<NameSite> pools;
  NameSite overflow_pool;  // name empty when not given
  YAML::Node prefill_above;  // undefined when not given
  bool ok = false;         // every field read
};

struct ScenarioContext {
  ScenarioContext(YamlReader& r, const Catalog& c) : reader(r), catalog(c) {}

  YamlReader& reader;
  const Catalog& catalog;
  Scenario scenario;

  // Entries of the scenario's `hardware:` and `models:` maps, resolved.
  std::map<std::string, HardwareSpec> hardware;
  std::map<std::string, ModelSpec> models;
  // Entries that were defined but invalid (already reported): references to
  // them are not reported again.
  std::set<std::string> broken_hardware;
  std::set<std::string> broken_models;
  std::set<std::string> broken_tool_pools;  // fleet.tool_pools entries with errors

  std::vector<PoolSite> pool_sites;  // one per scenario.pools entry
  std::vector<Route> routes;         // the explicit `routing:` entries
  std::vector<RouteSite> route_sites;
  std::vector<NameSite> step_models;  // every llm step's model, in file order
  // The index in scenario.workloads of the workload being read; npos
  // outside read_workloads (agent definitions, for one).
  std::size_t reading_workload = std::string::npos;
  bool arrivals_ok = true;            // every workload's arrivals were read
  bool any_arrivals = false;          // some workload has a positive rate
  // Every workload replays a trace once, so the traffic ends by itself and
  // the run needs no duration or session count.
  bool traffic_ends = true;
  YAML::Node workloads_node;

  // Scenario entry, else catalog entry, else nullptr.
  const HardwareSpec* find_hardware(const std::string& name) const;
  const ModelSpec* find_model(const std::string& name) const;

  // As find_*, but an unknown name is reported with did-you-mean. nullptr for
  // unknown and for broken entries.
  const HardwareSpec* resolve_hardware(const NameSite& site);
  const ModelSpec* resolve_model(const NameSite& site);

  const Pool* find_pool(const std::string& name) const { return scenario.find_pool(name); }
  std::vector<std::string> pool_names() const;
};

// The required `name:` of a list entry (a pool, a workload). A name used
// before in the list (`first_line` holds each name's first line) is reported
// as "`what` name ... is used twice", with `why` names must differ. nullopt
// when missing or not a name.
std::optional<std::string> read_entry_name(YamlReader& r, const YAML::Node& entry, const std::string& path,
                                           std::map<std::string, int>& first_line, const char* what,
                                           const char* why);

}  // namespace fleetsim
