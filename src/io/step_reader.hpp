// A workload's `steps:`: llm calls, tool calls, loops over further steps and
// the agent-graph kinds (graph_step_reader.hpp).
#pragma once

#include <vector>

#include "distribution_reader.hpp"
#include "scenario_context.hpp"

namespace fleetsim {

// Token counts are never negative; an LLM call produces at least one token.
extern const DistributionUse kTokens;
extern const DistributionUse kOutputTokens;
extern const DistributionUse kDuration;
extern const DistributionUse kRepeat;

// Reads `map[key]` as a distribution into `target`; absent optional keys keep it.
void read_dist(ScenarioContext& ctx, const YAML::Node& map, const std::string& path, const char* key,
               const DistributionUse& use, Distribution& target, bool required);

// Reads a non-empty list of steps; every llm step's model is recorded in
// ctx.step_models (and resolved, reporting unknown names).
// The step kinds the reader knows, by their key.
std::vector<std::string> step_kind_keys();

std::vector<Step> read_steps(ScenarioContext& ctx, const YAML::Node& list, const std::string& path);

// A workload's `orchestrator:` {pool, cores, memory, work}: the agent
// harness's CPU work before each LLM call, as a tool step on a tool pool.
Step read_orchestrator(ScenarioContext& ctx, const YAML::Node& body, const std::string& path);

}  // namespace fleetsim
