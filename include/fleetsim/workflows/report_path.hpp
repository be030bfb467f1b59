// The one syntax for naming a figure of a fleetsim.report/1 JSON, used by
// every workflow that takes a figure from the user or a file: check and
// `expect:`, plan, diff, compare, sweep and validate-model's `value:`
// (docs/report-format.md, "Figure paths").
//
// A path is segments joined by dots, read from the report's root:
//   - in an object, a segment is a key: "fleet.cost_per_session_usd";
//   - in a list, a segment is an item's name (report_item_name):
//     "pools.h100.utilization", "workloads.coder.slos.ttft_p95.attainment";
//     or, when no item has that name, its index from 0: "pools.0.utilization".
// Names come from the scenario and may hold dots ("pools.gpu.a.utilization");
// a segment is matched as the longest name or key that leaves a path that
// resolves, so such names need no quoting.
//
// A figure is a number, a boolean (1 or 0) or null (no value, e.g. cost per
// session with no session completed). Text, lists and objects are not.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fleetsim {

struct PathLookup {
  bool found = false;           // the path names a figure
  std::optional<double> value;  // when found: its value, nullopt for null
  std::string error;            // when not found: why, naming the segment that failed
};

PathLookup resolve_report_path(const nlohmann::ordered_json& report, std::string_view path);

// The name a list item goes by in a path: its "name"; for an SLO (which has
// none), METRIC_pPERCENTILE as in the CSV ("ttft_p95"); for a purchase
// option, its "option". nullopt for an item with none of these.
std::optional<std::string> report_item_name(const nlohmann::ordered_json& item);

}  // namespace fleetsim
