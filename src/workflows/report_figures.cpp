#include "fleetsim/workflows/report_figures.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetsim/io/json_input.hpp"
#include "fleetsim/workflows/report_path.hpp"
#include "fleetsim/io/report_text.hpp"
#include "fleetsim/io/spelling.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

std::optional<double> figure_value(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_number()) return v.get<double>();
  return std::nullopt;
}

bool is_figure(const Json& v) { return v.is_number() || v.is_boolean() || v.is_null(); }

// Numbers, booleans and nulls under `object`, nested objects flattened with dots.
void flatten(const Json& object, const std::string& prefix, std::vector<Figure>& out) {
  for (const auto& [key, value] : object.items()) {
    const std::string path = prefix + key;
    if (value.is_object())
      flatten(value, path + ".", out);
    else if (is_figure(value))
      out.push_back({path, figure_value(value)});
  }
}

// The item's segment in a path (report_path.hpp); "?" for an item without one.
std::string item_name(const Json& item) { return report_item_name(item).value_or("?"); }

const Json& member(const Json& j, const char* key) {
  static const Json empty = Json::object();
  if (!j.is_object()) return empty;
  const auto it = j.find(key);
  return it == j.end() ? empty : *it;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

}  // namespace

std::optional<nlohmann::ordered_json> parse_report(const std::string& text, std::string& error) {
  Json j = parse_json_input(text, error);
  if (j.is_discarded()) return std::nullopt;
  const Json& schema = member(j, "schema");
  if (!schema.is_string() || schema.get<std::string>().rfind("fleetsim.report/", 0) != 0) {
    error = "not a fleetsim report (no \"schema\": \"fleetsim.report/1\"); write one with fleetsim run --format json";
    return std::nullopt;
  }
  if (schema.get<std::string>() != "fleetsim.report/1") {
    error = "report schema " + schema.get<std::string>() + " is not supported by this fleetsim (it reads fleetsim.report/1)";
    return std::nullopt;
  }
  return j;
}

std::vector<Figure> report_figures(const nlohmann::ordered_json& report) {
  std::vector<Figure> out;
  flatten(member(report, "run"), "run.", out);
  flatten(member(report, "fleet"), "fleet.", out);
  for (const Json& pool : member(report, "pools")) flatten(pool, "pools." + item_name(pool) + ".", out);
  for (const Json& pool : member(report, "tool_pools")) flatten(pool, "tool_pools." + item_name(pool) + ".", out);
  for (const Json& workload : member(report, "workloads")) {
    const std::string prefix = "workloads." + item_name(workload) + ".";
    flatten(workload, prefix, out);
    for (const Json& slo : member(workload, "slos"))
      for (const char* field : {"bound_s", "observed_s", "attainment", "met"})
        if (slo.contains(field) && is_figure(slo[field]))
          out.push_back({prefix + "slos." + item_name(slo) + "." + field, figure_value(slo[field])});
  }
  flatten(member(report, "checks"), "checks.", out);
  return out;
}

std::vector<Figure> key_figures(const nlohmann::ordered_json& report) {
  std::vector<Figure> out;
  const Json& fleet = member(report, "fleet");
  for (const char* key : {"nodes", "total_cost_usd", "cost_per_session_usd", "cost_per_million_output_tokens_usd",
                          "cost_per_million_tokens_usd", "energy_per_session_j", "mean_it_power_w",
                          "peak_it_power_w", "carbon_per_session_g", "carbon_per_million_tokens_g",
                          "sessions_per_s"})
    if (fleet.contains(key) && is_figure(fleet[key]))
      out.push_back({std::string("fleet.") + key, figure_value(fleet[key])});
  for (const char* pools : {"pools", "tool_pools"})
    for (const Json& pool : member(report, pools))
      if (pool.contains("utilization") && is_figure(pool["utilization"]))
        out.push_back({std::string(pools) + "." + item_name(pool) + ".utilization", figure_value(pool["utilization"])});
  // An autoscaled pool's `nodes` is only its start: its node time is the figure.
  for (const Json& pool : member(report, "pools"))
    for (const char* key : {"mean_nodes", "peak_nodes"}) {
      const Json& autoscale = member(pool, "autoscale");
      if (autoscale.contains(key) && is_figure(autoscale[key]))
        out.push_back({"pools." + item_name(pool) + ".autoscale." + key, figure_value(autoscale[key])});
    }
  // Failing nodes: what they cost the pool (a model or a tool pool).
  for (const char* pools : {"pools", "tool_pools"})
    for (const Json& pool : member(report, pools))
      for (const char* key : {"availability", "calls_retried"}) {
        const Json& failures = member(pool, "failures");
        if (failures.contains(key) && is_figure(failures[key]))
          out.push_back({std::string(pools) + "." + item_name(pool) + ".failures." + key, figure_value(failures[key])});
      }
  for (const Json& workload : member(report, "workloads")) {
    const std::string prefix = "workloads." + item_name(workload) + ".";
    for (const char* latency : {"ttft_s", "tpot_s", "session_latency_s"}) {
      const Json& summary = member(workload, latency);
      for (const char* p : {"p95", "p99"})
        if (summary.contains(p) && is_figure(summary[p]))
          out.push_back({prefix + latency + "." + p, figure_value(summary[p])});
    }
    for (const Json& slo : member(workload, "slos"))
      if (slo.contains("attainment") && is_figure(slo["attainment"]))
        out.push_back({prefix + "slos." + item_name(slo) + ".attainment", figure_value(slo["attainment"])});
    // In a mixed fleet the fleet-wide figure averages over workloads; each
    // workload's own cost per session is the answer for its sessions.
    for (const char* key : {"slos_met", "goodput_sessions_per_s", "cost_per_session_usd"})
      if (workload.contains(key) && is_figure(workload[key]))
        out.push_back({prefix + key, figure_value(workload[key])});
  }
  const Json& stability = member(member(report, "checks"), "stability");
  if (stability.contains("stable") && is_figure(stability["stable"]))
    out.push_back({"checks.stability.stable", figure_value(stability["stable"])});
  return out;
}

const Figure* find_figure(const std::vector<Figure>& figures, std::string_view path) {
  const auto it = std::find_if(figures.begin(), figures.end(), [&](const Figure& f) { return f.path == path; });
  return it == figures.end() ? nullptr : &*it;
}

std::string figure_path_hint(const std::vector<Figure>& figures, std::string_view path) {
  std::vector<std::string> paths;
  for (const Figure& f : figures) paths.push_back(f.path);
  if (auto match = closest_match(path, paths)) return "did you mean \"" + *match + "\"?";
  // Not a near miss: list the figures that share the longest leading part.
  std::string prefix(path);
  while (!prefix.empty()) {
    const auto cut = prefix.find_last_of('.');
    prefix = cut == std::string::npos ? std::string() : prefix.substr(0, cut);
    std::vector<std::string> siblings;
    for (const auto& p : paths)
      if (!prefix.empty() && p.rfind(prefix + ".", 0) == 0) siblings.push_back(p);
    if (!siblings.empty()) return "figures under " + prefix + ": " + quoted_list(siblings, 8);
  }
  return "figures are paths into the report JSON with list items by name, e.g. fleet.cost_per_session_usd, "
         "workloads.NAME.ttft_s.p95, pools.NAME.utilization (docs/workflows.md)";
}

std::string format_figure(std::string_view path, std::optional<double> value) {
  namespace text = report_text;
  if (!value || !std::isfinite(*value)) return "n/a";
  const double x = *value;
  if (ends_with(path, "slos_met") || ends_with(path, ".met")) return x == 1.0 ? "yes" : x == 0.0 ? "no" : text::percent(x);
  if (ends_with(path, "_usd")) return text::usd(x);
  if (ends_with(path, "attainment") || ends_with(path, "utilization") || ends_with(path, "hit_rate") ||
      ends_with(path, "occupancy"))
    return text::percent(x);
  if (ends_with(path, "_per_s")) return text::sig(x) + "/s";
  if (ends_with(path, "_s") || contains(path, "_s.p") || contains(path, "_s.m")) return text::duration(x);
  if (ends_with(path, "_w")) return text::power(x);
  if (ends_with(path, "_j")) return text::energy_j(x);
  // Counts (nodes, sessions) print whole; other plain numbers to four digits.
  if (x == std::floor(x) && std::fabs(x) < 1e15) return text::count(static_cast<std::int64_t>(x));
  return text::sig(x, 4);
}

std::string exact_number(std::optional<double> value) {
  if (!value || !std::isfinite(*value)) return "";
  return Json(*value).dump();
}

}  // namespace fleetsim
