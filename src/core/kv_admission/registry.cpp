// The registry of KV admission policies: a policy's keyword, its one-line
// description and its factory (defined in the policy's own file).
#include <stdexcept>

#include <fmt/format.h>

#include "fleetsim/core/kv_policy.hpp"
#include "fleetsim/core/scenario.hpp"
#include "../registry_lookup.hpp"

namespace fleetsim {

KvAdmissionPolicy make_on_demand_admission(const EngineSettings& engine);
KvAdmissionPolicy make_reserve_output_admission(const EngineSettings& engine);

namespace {

// The order is the scenario words' order (docs, messages, JSON Schema).
constexpr KvAdmissionInfo kAdmissionPolicies[] = {
    {"on_demand", "blocks for the prompt now and more as decode grows, preempting when memory runs out",
     make_on_demand_admission},
    {"reserve_output", "blocks for the whole prompt and output up front: a running call never grows",
     make_reserve_output_admission},
};

}  // namespace

std::span<const KvAdmissionInfo> kv_admission_policies() { return kAdmissionPolicies; }

std::vector<std::string> kv_admission_policy_names() { return registry_names(kAdmissionPolicies); }

const KvAdmissionInfo* find_kv_admission_policy(std::string_view name) { return registry_find(kAdmissionPolicies, name); }

KvAdmissionPolicy make_kv_admission_policy(const EngineSettings& engine) {
  if (const KvAdmissionInfo* p = find_kv_admission_policy(engine.kv_admission)) return p->make(engine);
  throw std::invalid_argument(fmt::format("unknown KV admission policy \"{}\" (registered: {})", engine.kv_admission,
                                          fmt::join(kv_admission_policy_names(), ", ")));
}

}  // namespace fleetsim
