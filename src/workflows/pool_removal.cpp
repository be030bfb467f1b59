#include "fleetsim/workflows/pool_removal.hpp"

#include <algorithm>

#include "fleetsim/io/input_file.hpp"
#include "fleetsim/io/scenario_overrides.hpp"
#include "fleetsim/io/scenario_variants.hpp"
#include "fleetsim/io/yaml_document.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {
namespace {

bool is_removed(const std::vector<std::string>& removed, const YAML::Node& name) {
  return name.IsDefined() && name.IsScalar() &&
         std::find(removed.begin(), removed.end(), name.Scalar()) != removed.end();
}

std::string flow(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

// A route without the removed pools; undefined when nothing is left of it.
YAML::Node route_without(const YAML::Node& route, const std::vector<std::string>& removed) {
  if (!route.IsMap()) return route;
  const YAML::Node pools = YamlReader::get(route, "pools");
  const YAML::Node overflow = YamlReader::get(route, "overflow");
  const YAML::Node overflow_pool = overflow.IsMap() ? YamlReader::get(overflow, "pool") : YAML::Node();
  const bool overflow_kept = overflow_pool.IsDefined() && !is_removed(removed, overflow_pool);
  YAML::Node kept_pools(YAML::NodeType::Sequence);
  if (pools.IsSequence())
    for (const auto& p : pools)
      if (!is_removed(removed, p)) kept_pools.push_back(p);
  const bool pools_emptied = pools.IsSequence() && pools.size() > 0 && kept_pools.size() == 0;
  if (pools_emptied && !overflow_kept) return YAML::Node(YAML::NodeType::Undefined);

  YAML::Node copy(YAML::NodeType::Map);
  for (const auto& kv : route) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (key == "pools" && pools.IsSequence()) {
      if (pools_emptied) {
        // The overflow pool becomes the route's only pool.
        YAML::Node only(YAML::NodeType::Sequence);
        only.push_back(overflow_pool);
        copy.force_insert(kv.first, only);
      } else {
        copy.force_insert(kv.first, kept_pools);
      }
    } else if (key == "overflow" && (pools_emptied || !overflow_kept)) {
      continue;
    } else {
      copy.force_insert(kv.first, kv.second);
    }
  }
  return copy;
}

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> overrides_removing_pools(
    const std::string& scenario_path, const LoadOptions& options, const std::vector<std::string>& removed) {
  std::vector<std::pair<std::string, std::string>> out;
  if (removed.empty()) return out;
  // The same reading as the loader's, within the same limits: the file may
  // have changed since it was loaded.
  std::string why;
  const std::optional<std::string> text = read_input_file(scenario_path, why);
  if (!text) return std::nullopt;
  std::vector<Diagnostic> ignored;  // the loader reports these when the candidate is loaded
  YamlReader reader(scenario_path, ignored);
  const std::optional<YAML::Node> root = parse_yaml_document(reader, *text, "a scenario");
  if (!root) return std::nullopt;
  const auto selected = select_variant(reader, *root, options.variant);
  if (!selected) return std::nullopt;
  const OverrideOutcome edited = apply_overrides(*selected, options.overrides, ignored);
  if (!edited.document) return std::nullopt;
  const YAML::Node& document = *edited.document;

  const YAML::Node pools = YamlReader::get(YamlReader::get(document, "fleet"), "pools");
  if (pools.IsSequence()) {
    YAML::Node kept(YAML::NodeType::Sequence);
    for (const auto& pool : pools)
      if (!is_removed(removed, YamlReader::get(pool, "name"))) kept.push_back(pool);
    out.emplace_back("fleet.pools", flow(kept));
  }
  const YAML::Node routing = YamlReader::get(document, "routing");
  if (routing.IsSequence()) {
    YAML::Node kept(YAML::NodeType::Sequence);
    for (const auto& route : routing)
      if (YAML::Node r = route_without(route, removed); r.IsDefined()) kept.push_back(r);
    out.emplace_back("routing", flow(kept));
  }
  return out;
}

}  // namespace fleetsim
