// The `fleet:` section: pools of identical nodes and their engine settings.
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

// Needs the scenario's hardware and model definitions read first.
void read_fleet(ScenarioContext& ctx, const YAML::Node& map);

}  // namespace fleetsim
