// `fleet.tool_pools:`: pools of CPU nodes that run tool calls, and a tool
// step's claim on one (`pool`, `cores`, `memory`, `work`).
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

// Needs the scenario's hardware definitions and model pools read first.
void read_tool_pools(ScenarioContext& ctx, const YAML::Node& list);

// A tool step that names `pool`: resolves it into step.tool_pool and checks
// that one call fits a node (cores, memory). `pool_node` is where the name is
// written; `cores_node` and `memory_node` are where those are (or the step).
void resolve_tool_pool(ScenarioContext& ctx, Step& step, const YAML::Node& pool_node, const std::string& path,
                       const YAML::Node& cores_node, const YAML::Node& memory_node);

}  // namespace fleetsim
