// One cell's run as JSON (schema fleetsim.cell/1): what `fleetsim run FILE
// --cell NAME --cell-result` prints, and what the parent run or `fleetsim
// merge` reads back to merge cells exactly (docs/cells.md):
//
//   {"schema": "fleetsim.cell/1", "name": "us-east", "traffic_scale": 0.5,
//    "seed": 1234, "report": {...the cell's report...},
//    "measures": {"workloads": [{"name": ..., "sessions_met_slo": ...,
//                                "cached_tokens": ..., "shared_prefix_cached_tokens": ...,
//                                "ttft_s": SKETCH, "tpot_s": ..., "call_latency_s": ..., "session_latency_s": ...}],
//                 "occupancy": {"area": ..., "arrivals": ..., "completed_time_s": ..., "completed": ...}}}
//
// A SKETCH is a quantile sketch's whole state: {"relative_accuracy",
// "count", "zeros", "sum", "min", "max", "offset", "counts": [...]}.
// Written on one line, so that shards can hold one cell a line.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fleetsim/core/cell_merge.hpp"

namespace fleetsim {

inline constexpr std::string_view kCellSchema = "fleetsim.cell/1";

nlohmann::ordered_json cell_run_to_json(const CellRun& run);

// The cell's run, or nullopt with `error` naming the first field missing or
// wrong by its path ("measures.workloads.0.ttft_s.counts: ...").
std::optional<CellRun> cell_run_from_json(const nlohmann::ordered_json& json, std::string& error);

}  // namespace fleetsim
