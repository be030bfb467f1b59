// Reads a scenario's `plan:` section (fleetsim/io/plan_spec.hpp), checking its
// pools and hardware against the fleet and the catalog.
#pragma once

#include <optional>

#include <yaml-cpp/yaml.h>

#include "fleetsim/io/plan_spec.hpp"
#include "scenario_context.hpp"

namespace fleetsim {

// Call after the fleet is read. nullopt when the section has errors.
std::optional<PlanSpec> read_plan(ScenarioContext& ctx, const YAML::Node& section);

}  // namespace fleetsim
