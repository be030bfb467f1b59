// KV tiers below device memory in YAML: a node type's `kv_tiers:` list (the
// catalog and a scenario's `hardware:` alike) and a pool engine's choice of
// them (`engine: {kv_tiers: [...]}`); docs/scenario-format.md, "kv_tiers".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/scenario.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// A hardware entry's `kv_tiers:`: a list of {name, kind, capacity, bandwidth,
// latency}, every key required. nullopt if anything was wrong.
std::optional<std::vector<KvTierSpec>> read_kv_tier_specs(YamlReader& reader, const YAML::Node& list,
                                                          const std::string& path);

// Where an engine's `kv_tiers` came from, for the checks against the node.
struct KvTierUseSites {
  YAML::Node list;
  std::vector<YAML::Node> tiers;  // each item's tier name
};

// An engine's `kv_tiers:`: a list of tier names, or of {tier, ttl} maps.
std::vector<EngineSettings::KvTierUse> read_kv_tier_uses(YamlReader& reader, const YAML::Node& list,
                                                         const std::string& path, KvTierUseSites& sites);

// The engine's tiers against the pool's node type and retention: each name
// one of the node's tiers, none twice, and retention that keeps caches.
void check_kv_tier_uses(YamlReader& reader, const Pool& pool, const KvTierUseSites& sites,
                        const std::string& path, const YAML::Node& retention);

}  // namespace fleetsim
