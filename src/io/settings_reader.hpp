// The `costs:` and `simulation:` sections.
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

void read_costs(ScenarioContext& ctx, const YAML::Node& map);
void read_simulation(ScenarioContext& ctx, const YAML::Node& map);

}  // namespace fleetsim
