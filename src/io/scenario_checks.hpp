// Checks that need the whole scenario: does every model fit its devices, is
// every model a workload calls served by a pool with nodes, does traffic arrive.
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

void check_scenario(ScenarioContext& ctx);

}  // namespace fleetsim
