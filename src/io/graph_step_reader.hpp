// The agent-graph step kinds (docs/scenario-format.md, "Agent graphs"):
// parallel (branches at once, joined on all, any or k of n), agent (a
// sub-agent with its own context) and choose (one branch, by probability).
// Each reads the body of its key, as the other readers in step_reader.cpp do.
#pragma once

#include <string>

#include "scenario_context.hpp"

namespace fleetsim {

Step read_parallel(ScenarioContext& ctx, const YAML::Node& body, const std::string& path);
Step read_agent(ScenarioContext& ctx, const YAML::Node& body, const std::string& path);
Step read_choose(ScenarioContext& ctx, const YAML::Node& body, const std::string& path);

}  // namespace fleetsim
