// The `workloads:` list: session types, their arrivals, step chains and SLOs.
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

void read_workloads(ScenarioContext& ctx, const YAML::Node& list);

}  // namespace fleetsim
