// Reads `fleet.power_cap:` (docs/scenario-format.md, "power_cap: a site
// power budget"): a power, or a map with the cap fixed or as a schedule and
// the response to a plan that does not fit.
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

// After the pools: the lowest cap must leave one replica's largest draw
// above the pools' baseline. Sets ctx.scenario.power_cap when all is well.
void read_power_cap(ScenarioContext& ctx, const YAML::Node& n);

}  // namespace fleetsim
