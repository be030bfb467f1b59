// A workload's `steps:`: llm calls, tool calls and loops over further steps.
#pragma once

#include <vector>

#include "scenario_context.hpp"

namespace fleetsim {

// Reads a non-empty list of steps; every llm step's model is recorded in
// ctx.step_models (and resolved, reporting unknown names).
std::vector<Step> read_steps(ScenarioContext& ctx, const YAML::Node& list, const std::string& path);

}  // namespace fleetsim
