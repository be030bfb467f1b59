#include "power_cap_reader.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fleetsim/core/report_builder.hpp"  // fleet_starting_baseline_power_w, largest_replica_draw_w
#include "fleetsim/core/units.hpp"
#include "scenario_words.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

// One step read, with the node its power came from (for the check against the baseline).
struct StepRead {
  PowerCapStep step;
  YAML::Node power;
  std::string path;
};

// `schedule:` a list of {at, power}, the first at 0s, in time order; with
// `repeat`, every `at` within the period.
bool read_cap_schedule(YamlReader& r, const YAML::Node& list, const std::string& path, double repeat_s,
                       std::vector<StepRead>& steps) {
  if (!r.expect_list(list, path, "e.g. schedule: [{at: 0h, power: 14kW}, {at: 8h, power: 10kW}]")) return false;
  if (list.size() == 0) r.error(list, path, "expected at least one entry, found an empty list");
  bool ok = list.size() > 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = index_path(path, i);
    if (!r.expect_map(list[i], item, "e.g. {at: 8h, power: 10kW}")) {
      ok = false;
      continue;
    }
    check_scenario_keys(r, list[i], item, "power_cap_step");
    const YAML::Node at = r.require(list[i], item, "at", "the time from the run's start, e.g. 8h");
    const YAML::Node power = r.require(list[i], item, "power", "the cap from then on, e.g. 10kW");
    PowerCapStep step;
    bool read = at && power;
    if (at) {
      if (auto v = r.quantity(at, child_path(item, "at"), Dimension::duration, at_least(0))) step.at_s = *v;
      else read = false;
    }
    if (power) {
      if (auto v = r.quantity(power, child_path(item, "power"), Dimension::power, greater_than(0))) step.cap_w = *v;
      else read = false;
    }
    if (!read) {
      ok = false;
      continue;
    }
    const std::string at_path = child_path(item, "at");
    const double at_s = step.at_s;
    if (i == 0 && at_s != 0.0) {
      r.error(at, at_path, "the first entry must be at 0s: the cap must hold from the run's start",
              "add {at: 0s, power: ...} first");
      ok = false;
    } else if (!steps.empty() && at_s <= steps.back().step.at_s) {
      r.error(at, at_path,
              fmt::format("entries must be in time order: {} is not after the entry before it",
                          format_quantity(at_s, Dimension::duration)),
              "list the schedule's entries from the earliest to the latest");
      ok = false;
    } else if (repeat_s > 0.0 && at_s >= repeat_s) {
      r.error(at, at_path,
              fmt::format("{} is not within the repeat period of {}", format_quantity(at_s, Dimension::duration),
                          format_quantity(repeat_s, Dimension::duration)),
              "every at must be less than repeat");
      ok = false;
    }
    steps.push_back({step, power, child_path(item, "power")});
  }
  return ok;
}

// The map form: exactly one of `power` and `schedule`, `repeat` only with a
// schedule, and `response`.
bool read_cap_map(YamlReader& r, const YAML::Node& map, const std::string& path, PowerCapSpec& spec,
                  std::vector<StepRead>& steps) {
  check_scenario_keys(r, map, path, "power_cap");
  const YAML::Node power = YamlReader::get(map, "power");
  const YAML::Node schedule = YamlReader::get(map, "schedule");
  const YAML::Node repeat = YamlReader::get(map, "repeat");
  bool ok = true;
  if (const YAML::Node n = YamlReader::get(map, "response")) {
    if (auto v = r.choice(n, child_path(path, "response"), power_cap_response_choices(), "power cap response"))
      spec.response = *v;
    else
      ok = false;
  }
  if (power.IsDefined() == schedule.IsDefined()) {
    r.error(map, path, power.IsDefined() ? "give power or schedule, not both" : "the cap needs power or schedule",
            "e.g. power_cap: {power: 14kW, response: lower_clocks}, or power_cap: {schedule: [{at: 0h, power: "
            "14kW}, {at: 8h, power: 10kW}], repeat: 1d}");
    return false;
  }
  if (repeat.IsDefined()) {
    if (power.IsDefined()) {
      r.error(repeat, child_path(path, "repeat"), "repeat applies only with a schedule", "remove repeat, or give schedule");
      return false;
    }
    if (auto v = r.quantity(repeat, child_path(path, "repeat"), Dimension::duration, greater_than(0)))
      spec.repeat_s = *v;
    else
      return false;
  }
  if (schedule.IsDefined()) return read_cap_schedule(r, schedule, child_path(path, "schedule"), spec.repeat_s, steps) && ok;
  const std::string power_path = child_path(path, "power");
  const auto cap = r.quantity(power, power_path, Dimension::power, greater_than(0));
  if (!cap) return false;
  steps.push_back({{0.0, *cap}, power, power_path});
  return ok;
}

}  // namespace

// docs/performance-model.md 5.3. The budget left after the baseline of the
// nodes on at the start by the lowest cap must hold one replica's largest
// draw, or a replica that waits for power alone would wait for ever. An
// autoscaled pool counts the nodes it starts with: it starts more only
// while the cap in force keeps that headroom (docs/autoscaling.md).
void read_power_cap(ScenarioContext& ctx, const YAML::Node& n) {
  YamlReader& r = ctx.reader;
  const std::string path = "fleet.power_cap";
  PowerCapSpec spec;
  std::vector<StepRead> steps;
  if (n.IsMap()) {
    if (!read_cap_map(r, n, path, spec, steps)) return;
  } else if (const auto cap = r.quantity(n, path, Dimension::power, greater_than(0))) {
    steps.push_back({{0.0, *cap}, n, path});
  } else {
    return;
  }
  const Scenario& sc = ctx.scenario;
  const double largest = largest_replica_draw_w(sc);
  // Every node on at the start, tool pools and KV stores at their highest draw.
  const double baseline = fleet_starting_baseline_power_w(sc);
  const auto lowest = std::min_element(steps.begin(), steps.end(), [](const StepRead& a, const StepRead& b) {
    return a.step.cap_w < b.step.cap_w;
  });
  const double cap = lowest->step.cap_w;
  if (cap < baseline + largest) {
    r.error(lowest->power, lowest->path,
            fmt::format("power_cap {:.0f} W leaves {:.0f} W above the fleet's baseline of {:.0f} W, less than one "
                        "replica's largest draw above idle, {:.0f} W",
                        cap, cap - baseline, baseline, largest),
            fmt::format("raise it to at least {:.0f} W, or run fewer nodes", baseline + largest));
    return;
  }
  for (const StepRead& s : steps) spec.steps.push_back(s.step);
  ctx.scenario.power_cap = std::move(spec);
}

}  // namespace fleetsim
