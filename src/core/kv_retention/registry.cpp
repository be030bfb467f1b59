// The registry of KV retention policies: a policy's keyword, its one-line
// description, whether it reads kv_ttl, and its factory (defined in the
// policy's own file).
#include <stdexcept>

#include <fmt/format.h>

#include "fleetsim/core/kv_policy.hpp"
#include "fleetsim/core/scenario.hpp"
#include "../registry_lookup.hpp"

namespace fleetsim {

KvRetentionPolicy make_none_retention(const EngineSettings& engine);
KvRetentionPolicy make_lru_retention(const EngineSettings& engine);
KvRetentionPolicy make_ttl_retention(const EngineSettings& engine);
KvRetentionPolicy make_tool_gap_retention(const EngineSettings& engine);
KvRetentionPolicy make_idleness_retention(const EngineSettings& engine);

namespace {

// The order is the scenario words' order (docs, messages, JSON Schema).
constexpr KvRetentionInfo kRetentionPolicies[] = {
    {"none", "free the KV cache as soon as the call ends", false, make_none_retention},
    {"lru", "keep it until memory is needed, evicting the least recently used first", false, make_lru_retention},
    {"ttl", "keep it for at most kv_ttl, and evict earlier (LRU) under memory pressure", true, make_ttl_retention},
    {"tool_gap",
     "keep it while the session goes on (through its tool calls), free it when the session ends or its next call "
     "goes to another replica; evict (LRU) under memory pressure",
     false, make_tool_gap_retention},
    {"idleness",
     "as tool_gap, but under memory pressure evict first the session idle (waiting on tools) for the largest "
     "fraction of its time so far",
     false, make_idleness_retention},
};

}  // namespace

std::span<const KvRetentionInfo> kv_retention_policies() { return kRetentionPolicies; }

std::vector<std::string> kv_retention_policy_names() { return registry_names(kRetentionPolicies); }

const KvRetentionInfo* find_kv_retention_policy(std::string_view name) { return registry_find(kRetentionPolicies, name); }

KvRetentionPolicy make_kv_retention_policy(const EngineSettings& engine) {
  if (const KvRetentionInfo* p = find_kv_retention_policy(engine.kv_retention)) return p->make(engine);
  throw std::invalid_argument(fmt::format("unknown KV retention policy \"{}\" (registered: {})", engine.kv_retention,
                                          fmt::join(kv_retention_policy_names(), ", ")));
}

}  // namespace fleetsim
