#include "kv_tier_reader.hpp"

#include <fmt/format.h>

#include "fleetsim/core/kv_policy.hpp"
#include "fleetsim/io/spelling.hpp"
#include "scenario_words.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

const char* const kTierExample = "e.g. {name: host_dram, kind: host_dram, capacity: 1TiB, bandwidth: 63GB/s, "
                                 "latency: 10us}";

}  // namespace

std::optional<std::vector<KvTierSpec>> read_kv_tier_specs(YamlReader& r, const YAML::Node& list,
                                                          const std::string& path) {
  if (!r.expect_list(list, path, kTierExample)) return std::nullopt;
  const std::size_t errors_before = r.error_count();
  std::vector<KvTierSpec> tiers;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string item_path = index_path(path, i);
    if (!r.expect_map(item, item_path, kTierExample)) continue;
    r.check_keys(item, item_path, {"name", "kind", "capacity", "bandwidth", "latency"});
    KvTierSpec t;
    if (const YAML::Node n = r.require(item, item_path, "name", "the name a pool's engine uses it by"))
      if (auto v = r.name(n, child_path(item_path, "name"))) {
        t.name = *v;
        for (const KvTierSpec& before : tiers)
          if (before.name == t.name)
            r.error(n, child_path(item_path, "name"), fmt::format("KV tier \"{}\" is listed twice", t.name),
                    "give each tier of a node type its own name");
      }
    if (const YAML::Node n = r.require(item, item_path, "kind", "one of \"host_dram\", \"cxl\", \"nvme\""))
      if (auto v = r.choice(n, child_path(item_path, "kind"), kv_tier_kind_choices(), "KV tier kind")) t.kind = *v;
    if (const YAML::Node n =
            r.require(item, item_path, "capacity", "bytes of the tier one node gives to KV caches, e.g. 1TiB"))
      if (auto v = r.quantity(n, child_path(item_path, "capacity"), Dimension::bytes, greater_than(0)))
        t.capacity_bytes = *v;
    if (const YAML::Node n = r.require(item, item_path, "bandwidth",
                                       "per direction, of one device's link to the tier, e.g. 63GB/s for PCIe Gen5 x16"))
      if (auto v = r.quantity(n, child_path(item_path, "bandwidth"), Dimension::bandwidth, greater_than(0)))
        t.bandwidth_bps = *v;
    if (const YAML::Node n = r.require(item, item_path, "latency", "per transfer, e.g. 10us"))
      if (auto v = r.quantity(n, child_path(item_path, "latency"), Dimension::duration, at_least(0)))
        t.latency_s = *v;
    tiers.push_back(t);
  }
  if (r.error_count() != errors_before) return std::nullopt;
  return tiers;
}

std::vector<EngineSettings::KvTierUse> read_kv_tier_uses(YamlReader& r, const YAML::Node& list,
                                                         const std::string& path, KvTierUseSites& sites) {
  std::vector<EngineSettings::KvTierUse> uses;
  sites.list = list;
  if (!r.expect_list(list, path, "name tiers of the node type, top first, e.g. [host_dram]")) return uses;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string item_path = index_path(path, i);
    EngineSettings::KvTierUse use;
    YAML::Node name = item;
    std::string name_path = item_path;
    if (item.IsMap() && YamlReader::get(item, "store").IsDefined()) {
      // A remote KV store: resolved against fleet.kv_stores once the fleet is read.
      check_scenario_keys(r, item, item_path, "kv_store_use");
      name = item["store"];
      name_path = child_path(item_path, "store");
      use.remote_store = true;
    } else if (item.IsMap()) {
      check_scenario_keys(r, item, item_path, "kv_tier_use");
      name = r.require(item, item_path, "tier", "the name of one of the node type's kv_tiers");
      name_path = child_path(item_path, "tier");
      if (const YAML::Node ttl = YamlReader::get(item, "ttl"))
        if (auto v = r.quantity(ttl, child_path(item_path, "ttl"), Dimension::duration, greater_than(0)))
          use.ttl_s = *v;
    }
    if (!name.IsDefined()) continue;
    if (auto v = r.name(name, name_path)) use.tier = *v;
    uses.push_back(use);
    sites.tiers.push_back(name);
  }
  return uses;
}

void check_kv_tier_uses(YamlReader& r, const Pool& pool, const KvTierUseSites& sites, const std::string& path,
                        const YAML::Node& retention) {
  const std::vector<EngineSettings::KvTierUse>& uses = pool.engine.kv_tiers;
  if (uses.empty()) return;
  // A policy that keeps nothing leaves the tiers nothing to hold.
  const KvRetentionInfo* policy = find_kv_retention_policy(pool.engine.kv_retention);
  if (policy && !policy->make(pool.engine).keeps)
    r.error(retention.IsDefined() ? retention : sites.list, child_path(path, "kv_retention"),
            fmt::format("kv_tiers needs retained caches, but kv_retention is {}", pool.engine.kv_retention),
            "use kv_retention: lru (or ttl): the tiers hold the caches device memory drops");
  std::vector<std::string> known;
  for (const KvTierSpec& t : pool.hardware.kv_tiers) known.push_back(t.name);
  for (std::size_t i = 0; i < uses.size() && i < sites.tiers.size(); ++i) {
    const std::string item_path = index_path(child_path(path, "kv_tiers"), i);
    const std::string& name = uses[i].tier;
    if (name.empty()) continue;
    if (uses[i].remote_store) {  // the store itself is resolved with the fleet (kv_store_reader.cpp)
      if (i + 1 != uses.size())
        r.error(sites.tiers[i], item_path,
                fmt::format("remote KV store \"{}\" is not the last of pool \"{}\"'s kv_tiers", name, pool.name),
                "list the store last: caches move down from the node's own tiers into the store");
      continue;
    }
    for (std::size_t j = 0; j < i; ++j)
      if (uses[j].tier == name)
        r.error(sites.tiers[i], item_path, fmt::format("KV tier \"{}\" is named twice", name),
                "a cache moves down each tier once; list each tier once, top first");
    bool found = false;
    for (const std::string& k : known) found |= k == name;
    if (found) continue;
    std::string hint;
    if (known.empty())
      hint = fmt::format("\"{}\" has no kv_tiers; give the node type some in the scenario's `hardware:` "
                         "(catalog: {} and kv_tiers: [...])",
                         pool.hardware.name, pool.hardware.name);
    else if (auto match = closest_match(name, known))
      hint = "did you mean \"" + *match + "\"?";
    else
      hint = "known: " + quoted_list(known);
    r.error(sites.tiers[i], item_path,
            fmt::format("pool \"{}\" names KV tier \"{}\", which node type \"{}\" does not have", pool.name, name,
                        pool.hardware.name),
            hint);
  }
}

}  // namespace fleetsim
