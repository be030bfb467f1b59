#include "plan_reader.hpp"

#include <fmt/format.h>

#include "fleetsim/io/autoscale_reader.hpp"
#include "fleetsim/io/spelling.hpp"
#include "fleetsim/io/scenario_keys.hpp"

namespace fleetsim {
namespace {

constexpr const char* kPlanHint = "e.g. plan: {pools: {gpu: {min: 0, max: 8}, cpu: {min: 0, max: 40}}}";

std::optional<PlanPool> read_plan_pool(const ScenarioSoFar& scenario, const std::string& name, const YAML::Node& key,
                                       const YAML::Node& entry, const std::string& path) {
  YamlReader& r = scenario.reader();
  const std::size_t errors_before = r.error_count();
  const Pool* pool = scenario.find_pool(name);
  if (!pool) {
    r.error(key, path, fmt::format("no pool named \"{}\" in fleet.pools", name),
            did_you_mean_hint(name, scenario.pool_names(), "pools"));
  } else if (pool->autoscale) {
    // Its count is only where it starts, and what it costs is its node-hours.
    r.error(key, path,
            fmt::format("pool \"{}\" autoscales: plan chooses node counts, and an autoscaled pool's count is only "
                        "where it starts",
                        name),
            "plan the pool fixed (a variant without autoscale:), and compare it with autoscaled variants: "
            "fleetsim compare FILE --variants (docs/autoscaling.md)");
  }
  PlanPool plan;
  plan.pool = name;
  if (!r.expect_map(entry, path, "{min: 0, max: 8} and optionally hardware: [...], spares: K and autoscale: {...}"))
    return std::nullopt;
  r.check_keys(entry, path, scenario_keys("plan_pool"));
  if (const YAML::Node n = YamlReader::get(entry, "spares"))
    if (auto v = r.integer(n, child_path(path, "spares"), 0)) plan.spares = static_cast<int>(*v);
  if (const YAML::Node n = YamlReader::get(entry, "min"))
    if (auto v = r.integer(n, child_path(path, "min"), 0)) plan.min_count = static_cast<int>(*v);
  const YAML::Node max = r.require(entry, path, "max", "the most nodes the plan may give this pool");
  if (max.IsDefined()) {
    if (auto v = r.integer(max, child_path(path, "max"), 0)) {
      plan.max_count = static_cast<int>(*v);
      if (plan.max_count < plan.min_count)
        r.error(max, child_path(path, "max"), fmt::format("max {} is below min {}", plan.max_count, plan.min_count));
    }
  }
  if (const YAML::Node n = YamlReader::get(entry, "autoscale")) {
    // Read as a pool's own autoscale: a mistake shows here, at its line,
    // not after the search in the alternative's run.
    if (const auto a = read_autoscale(r, n, child_path(path, "autoscale"))) {
      YAML::Emitter flow;
      flow << YAML::Flow << n;
      plan.autoscale = flow.c_str();
      plan.autoscale_min = a->min_nodes;
      plan.autoscale_max = a->max_nodes;
    }
  }
  if (const YAML::Node n = YamlReader::get(entry, "hardware")) {
    const std::string hw_path = child_path(path, "hardware");
    if (auto names = r.name_list(n, hw_path)) {
      if (names->empty()) r.error(n, hw_path, "expected at least one hardware name, found an empty list");
      for (std::size_t i = 0; i < names->size(); ++i)
        if (const HardwareSpec* hw = scenario.resolve_hardware((*names)[i], n[i], index_path(hw_path, i)))
          plan.hardware.push_back({(*names)[i], hw->price_per_hour_usd});
      plan.hardware_listed = true;
    }
  } else if (pool) {
    plan.hardware.push_back({pool->hardware.name, pool->hardware.price_per_hour_usd});
  }
  if (r.error_count() != errors_before) return std::nullopt;
  return plan;
}

}  // namespace

std::optional<PlanSpec> read_plan(const ScenarioSoFar& scenario, const YAML::Node& section) {
  YamlReader& r = scenario.reader();
  const std::size_t errors_before = r.error_count();
  if (!r.expect_map(section, "plan", kPlanHint)) return std::nullopt;
  r.check_keys(section, "plan", scenario_keys("plan"));
  PlanSpec plan;
  const YAML::Node pools = r.require(section, "plan", "pools", kPlanHint);
  if (!pools.IsDefined()) return std::nullopt;
  if (!r.expect_map(pools, "plan.pools", kPlanHint)) return std::nullopt;
  r.check_unique_keys(pools, "plan.pools");
  for (const auto& kv : pools) {
    if (!kv.first.IsScalar()) continue;
    const std::string name = kv.first.Scalar();
    if (auto p = read_plan_pool(scenario, name, kv.first, kv.second, child_path("plan.pools", name)))
      plan.pools.push_back(std::move(*p));
  }
  if (pools.size() == 0) r.error(pools, "plan.pools", "expected at least one pool to plan", kPlanHint);
  // plan prices a fleet by node counts x hourly prices; an autoscaled pool's
  // price is its node-hours, known only after a run.
  for (const std::string& name : scenario.pool_names()) {
    const Pool* pool = scenario.find_pool(name);
    const bool planned = pools[name].IsDefined();
    if (pool && pool->autoscale && !planned)
      r.error(section, "plan",
              fmt::format("pool \"{}\" autoscales, and plan prices the fleets it compares by node counts: "
                          "an autoscaled pool's cost is known only after a run",
                          name),
              "plan the other pools in a variant where this one is fixed, or compare fleets with autoscaled "
              "pools by their reports: fleetsim compare FILE --variants (docs/autoscaling.md)");
  }
  if (r.error_count() != errors_before) return std::nullopt;
  return plan;
}

}  // namespace fleetsim
