#include "kv_store_reader.hpp"

#include <fmt/format.h>

#include "fleetsim/io/spelling.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

// As for tool pools: far beyond any fleet, and a typo allocates nothing.
constexpr std::int64_t kMaxKvStoreNodes = 1'000'000;

const char* const kStoreExample = "e.g. {name: kv-store, hardware: graviton4-r8g.16xlarge, count: 2, memory: 400GiB}";

void read_kv_store(ScenarioContext& ctx, const YAML::Node& node, const std::string& path) {
  YamlReader& r = ctx.reader;
  KvStoreSpec store;
  check_scenario_keys(r, node, path, "kv_store");
  if (const YAML::Node n = r.require(node, path, "name", "the name pools' engines give in kv_tiers: [{store: NAME}]"))
    if (auto name = r.name(n, child_path(path, "name"))) {
      store.name = *name;
      for (const KvStoreSpec& before : ctx.scenario.kv_stores)
        if (before.name == *name)
          r.error(n, child_path(path, "name"), fmt::format("KV store \"{}\" is declared twice", *name),
                  "give each store its own name");
    }
  bool hardware_ok = false;
  if (const YAML::Node n = r.require(node, path, "hardware", "a CPU node type, e.g. graviton4-c8g.48xlarge")) {
    const std::string hw_path = child_path(path, "hardware");
    const auto name = r.name(n, hw_path);
    const HardwareSpec* hw = name ? ctx.resolve_hardware({*name, n, hw_path}) : nullptr;
    if (hw && hw->kind != DeviceKind::cpu) {
      r.error(n, hw_path, fmt::format("a KV store holds caches in host memory, but \"{}\" is a {} node", hw->name,
                                      to_string(hw->kind)),
              "name a cpu entry (fleetsim catalog lists them), e.g. a memory-optimized Graviton node");
    } else if (hw && hw->network_bandwidth_bps <= 0.0) {
      r.error(n, hw_path,
              fmt::format("a KV store sends caches over the network, but \"{}\" has no network_bandwidth", hw->name),
              "set network_bandwidth (and network_latency) in the hardware entry or a scenario override");
    } else if (hw) {
      store.hardware = *hw;
      hardware_ok = true;
    }
  }
  if (const YAML::Node n = r.require(node, path, "count", "the number of nodes"))
    if (auto v = r.integer(n, child_path(path, "count"), 1, kMaxKvStoreNodes)) store.count = static_cast<int>(*v);
  if (const YAML::Node n = r.require(node, path, "memory", "of each node's memory, what holds KV caches, e.g. 400GiB"))
    if (auto v = r.quantity(n, child_path(path, "memory"), Dimension::bytes, greater_than(0))) {
      store.memory_per_node_bytes = *v;
      const double node_memory = store.hardware.devices * store.hardware.memory_capacity_bytes;
      if (hardware_ok && *v > node_memory)
        r.error(n, child_path(path, "memory"),
                fmt::format("KV store \"{}\" gives {} of each node to KV caches, but a \"{}\" node has {}",
                            store.name, format_quantity(*v, Dimension::bytes), store.hardware.name,
                            format_quantity(node_memory, Dimension::bytes)),
                "give at most the node's memory, less what its OS and store software need");
    }
  ctx.scenario.kv_stores.push_back(std::move(store));
}

// The pools sharing store `k` against the first of them: each cache is a
// replica's blocks of one model, reloaded as they were stored.
void check_store_sharing(ScenarioContext& ctx, std::size_t k) {
  YamlReader& r = ctx.reader;
  const Pool* first = nullptr;
  for (std::size_t p = 0; p < ctx.scenario.pools.size(); ++p) {
    const Pool& pool = ctx.scenario.pools[p];
    const PoolSite& site = ctx.pool_sites[p];
    if (pool.kv_store() != static_cast<int>(k)) continue;
    const std::string& store = ctx.scenario.kv_stores[k].name;
    if (pool.role != PoolRole::unified) {
      r.error(site.kv_store, site.kv_store_path,
              fmt::format("pool \"{}\" is a {} pool; a remote KV store serves unified pools only", pool.name,
                          pool.role == PoolRole::prefill ? "prefill" : "decode"),
              "give the store to unified pools, or remove it here (disaggregated pools move KV caches to each other)");
      continue;
    }
    if (pool.hardware.network_bandwidth_bps <= 0.0) {
      r.error(site.kv_store, site.kv_store_path,
              fmt::format("pool \"{}\" reloads caches from KV store \"{}\" over the network, but \"{}\" has no "
                          "network_bandwidth",
                          pool.name, store, pool.hardware.name),
              "set network_bandwidth (and network_latency) in the hardware entry or a scenario override");
      continue;
    }
    if (pool.models.size() != 1) {
      r.error(site.kv_store, site.kv_store_path,
              fmt::format("pool \"{}\" serves {} models; a remote KV store holds one model's caches", pool.name,
                          pool.models.size()),
              "name the store from pools that serve one model");
      continue;
    }
    if (first == nullptr) {
      first = &pool;
      continue;
    }
    if (pool.models.front() != first->models.front())
      r.error(site.kv_store, site.kv_store_path,
              fmt::format("KV store \"{}\" is shared by pool \"{}\" (model {}) and pool \"{}\" (model {})", store,
                          first->name, first->models.front(), pool.name, pool.models.front()),
              "a cache is one model's keys and values; declare one store per model");
    else if (pool.engine.kv_block_tokens != first->engine.kv_block_tokens)
      r.error(site.kv_store, site.kv_store_path,
              fmt::format("KV store \"{}\" is shared by pools \"{}\" and \"{}\" with kv_block_tokens {} and {}", store,
                          first->name, pool.name, first->engine.kv_block_tokens, pool.engine.kv_block_tokens),
              "give the pools sharing a store one kv_block_tokens");
  }
}

}  // namespace

void read_kv_stores(ScenarioContext& ctx, const YAML::Node& list) {
  YamlReader& r = ctx.reader;
  if (!r.expect_items(list, "fleet.kv_stores", "KV store")) return;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path("fleet.kv_stores", i);
    if (!r.expect_map(list[i], path, kStoreExample)) continue;
    read_kv_store(ctx, list[i], path);
  }
}

void resolve_kv_store_uses(ScenarioContext& ctx) {
  YamlReader& r = ctx.reader;
  std::vector<std::string> known;
  for (const KvStoreSpec& s : ctx.scenario.kv_stores) known.push_back(s.name);
  for (std::size_t p = 0; p < ctx.scenario.pools.size() && p < ctx.pool_sites.size(); ++p) {
    Pool& pool = ctx.scenario.pools[p];
    const PoolSite& site = ctx.pool_sites[p];
    if (pool.engine.kv_tiers.empty() || !pool.engine.kv_tiers.back().remote_store || !site.kv_store.IsDefined())
      continue;
    EngineSettings::KvTierUse& use = pool.engine.kv_tiers.back();
    for (std::size_t k = 0; k < known.size(); ++k)
      if (known[k] == use.tier) use.store = static_cast<int>(k);
    if (use.store >= 0) continue;
    std::string hint = known.empty() ? fmt::format("declare it under fleet.kv_stores, {}", kStoreExample)
                                     : did_you_mean_hint(use.tier, known, "KV stores");
    r.error(site.kv_store, site.kv_store_path,
            fmt::format("pool \"{}\" names KV store \"{}\", which fleet.kv_stores does not declare", pool.name,
                        use.tier),
            hint);
  }
  for (std::size_t k = 0; k < ctx.scenario.kv_stores.size(); ++k) check_store_sharing(ctx, k);
}

}  // namespace fleetsim
