// Reads a scenario's `plan:` section (fleetsim/workflows/plan_spec.hpp), checking its
// pools and hardware against the fleet and the catalog.
#pragma once

#include <optional>

#include <yaml-cpp/yaml.h>

#include "fleetsim/workflows/plan_spec.hpp"
#include "fleetsim/io/scenario_section.hpp"

namespace fleetsim {

// `scenario` is the file read so far (its fleet read). nullopt when the
// section has errors.
std::optional<PlanSpec> read_plan(const ScenarioSoFar& scenario, const YAML::Node& section);

}  // namespace fleetsim
