// The `routing:` list: which pools serve a model's calls, and how a replica is
// chosen. Models without an entry get a default route (see complete_routes).
#pragma once

#include "scenario_context.hpp"

namespace fleetsim {

// Needs the fleet read first: routes refer to pools.
void read_routing(ScenarioContext& ctx, const YAML::Node& list);

// ctx.scenario.routes := one route per served model: the explicit one, or all
// pools serving the model with least_outstanding. Reports a route whose pools'
// roles do not make a whole (docs/disaggregation.md): check the error count after.
void complete_routes(ScenarioContext& ctx);

}  // namespace fleetsim
