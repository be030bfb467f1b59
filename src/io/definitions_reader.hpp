// A scenario's `hardware:` and `models:` maps: new entries, or catalog entries
// with some fields overridden.
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

void read_hardware_definitions(ScenarioContext& ctx, const YAML::Node& map);
void read_model_definitions(ScenarioContext& ctx, const YAML::Node& map);

}  // namespace fleetsim
