// The words a scenario file accepts for its enumerated settings (`kv_retention:
// lru`, `role: decode`, ...). The readers parse with these tables and the JSON
// Schema lists them, so that an editor offers exactly what the loader takes.
// Words that come from a registry (routing and autoscaling policies, arrival
// processes, trace formats) are listed by their registries instead.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/core/distribution.hpp"
#include "fleetsim/core/failure_spec.hpp"
#include "fleetsim/core/hardware.hpp"
#include "fleetsim/core/kv_tier.hpp"
#include "fleetsim/core/request_trace.hpp"
#include "fleetsim/core/scenario.hpp"
#include "request_trace_reader.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// KV retention comes from its registry (kv_policy.hpp), as words standing for themselves.
const Choices<std::string>& kv_retention_choices();
const Choices<PoolRole>& pool_role_choices();
const Choices<PowerCapResponse>& power_cap_response_choices();
const Choices<NetworkTopology>& network_topology_choices();
// fleet.network.racks: filled across pools, or one pool per rack (true).
const Choices<bool>& rack_sharing_choices();
const Choices<ToolDiscipline>& tool_discipline_choices();
const Choices<KvTierKind>& kv_tier_kind_choices();
const Choices<FailureSpec::Distribution>& failure_distribution_choices();
const Choices<FailureSpec::Scope>& failure_scope_choices();
const Choices<Pricing>& pricing_choices();
const Choices<TraceTimeUnit>& trace_time_unit_choices();
const Choices<TracePacing>& trace_pacing_choices();
const Choices<DeviceKind>& device_kind_choices();
const Choices<InterconnectTopology>& interconnect_topology_choices();
const Choices<Distribution::Kind>& distribution_kind_choices();

// The words of a table, in its order.
template <typename E>
std::vector<std::string> choice_words(const Choices<E>& choices) {
  std::vector<std::string> words;
  for (const auto& c : choices) words.push_back(c.first);
  return words;
}

}  // namespace fleetsim
