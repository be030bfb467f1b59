// A workload's `trace:` map: which file to replay, how its columns map, and
// how to replay it (rate_scale, limit, loop). The file is read here, at load
// time, relative to the scenario file; its problems are reported at its own
// lines and columns. A streamed trace is only checked here, and read again
// as the run goes.
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/scenario.hpp"
#include "scenario_context.hpp"

namespace fleetsim {

// An arrival process of kind trace, or nullopt after reporting why not.
// Records the models the trace calls in ctx.step_models, and clears
// ctx.traffic_ends when the trace loops. `templates`: the workload draws its
// sessions from the trace (`arrivals:` beside `trace:`), so the trace is held
// whole; otherwise a trace that qualifies is streamed (RequestTrace::feed).
std::optional<ArrivalProcess> read_trace_workload(ScenarioContext& ctx, const YAML::Node& node,
                                                  const std::string& path, bool templates);

}  // namespace fleetsim
