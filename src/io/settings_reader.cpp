#include "settings_reader.hpp"

#include <fmt/format.h>

#include "scenario_key_check.hpp"
#include "scenario_words.hpp"
#include "step_series_reader.hpp"

namespace fleetsim {

namespace {

// gCO2/kWh: one number for the run, or a series (hour h of simulated time
// uses entry h mod its length; 24 entries: the hours of a day).
void read_carbon_intensity(YamlReader& r, const YAML::Node& n, Costs& costs) {
  if (auto v = read_step_series(r, n, "costs.carbon_intensity", "gCO2/kWh")) costs.carbon_intensity_g_per_kwh = *v;
}

}  // namespace

void read_costs(ScenarioContext& ctx, const YAML::Node& map) {
  YamlReader& r = ctx.reader;
  Costs& costs = ctx.scenario.costs;
  if (!r.expect_map(map, "costs", "e.g. costs: {pricing: cloud, electricity_price: 0.08, pue: 1.14}")) return;
  check_scenario_keys(r, map, "costs", "costs");
  if (const YAML::Node n = YamlReader::get(map, "pricing"))
    if (auto v = r.choice(n, "costs.pricing", pricing_choices(),
                          "pricing mode"))
      costs.pricing = *v;
  if (const YAML::Node n = YamlReader::get(map, "electricity_price"))
    if (auto v = read_step_series(r, n, "costs.electricity_price", "USD per kWh")) costs.electricity_usd_per_kwh = *v;
  if (const YAML::Node n = YamlReader::get(map, "pue")) {
    if (auto v = r.number(n, "costs.pue", at_least(1))) costs.pue = *v;
  }
  if (const YAML::Node n = YamlReader::get(map, "carbon_intensity")) read_carbon_intensity(r, n, costs);
}

void read_simulation(ScenarioContext& ctx, const YAML::Node& map) {
  YamlReader& r = ctx.reader;
  SimulationSettings& sim = ctx.scenario.simulation;
  if (!r.expect_map(map, "simulation", "e.g. simulation: {duration: 1h, warmup: 5min, seed: 42}")) return;
  check_scenario_keys(r, map, "simulation", "simulation");
  const YAML::Node duration = YamlReader::get(map, "duration");
  const YAML::Node sessions = YamlReader::get(map, "sessions");
  if (duration.IsDefined() && sessions.IsDefined()) {
    r.error(sessions, "simulation.sessions", "give either duration or sessions, not both",
            "duration: run for a fixed simulated time; sessions: start N sessions, then let them finish");
  } else if (!duration.IsDefined() && !sessions.IsDefined() && !r.is_misspelt(map, "duration") &&
             !r.is_misspelt(map, "sessions") && !ctx.traffic_ends) {
    // Traces replayed once end by themselves: the run lasts until the fleet drains.
    r.error(map, "simulation", "missing the run length: expected \"duration\" or \"sessions\"",
            "e.g. duration: 1h (simulated time), or sessions: 10000");
  }
  if (duration.IsDefined()) sim.duration_s = r.quantity(duration, "simulation.duration", Dimension::duration, greater_than(0));
  if (sessions.IsDefined())
    if (auto v = r.integer(sessions, "simulation.sessions", 1, std::numeric_limits<std::int64_t>::max())) sim.sessions = *v;
  if (const YAML::Node n = YamlReader::get(map, "warmup")) {
    if (auto v = r.quantity(n, "simulation.warmup", Dimension::duration, at_least(0))) {
      sim.warmup_s = *v;
      if (sim.duration_s && *v >= *sim.duration_s)
        r.error(n, "simulation.warmup",
                fmt::format("expected a warm-up shorter than the duration ({}), found {}",
                            format_quantity(*sim.duration_s, Dimension::duration), YamlReader::describe(n)),
                "statistics cover only the time after the warm-up, so nothing would be measured");
    }
  }
  if (const YAML::Node n = YamlReader::get(map, "seed"))
    if (auto v = r.unsigned_integer(n, "simulation.seed")) sim.seed = *v;
}

}  // namespace fleetsim
