#include "scenario_words.hpp"

#include "fleetsim/core/kv_policy.hpp"

namespace fleetsim {

// The retention registry's names, each standing for itself.
const Choices<std::string>& kv_retention_choices() {
  static const Choices<std::string> choices = [] {
    Choices<std::string> words;
    for (const std::string& name : kv_retention_policy_names()) words.emplace_back(name, name);
    return words;
  }();
  return choices;
}

const Choices<PoolRole>& pool_role_choices() {
  static const Choices<PoolRole> choices = {
      {"unified", PoolRole::unified}, {"prefill", PoolRole::prefill}, {"decode", PoolRole::decode}};
  return choices;
}

const Choices<PowerCapResponse>& power_cap_response_choices() {
  static const Choices<PowerCapResponse> choices = {{"delay", PowerCapResponse::delay},
                                                    {"lower_clocks", PowerCapResponse::lower_clocks}};
  return choices;
}

const Choices<NetworkTopology>& network_topology_choices() {
  static const Choices<NetworkTopology> choices = {{"star", NetworkTopology::star},
                                                   {"two_level", NetworkTopology::two_level}};
  return choices;
}

const Choices<bool>& rack_sharing_choices() {
  static const Choices<bool> choices = {{"shared", false}, {"per_pool", true}};
  return choices;
}

const Choices<ToolDiscipline>& tool_discipline_choices() {
  static const Choices<ToolDiscipline> choices = {{"fifo", ToolDiscipline::fifo},
                                                  {"processor_sharing", ToolDiscipline::processor_sharing}};
  return choices;
}

// A remote KV store (a pool of fleet nodes) is a later kind: it needs its
// transfers on the fleet's network (issue 14).
const Choices<KvTierKind>& kv_tier_kind_choices() {
  static const Choices<KvTierKind> choices = {
      {"host_dram", KvTierKind::host_dram}, {"cxl", KvTierKind::cxl}, {"nvme", KvTierKind::nvme}};
  return choices;
}

const Choices<FailureSpec::Distribution>& failure_distribution_choices() {
  static const Choices<FailureSpec::Distribution> choices = {
      {"exponential", FailureSpec::Distribution::exponential}, {"weibull", FailureSpec::Distribution::weibull}};
  return choices;
}

const Choices<FailureSpec::Scope>& failure_scope_choices() {
  static const Choices<FailureSpec::Scope> choices = {{"node", FailureSpec::Scope::node},
                                                     {"replica", FailureSpec::Scope::replica}};
  return choices;
}

const Choices<Pricing>& pricing_choices() {
  static const Choices<Pricing> choices = {{"cloud", Pricing::cloud}, {"owned", Pricing::owned}};
  return choices;
}

const Choices<TraceTimeUnit>& trace_time_unit_choices() {
  static const Choices<TraceTimeUnit> choices = {
      {"s", TraceTimeUnit::seconds}, {"ms", TraceTimeUnit::milliseconds}, {"datetime", TraceTimeUnit::datetime}};
  return choices;
}

const Choices<TracePacing>& trace_pacing_choices() {
  static const Choices<TracePacing> choices = {{"timestamp", TracePacing::timestamp},
                                               {"think_time", TracePacing::think_time}};
  return choices;
}

const Choices<DeviceKind>& device_kind_choices() {
  static const Choices<DeviceKind> choices = {
      {"cpu", DeviceKind::cpu}, {"gpu", DeviceKind::gpu}, {"accelerator", DeviceKind::accelerator}};
  return choices;
}

const Choices<InterconnectTopology>& interconnect_topology_choices() {
  static const Choices<InterconnectTopology> choices = {{"switched", InterconnectTopology::switched},
                                                        {"full_mesh", InterconnectTopology::full_mesh}};
  return choices;
}

const Choices<Distribution::Kind>& distribution_kind_choices() {
  using Kind = Distribution::Kind;
  static const Choices<Kind> choices = {{"fixed", Kind::fixed},         {"uniform", Kind::uniform},
                                        {"normal", Kind::normal},       {"lognormal", Kind::lognormal},
                                        {"exponential", Kind::exponential}, {"empirical", Kind::empirical}};
  return choices;
}

}  // namespace fleetsim
