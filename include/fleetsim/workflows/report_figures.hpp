// A report's figures by name, for the planning workflows (sweeps, comparisons,
// expectations, diffs), read from the report JSON that `fleetsim run` writes.
//
// A figure's path is written in the one path syntax (report_path.hpp), list
// items by name: "fleet.cost_per_session_usd", "pools.h100.utilization",
// "workloads.coder.ttft_s.p95", "workloads.coder.slos.ttft_p95.attainment".
// Booleans count as 1 and 0; a null figure (no value, e.g. cost per session
// with no session) is nullopt. A path the user gives is looked up with
// resolve_report_path; the lists here are for showing and comparing figures.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetsim {

struct Figure {
  std::string path;
  std::optional<double> value;
};

// Parses a report JSON (schema fleetsim.report/1). nullopt with `error` set
// when the text is not JSON or not a fleetsim report.
std::optional<nlohmann::ordered_json> parse_report(const std::string& text, std::string& error);

// Every number and boolean of the report, in report order.
std::vector<Figure> report_figures(const nlohmann::ordered_json& report);

// The figures a planner compares first: costs, energy and power of the fleet,
// each pool's utilization, and each workload's latency percentiles (TTFT,
// TPOT, session; p95 and p99), SLO attainment, whether its SLOs are met, and
// goodput. In report order.
std::vector<Figure> key_figures(const nlohmann::ordered_json& report);

// The figure of `figures` with exactly this path (both from the lists above).
const Figure* find_figure(const std::vector<Figure>& figures, std::string_view path);
// "did you mean \"...\"?" for a path that is not among `figures`, or a list of
// where to look.
std::string figure_path_hint(const std::vector<Figure>& figures, std::string_view path);

// The value in a readable unit chosen from the figure's name: "$0.0129",
// "1.62 s", "2.39 kW", "97.1%", "yes"; "n/a" for no value.
std::string format_figure(std::string_view path, std::optional<double> value);

// Shortest text that reads back to the same double ("0.1", "1e-05"); "" for no value.
std::string exact_number(std::optional<double> value);

}  // namespace fleetsim
