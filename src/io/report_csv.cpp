// The CSV is the JSON tree flattened into one row per number, so that every
// figure has the same name in both formats (docs/report-format.md, "CSV").
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "fleetsim/io/csv_field.hpp"
#include "fleetsim/io/report_writers.hpp"
#include "report_json.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

struct UnitEntry {
  std::string_view key;
  std::string_view unit;
};

// Unit of each leaf key. A key missing here prints an empty unit, which the
// tests reject, so a new field cannot ship without one.
constexpr UnitEntry kUnits[] = {
    // run
    {"seed", "id"},
    {"window_start_s", "s"},
    {"window_end_s", "s"},
    {"simulated_end_s", "s"},
    {"engine_events", "count"},
    {"pue", "ratio"},
    {"electricity_usd_per_kwh", "USD/kWh"},
    {"carbon_intensity_g_per_kwh", "gCO2/kWh"},
    // fleet
    {"nodes", "count"},
    {"total_cost_usd", "USD"},
    {"compute_cost_usd", "USD"},
    {"energy_cost_usd", "USD"},
    {"cost_per_session_usd", "USD/session"},
    {"cost_per_llm_call_usd", "USD/call"},
    {"cost_per_million_output_tokens_usd", "USD/Mtoken"},
    {"cost_per_million_tokens_usd", "USD/Mtoken"},
    {"carbon_operational_g", "gCO2e"},
    {"carbon_embodied_g", "gCO2e"},
    {"carbon_g", "gCO2e"},
    {"carbon_per_session_g", "gCO2e/session"},
    {"carbon_per_million_tokens_g", "gCO2e/Mtoken"},
    {"it_energy_j", "J"},
    {"facility_energy_j", "J"},
    {"energy_per_session_j", "J/session"},
    {"output_tokens_per_joule", "tokens/J"},
    {"mean_it_power_w", "W"},
    {"peak_it_power_w", "W"},
    {"mean_facility_power_w", "W"},
    {"sessions_per_s", "sessions/s"},
    {"llm_calls_per_s", "calls/s"},
    {"output_tokens_per_s", "tokens/s"},
    // fleet.power_cap
    {"cap_w", "W"},
    {"baseline_w", "W"},
    {"time_at_cap_s", "s"},
    {"time_at_cap_fraction", "fraction"},
    {"held_plans", "count"},
    {"held_replica_s", "replica-s"},
    {"mean_hold_s", "s"},
    {"highest_cap_w", "W"},
    {"over_cap_s", "s"},
    {"baseline_over_cap_s", "s"},
    // fleet.power_cap.lowered_clocks
    {"plans", "count"},
    {"busy_s", "replica-s"},
    {"extra_busy_s", "replica-s"},
    {"capacity_lost_fraction", "fraction"},
    // pool
    {"replicas", "count"},
    {"utilization", "fraction"},
    {"mean_batch_size", "sequences"},
    {"host_share", "fraction"},
    {"kv_cache_occupancy", "fraction"},
    {"queueing_delay_mean_s", "s"},
    {"queueing_delay_p95_s", "s"},
    {"llm_calls", "count"},
    {"preemptions", "count"},
    {"output_tokens", "tokens"},
    {"mean_power_w", "W"},
    {"peak_power_w", "W"},
    {"energy_j", "J"},
    {"cost_usd", "USD"},
    {"calls_in_flight_first_half", "calls"},
    {"calls_in_flight_second_half", "calls"},
    // pool.kv_tiers
    {"capacity_bytes", "B"},
    {"hits", "count"},
    {"bytes_reloaded", "B"},
    {"bytes_offloaded", "B"},
    {"reload_time_s", "s"},
    {"recompute_avoided_tokens", "tokens"},
    {"caches_dropped", "count"},
    // pool.autoscale
    {"min_nodes", "count"},
    {"max_nodes", "count"},
    {"mean_nodes", "nodes"},
    {"peak_nodes", "count"},
    {"nodes_started", "count"},
    {"nodes_drained", "count"},
    {"provisioning_s", "s"},
    {"starts_held_by_power_cap", "count"},
    {"nodes_stopped_by_power_cap", "count"},
    // pool.failures
    {"node_failures", "count"},
    {"calls_retried", "count"},
    {"prefill_tokens_lost", "tokens"},
    {"output_tokens_lost", "tokens"},
    {"availability", "fraction"},
    {"expected_availability", "fraction"},
    {"down_node_hours", "node-h"},
    {"core_seconds_lost", "core-s"},
    // tool pool
    {"cores", "count"},
    {"core_speed", "ratio"},
    {"queueing_delay_p99_s", "s"},
    {"node_hours", "node-h"},
    // kv store
    {"memory_utilization", "fraction"},
    {"peak_memory_utilization", "fraction"},
    {"caches_stored", "count"},
    {"caches_evicted", "count"},
    // workload
    {"sessions_started", "count"},
    {"sessions_completed", "count"},
    {"sessions_in_flight", "count"},
    {"llm_calls_failed", "count"},
    {"tool_calls", "count"},
    {"prompt_tokens", "tokens"},
    {"prefill_tokens", "tokens"},
    {"prefix_cache_hit_rate", "fraction"},
    {"cross_session_hit_rate", "fraction"},
    {"slos_met", "bool"},
    {"goodput_sessions_per_s", "sessions/s"},
    {"sessions_in_system_first_half", "sessions"},
    {"sessions_in_system_second_half", "sessions"},
    // workload.graph (agent graphs)
    {"critical_path_mean_s", "s"},
    {"step_time_mean_s", "s"},
    {"parallelism", "ratio"},
    {"llm_calls_per_session", "calls"},
    {"tool_calls_per_session", "calls"},
    {"fan_outs_per_session", "count"},
    {"fan_out_width_mean", "count"},
    {"fan_out_width_max", "count"},
    {"sub_agents_per_session", "count"},
    {"blocked_on_models_mean_s", "s"},
    {"blocked_on_tools_mean_s", "s"},
    {"blocked_on_both_mean_s", "s"},
    // workload.kv_transfers (prefill/decode disaggregation)
    {"transfers", "count"},
    {"bytes_mean", "B"},
    {"time_mean_s", "s"},
    {"time_max_s", "s"},
    // workload.trace_replay
    {"calls_issued", "count"},
    {"calls_late", "count"},
    {"late_mean_s", "s"},
    {"late_max_s", "s"},
    // slo
    {"bound_s", "s"},
    {"observed_s", "s"},
    {"attainment", "fraction"},
    {"met", "bool"},
    // check
    {"mean_sessions_in_system", "sessions"},
    {"arrival_rate_per_s", "sessions/s"},
    {"mean_session_time_s", "s"},
    {"relative_error", "fraction"},
    {"stable", "bool"},
    // pool.evidence
    {"class_cases", "count"},
    {"class_median_error", "fraction"},
    {"class_beyond_35", "count"},
    {"stack_cases", "count"},
    {"stack_median_error", "fraction"},
    {"stack_beyond_35", "count"},
    // pool.evidence.regime
    {"cases", "count"},
    {"median_error", "fraction"},
    {"beyond_35", "count"},
    // network (fleet.network)
    {"nodes_per_rack", "count"},
    {"oversubscription", "ratio"},
    {"nics", "count"},
    {"rack", "id"},
    {"bandwidth_bytes_per_s", "B/s"},
    {"bytes_sent", "B"},
    {"bytes_received", "B"},
    {"bytes_up", "B"},
    {"bytes_down", "B"},
    {"utilization_sent", "fraction"},
    {"utilization_received", "fraction"},
    {"utilization_up", "fraction"},
    {"utilization_down", "fraction"},
};

std::string_view unit_for(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view leaf = dot == std::string_view::npos ? path : path.substr(dot + 1);
  // Latency summaries ("ttft_s.p95"): the parent's name carries the unit.
  if (dot != std::string_view::npos && path.substr(0, dot).ends_with("_s"))
    return leaf == "count" ? "count" : "s";
  for (const UnitEntry& e : kUnits)
    if (e.key == leaf) return e.unit;
  return "";
}

// Integers print exactly (a 64-bit seed does not survive %.10g); null, which
// stands for NaN or infinity, prints as an empty field.
std::string csv_value(const Json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_float()) return fmt::format("{:.10g}", v.get<double>());
  return "";
}

class CsvWriter {
 public:
  CsvWriter() : out_("scope,name,metric,value,unit\n") {}

  // Every number, boolean and null under `object`; strings are labels, not
  // figures, and arrays are handled by the caller.
  void figures(std::string_view scope, std::string_view name, const Json& object,
               const std::string& prefix = "") {
    for (const auto& [key, value] : object.items()) {
      const std::string path = prefix + key;
      if (value.is_object())
        figures(scope, name, value, path + ".");
      else if (value.is_number() || value.is_boolean() || value.is_null())
        row(scope, name, path, value, unit_for(path));
    }
  }

  void row(std::string_view scope, std::string_view name, std::string_view metric,
           const Json& value, std::string_view unit) {
    out_ += fmt::format("{},{},{},{},{}\n", scope, csv_field(name), csv_field(metric),
                        csv_value(value), unit);
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// "ttft_p95", "session_p99.9": the SLO's identity within its workload.
std::string slo_id(const Json& slo) {
  const Json& p = slo["percentile"];
  const std::string pct = p.is_number() ? fmt::format("{:g}", p.get<double>()) : "nan";
  return fmt::format("{}_p{}", slo["metric"].get<std::string>(), pct);
}

}  // namespace

std::string render_csv(const Report& report) {
  const Json j = report_to_json(report);
  CsvWriter csv;
  csv.figures("run", report.run.scenario, j["run"]);
  csv.figures("fleet", "fleet", j["fleet"]);
  for (const Json& pool : j["pools"]) {
    const std::string name = pool["name"].get<std::string>();
    csv.figures("pool", name, pool);
    // "kv_tiers.host_dram.hits": each tier below device memory by its name.
    if (pool.contains("kv_tiers"))
      for (const Json& tier : pool["kv_tiers"])
        csv.figures("pool", name, tier, "kv_tiers." + tier["name"].get<std::string>() + ".");
  }
  if (j.contains("tool_pools"))
    for (const Json& pool : j["tool_pools"]) csv.figures("tool_pool", pool["name"].get<std::string>(), pool);
  if (j.contains("kv_stores"))
    for (const Json& store : j["kv_stores"]) csv.figures("kv_store", store["name"].get<std::string>(), store);
  if (j.contains("network")) {
    const Json& net = j["network"];
    csv.figures("network", net["topology"].get<std::string>(), net);
    for (const Json& nic : net["nics"]) csv.figures("network_nics", nic["name"].get<std::string>(), nic);
    for (const Json& up : net["uplinks"])
      csv.figures("network_uplink", fmt::format("rack-{}", up["rack"].get<int>()), up);
  }
  if (j.contains("purchase_options"))
    for (const Json& option : j["purchase_options"])
      csv.figures("purchase_option", option["option"].get<std::string>(), option);
  for (const Json& workload : j["workloads"]) {
    const std::string name = workload["name"].get<std::string>();
    csv.figures("workload", name, workload);
    for (const Json& slo : workload["slos"]) {
      const std::string id = slo_id(slo);
      for (const char* field : {"bound_s", "observed_s", "attainment", "met"})
        csv.row("slo", name, id + "." + field, slo[field], unit_for(field));
    }
  }
  for (const auto& [check, figures] : j["checks"].items()) csv.figures("check", check, figures);
  // Each finding: its subject (the pool, or the workload) and its figures; the
  // kind names the advice (docs/report-format.md, "Stability").
  for (const StabilityFinding& f : report.stability.findings) {
    const std::string& subject = f.figure == "calls_in_flight" ? f.pool : f.workload;
    const std::string_view unit = f.figure == "calls_in_flight" ? "calls" : "sessions";
    const Json& finding = j["checks"]["stability"]["findings"][&f - report.stability.findings.data()];
    csv.row("stability", subject, f.kind + ".utilization", finding["utilization"], "fraction");
    csv.row("stability", subject, f.kind + "." + f.figure + ".first_half", finding["first_half"], unit);
    csv.row("stability", subject, f.kind + "." + f.figure + ".second_half", finding["second_half"], unit);
    csv.row("stability", subject, f.kind + ".arrival_ratio", finding["arrival_ratio"], "ratio");
  }
  return csv.take();
}

}  // namespace fleetsim
