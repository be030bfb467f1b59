#include "fleetsim/io/autoscale_reader.hpp"

#include <fmt/format.h>

#include "fleetsim/core/autoscale_policy.hpp"
#include "fleetsim/core/units.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

Choices<std::string> policy_choices() {
  Choices<std::string> choices;
  for (const std::string& name : autoscale_policy_names()) choices.emplace_back(name, name);
  return choices;
}

void read_schedule(YamlReader& r, const YAML::Node& list, const std::string& path, AutoscaleSpec& a) {
  if (!r.expect_list(list, path, "e.g. schedule: [{at: 0h, nodes: 2}, {at: 8h, nodes: 10}, {at: 20h, nodes: 2}]"))
    return;
  if (list.size() == 0) r.error(list, path, "expected at least one entry, found an empty list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = index_path(path, i);
    if (!r.expect_map(list[i], item, "e.g. {at: 8h, nodes: 10}")) continue;
    check_scenario_keys(r, list[i], item, "schedule_entry");
    AutoscaleSpec::ScheduleEntry e;
    bool ok = true;
    if (const YAML::Node n = r.require(list[i], item, "at", "the time from the run's start, e.g. 8h")) {
      if (auto v = r.quantity(n, child_path(item, "at"), Dimension::duration, at_least(0))) {
        e.at_s = *v;
        if (!a.schedule.empty() && e.at_s <= a.schedule.back().at_s) {
          r.error(n, child_path(item, "at"),
                  fmt::format("entries must be in time order: {} is not after the entry before it",
                              format_quantity(e.at_s, Dimension::duration)),
                  "list the schedule's entries from the earliest to the latest");
          ok = false;
        }
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    if (const YAML::Node n = r.require(list[i], item, "nodes")) {
      if (auto v = r.integer(n, child_path(item, "nodes"), 0)) e.nodes = static_cast<int>(*v);
      else ok = false;
    } else {
      ok = false;
    }
    if (ok) a.schedule.push_back(e);
  }
}

// `policy:`, checked against the registry; nullptr when missing or unknown.
const AutoscalePolicyInfo* read_policy(YamlReader& r, const YAML::Node& map, const std::string& path,
                                       AutoscaleSpec& a) {
  if (const YAML::Node n = r.require(map, path, "policy", fmt::format("one of {}", fmt::join(autoscale_policy_names(), ", "))))
    if (auto v = r.choice(n, child_path(path, "policy"), policy_choices(), "autoscaling policy")) {
      a.policy = *v;
      return find_autoscale_policy(a.policy);
    }
  return nullptr;
}

// `target:`, which the policy needs or refuses, in the unit the policy reads it in.
void read_target(YamlReader& r, const YAML::Node& map, const std::string& path, const AutoscalePolicyInfo* info,
                 AutoscaleSpec& a) {
  const YAML::Node target = YamlReader::get(map, "target");
  if (info && info->needs_target && !target.IsDefined())
    r.error(map, path, fmt::format("the {} policy needs a target", a.policy),
            fmt::format("e.g. {}", info->target_example));
  if (info && !info->needs_target && target.IsDefined())
    r.error(target, child_path(path, "target"), fmt::format("the {} policy reads no target", a.policy),
            "a schedule gives node counts; remove target");
  if (target.IsDefined() && info && info->needs_target) {
    const Bounds bounds = info->target_is_fraction ? in_range(0, 1, true, false) : greater_than(0);
    const std::string target_path = child_path(path, "target");
    if (info->target_dimension == Dimension::dimensionless) {
      if (auto v = r.number(target, target_path, bounds)) a.target = *v;
    } else if (auto v = r.quantity(target, target_path, info->target_dimension, bounds)) {
      a.target = *v;
    }
  }
}

void read_node_bounds(YamlReader& r, const YAML::Node& map, const std::string& path, AutoscaleSpec& a) {
  const YAML::Node min = r.require(map, path, "min", "the fewest nodes the pool keeps, at least 1");
  if (min.IsDefined())
    if (auto v = r.integer(min, child_path(path, "min"), 1)) a.min_nodes = static_cast<int>(*v);
  const YAML::Node max = r.require(map, path, "max", "the most nodes the pool may hold");
  if (max.IsDefined())
    if (auto v = r.integer(max, child_path(path, "max"), 1)) {
      a.max_nodes = static_cast<int>(*v);
      if (a.max_nodes < a.min_nodes) r.error(max, child_path(path, "max"), fmt::format("max {} is below min {}", a.max_nodes, a.min_nodes));
    }
}

// How often the policy looks and how fast nodes come and go.
void read_pacing(YamlReader& r, const YAML::Node& map, const std::string& path, AutoscaleSpec& a) {
  if (const YAML::Node n = YamlReader::get(map, "interval"))
    if (auto v = r.quantity(n, child_path(path, "interval"), Dimension::duration, greater_than(0))) a.interval_s = *v;
  if (const YAML::Node n = YamlReader::get(map, "tolerance"))
    if (auto v = r.number(n, child_path(path, "tolerance"), in_range(0, 1, false, true))) a.tolerance = *v;
  if (const YAML::Node n = YamlReader::get(map, "scale_in_window"))
    if (auto v = r.quantity(n, child_path(path, "scale_in_window"), Dimension::duration, at_least(0)))
      a.scale_in_window_s = *v;
  if (const YAML::Node n = YamlReader::get(map, "startup"))
    if (auto v = r.quantity(n, child_path(path, "startup"), Dimension::duration, at_least(0))) a.startup_s = *v;
  if (const YAML::Node n = YamlReader::get(map, "load_bandwidth"))
    if (auto v = r.quantity(n, child_path(path, "load_bandwidth"), Dimension::bandwidth, at_least(0)))
      a.load_bandwidth_bytes_per_s = *v;
}

// `schedule:` and its `repeat:`, which the policy needs or refuses; returns
// the schedule's node (undefined when absent) for later messages.
YAML::Node read_schedule_keys(YamlReader& r, const YAML::Node& map, const std::string& path,
                              const AutoscalePolicyInfo* info, AutoscaleSpec& a) {
  const YAML::Node schedule = YamlReader::get(map, "schedule");
  if (info && info->needs_schedule && !schedule.IsDefined())
    r.error(map, path, "the schedule policy needs a schedule", "e.g. schedule: [{at: 0h, nodes: 2}, {at: 8h, nodes: 10}]");
  if (schedule.IsDefined()) {
    if (info && !info->needs_schedule)
      r.error(schedule, child_path(path, "schedule"), fmt::format("the {} policy reads no schedule", a.policy),
              "use policy: schedule, or remove schedule");
    else
      read_schedule(r, schedule, child_path(path, "schedule"), a);
  }
  if (const YAML::Node n = YamlReader::get(map, "repeat")) {
    if (!schedule.IsDefined())
      r.error(n, child_path(path, "repeat"), "repeat applies only with a schedule");
    else if (auto v = r.quantity(n, child_path(path, "repeat"), Dimension::duration, greater_than(0))) {
      a.schedule_period_s = *v;
      if (!a.schedule.empty() && a.schedule.back().at_s >= a.schedule_period_s)
        r.error(n, child_path(path, "repeat"),
                fmt::format("the schedule's last entry ({}) is not within one period",
                            format_quantity(a.schedule.back().at_s, Dimension::duration)),
                "every entry's time must be less than repeat");
    }
  }
  return schedule;
}

}  // namespace

std::optional<AutoscaleSpec> read_autoscale(YamlReader& r, const YAML::Node& map, const std::string& path) {
  if (!r.expect_map(map, path, "e.g. autoscale: {policy: utilization, target: 0.6, min: 1, max: 20}"))
    return std::nullopt;
  check_scenario_keys(r, map, path, "autoscale");
  const std::size_t errors = r.error_count();
  AutoscaleSpec a;
  const AutoscalePolicyInfo* info = read_policy(r, map, path, a);
  read_target(r, map, path, info, a);
  read_node_bounds(r, map, path, a);
  read_pacing(r, map, path, a);
  if (const YAML::Node n = YamlReader::get(map, "percentile")) {
    if (info && !info->reads_percentile())
      r.error(n, child_path(path, "percentile"), fmt::format("the {} policy reads no percentile", a.policy),
              "use policy: queue_delay_percentile or ttft_percentile, or remove percentile");
    else if (auto v = r.number(n, child_path(path, "percentile"), in_range(0, 100, true, false)))
      a.percentile = *v;
  }
  const YAML::Node schedule = read_schedule_keys(r, map, path, info, a);
  // Checked only once every figure read: the bounds must be known.
  if (r.error_count() == errors)
    for (std::size_t i = 0; i < a.schedule.size(); ++i)
      if (a.schedule[i].nodes < a.min_nodes || a.schedule[i].nodes > a.max_nodes)
        r.error(schedule[i]["nodes"], index_path(child_path(path, "schedule"), i) + ".nodes",
                fmt::format("{} nodes is outside min..max ({}..{})", a.schedule[i].nodes, a.min_nodes, a.max_nodes));
  if (r.error_count() != errors) return std::nullopt;
  return a;
}

}  // namespace fleetsim
