#include "report_json.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "fleetsim/core/purchase.hpp"
#include "fleetsim/io/report_writers.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

// NaN and infinities are not JSON; null says "no value" (e.g. cost per session
// when no session completed) in a way every parser accepts.
Json number(double x) { return std::isfinite(x) ? Json(x) : Json(nullptr); }

Json latency(const LatencySummary& s) {
  Json j = Json::object();
  j["count"] = s.count;
  j["mean"] = number(s.mean);
  j["p50"] = number(s.p50);
  j["p90"] = number(s.p90);
  j["p95"] = number(s.p95);
  j["p99"] = number(s.p99);
  j["max"] = number(s.max);
  return j;
}

// The report carries the models as one comma-separated string; consumers of
// JSON should not have to split it themselves.
Json model_list(const std::string& models) {
  Json list = Json::array();
  std::size_t begin = 0;
  while (begin <= models.size()) {
    std::size_t end = models.find(',', begin);
    if (end == std::string::npos) end = models.size();
    std::string name = models.substr(begin, end - begin);
    const auto first = name.find_first_not_of(" \t");
    if (first != std::string::npos)
      list.push_back(name.substr(first, name.find_last_not_of(" \t") - first + 1));
    begin = end + 1;
  }
  return list;
}

Json run_json(const RunInfo& r) {
  Json j = Json::object();
  j["scenario"] = r.scenario;
  j["fleetsim_version"] = r.fleetsim_version;
  j["seed"] = r.seed;
  j["window_start_s"] = number(r.window_start_s);
  j["window_end_s"] = number(r.window_end_s);
  j["simulated_end_s"] = number(r.simulated_end_s);
  j["engine_events"] = r.engine_events;
  j["pricing"] = r.pricing;
  j["pue"] = number(r.pue);
  j["electricity_usd_per_kwh"] = number(r.electricity_usd_per_kwh);
  j["carbon_intensity_g_per_kwh"] = number(r.carbon_intensity_g_per_kwh);
  return j;
}

// The carbon figures, alike for the fleet, its pools and its tool pools.
template <typename Figures>
void carbon(Json& j, const Figures& c) {
  j["carbon_operational_g"] = number(c.carbon_operational_g);
  j["carbon_embodied_g"] = number(c.carbon_embodied_g);
  j["carbon_g"] = number(c.carbon_g);
  j["carbon_per_session_g"] = number(c.carbon_per_session_g);
  j["carbon_per_million_tokens_g"] = number(c.carbon_per_million_tokens_g);
}

Json fleet_json(const FleetReport& f) {
  Json j = Json::object();
  j["nodes"] = f.nodes;
  j["total_cost_usd"] = number(f.total_cost_usd);
  j["compute_cost_usd"] = number(f.compute_cost_usd);
  j["energy_cost_usd"] = number(f.energy_cost_usd);
  j["cost_per_session_usd"] = number(f.cost_per_session_usd);
  j["cost_per_llm_call_usd"] = number(f.cost_per_llm_call_usd);
  j["cost_per_million_output_tokens_usd"] = number(f.cost_per_million_output_tokens_usd);
  j["cost_per_million_tokens_usd"] = number(f.cost_per_million_tokens_usd);
  carbon(j, f);
  j["it_energy_j"] = number(f.it_energy_j);
  j["facility_energy_j"] = number(f.facility_energy_j);
  j["energy_per_session_j"] = number(f.energy_per_session_j);
  j["output_tokens_per_joule"] = number(f.output_tokens_per_joule);
  j["mean_it_power_w"] = number(f.mean_it_power_w);
  j["peak_it_power_w"] = number(f.peak_it_power_w);
  j["mean_facility_power_w"] = number(f.mean_facility_power_w);
  j["sessions_per_s"] = number(f.sessions_per_s);
  j["llm_calls_per_s"] = number(f.llm_calls_per_s);
  j["output_tokens_per_s"] = number(f.output_tokens_per_s);
  return j;
}

// The figures model pools and tool pools share, in this order.
template <typename PoolFigures>
void power_cost_backlog(Json& j, const PoolFigures& p) {
  j["mean_power_w"] = number(p.mean_power_w);
  j["peak_power_w"] = number(p.peak_power_w);
  j["energy_j"] = number(p.energy_j);
  j["compute_cost_usd"] = number(p.compute_cost_usd);
  j["energy_cost_usd"] = number(p.energy_cost_usd);
  j["cost_usd"] = number(p.cost_usd);
  carbon(j, p);
  j["calls_in_flight_first_half"] = number(p.calls_in_flight_first_half);
  j["calls_in_flight_second_half"] = number(p.calls_in_flight_second_half);
}

Json pool_json(const PoolReport& p) {
  Json j = Json::object();
  j["name"] = p.name;
  j["hardware"] = p.hardware;
  j["instance"] = p.instance;
  j["kind"] = p.kind;
  if (p.role != "unified") j["role"] = p.role;  // absent: unified, as before roles existed
  j["models"] = model_list(p.models);
  j["nodes"] = p.nodes;
  j["replicas"] = p.replicas;
  j["utilization"] = number(p.utilization);
  j["mean_batch_size"] = number(p.mean_batch_size);
  j["kv_cache_occupancy"] = number(p.kv_cache_occupancy);
  j["queueing_delay_mean_s"] = number(p.queueing_delay_mean_s);
  j["queueing_delay_p95_s"] = number(p.queueing_delay_p95_s);
  j["llm_calls"] = p.llm_calls;
  j["preemptions"] = p.preemptions;
  j["output_tokens"] = number(p.output_tokens);
  // Only when bought otherwise than on demand, as with tool pools below.
  if (p.purchase != kOnDemand) j["purchase"] = p.purchase;
  power_cost_backlog(j, p);
  // Only when the pool's engine uses tiers below device memory: a report of
  // a pool without them keeps the bytes it had before tiers existed.
  if (!p.kv_tiers.empty()) {
    Json tiers = Json::array();
    for (const KvTierReport& t : p.kv_tiers) {
      Json tier = Json::object();
      tier["name"] = t.name;
      tier["kind"] = t.kind;
      tier["capacity_bytes"] = number(t.capacity_bytes);
      tier["hits"] = t.hits;
      tier["bytes_reloaded"] = number(t.bytes_reloaded);
      tier["bytes_offloaded"] = number(t.bytes_offloaded);
      tier["reload_time_s"] = number(t.reload_time_s);
      tier["recompute_avoided_tokens"] = number(t.recompute_avoided_tokens);
      tier["caches_dropped"] = t.caches_dropped;
      tiers.push_back(std::move(tier));
    }
    j["kv_tiers"] = std::move(tiers);
  }
  // Only for an autoscaled pool, likewise.
  if (p.autoscale) {
    const AutoscaleReport& a = *p.autoscale;
    Json as = Json::object();
    as["policy"] = a.policy;
    as["min_nodes"] = a.min_nodes;
    as["max_nodes"] = a.max_nodes;
    as["node_hours"] = number(a.node_hours);
    as["mean_nodes"] = number(a.mean_nodes);
    as["peak_nodes"] = a.peak_nodes;
    as["nodes_started"] = a.nodes_started;
    as["nodes_drained"] = a.nodes_drained;
    as["provisioning_s"] = number(a.provisioning_s);
    j["autoscale"] = std::move(as);
  }
  // Only for a pool whose nodes fail, likewise.
  if (p.failures) {
    const FailureReport& f = *p.failures;
    Json fj = Json::object();
    fj["node_failures"] = f.node_failures;
    fj["calls_retried"] = f.calls_retried;
    fj["down_node_hours"] = number(f.down_node_hours);
    fj["availability"] = number(f.availability);
    fj["expected_availability"] = number(f.expected_availability);
    // Only for failures that give notice (spot interruptions).
    if (f.notice_s > 0) fj["notice_s"] = number(f.notice_s);
    j["failures"] = std::move(fj);
  }
  return j;
}

Json tool_pool_json(const ToolPoolReport& t) {
  Json j = Json::object();
  j["name"] = t.name;
  j["hardware"] = t.hardware;
  j["instance"] = t.instance;
  j["nodes"] = t.nodes;
  j["cores"] = t.cores;
  j["core_speed"] = number(t.core_speed);
  if (t.processor_sharing) j["discipline"] = "processor_sharing";  // absent: fifo
  j["utilization"] = number(t.utilization);
  j["queueing_delay_mean_s"] = number(t.queueing_delay_mean_s);
  j["queueing_delay_p95_s"] = number(t.queueing_delay_p95_s);
  j["queueing_delay_p99_s"] = number(t.queueing_delay_p99_s);
  j["tool_calls"] = t.tool_calls;
  j["node_hours"] = number(t.node_hours);
  power_cost_backlog(j, t);
  return j;
}

Json slo_json(const SloResult& s) {
  Json j = Json::object();
  j["metric"] = s.metric;
  j["percentile"] = number(s.percentile);
  j["bound_s"] = number(s.bound_s);
  j["observed_s"] = number(s.observed_s);
  j["attainment"] = number(s.attainment);
  j["met"] = s.met;
  return j;
}

Json session_graph_json(const SessionGraphReport& g) {
  Json j = Json::object();
  j["critical_path_mean_s"] = number(g.critical_path_mean_s);
  j["step_time_mean_s"] = number(g.step_time_mean_s);
  j["parallelism"] = number(g.parallelism);
  j["llm_calls_per_session"] = number(g.llm_calls_per_session);
  j["tool_calls_per_session"] = number(g.tool_calls_per_session);
  j["fan_outs_per_session"] = number(g.fan_outs_per_session);
  j["fan_out_width_mean"] = number(g.fan_out_width_mean);
  j["fan_out_width_max"] = g.fan_out_width_max;
  j["sub_agents_per_session"] = number(g.sub_agents_per_session);
  j["blocked_on_models_mean_s"] = number(g.blocked_on_models_mean_s);
  j["blocked_on_tools_mean_s"] = number(g.blocked_on_tools_mean_s);
  j["blocked_on_both_mean_s"] = number(g.blocked_on_both_mean_s);
  return j;
}

Json trace_replay_json(const TraceReplayReport& t) {
  Json j = Json::object();
  j["pacing"] = t.pacing;
  j["calls_issued"] = t.calls_issued;
  j["calls_late"] = t.calls_late;
  j["late_mean_s"] = number(t.late_mean_s);
  j["late_max_s"] = number(t.late_max_s);
  return j;
}

Json kv_transfers_json(const KvTransferReport& t) {
  Json j = Json::object();
  j["transfers"] = t.transfers;
  j["bytes_mean"] = number(t.bytes_mean);
  j["time_mean_s"] = number(t.time_mean_s);
  j["time_max_s"] = number(t.time_max_s);
  return j;
}

Json workload_json(const WorkloadReport& w) {
  Json j = Json::object();
  j["name"] = w.name;
  j["sessions_started"] = w.sessions_started;
  j["sessions_completed"] = w.sessions_completed;
  j["sessions_in_flight"] = w.sessions_in_flight;
  j["llm_calls"] = w.llm_calls;
  j["llm_calls_failed"] = w.llm_calls_failed;
  j["tool_calls"] = w.tool_calls;
  j["prompt_tokens"] = number(w.prompt_tokens);
  j["prefill_tokens"] = number(w.prefill_tokens);
  j["output_tokens"] = number(w.output_tokens);
  j["prefix_cache_hit_rate"] = number(w.prefix_cache_hit_rate);
  if (w.cross_session_hit_rate) j["cross_session_hit_rate"] = number(*w.cross_session_hit_rate);
  j["ttft_s"] = latency(w.ttft_s);
  j["tpot_s"] = latency(w.tpot_s);
  j["call_latency_s"] = latency(w.call_latency_s);
  j["session_latency_s"] = latency(w.session_latency_s);
  Json slos = Json::array();
  for (const SloResult& s : w.slos) slos.push_back(slo_json(s));
  j["slos"] = std::move(slos);
  j["slos_met"] = w.slos_met;
  j["goodput_sessions_per_s"] = number(w.goodput_sessions_per_s);
  j["cost_usd"] = number(w.cost_usd);
  j["cost_per_session_usd"] = number(w.cost_per_session_usd);
  j["sessions_in_system_first_half"] = number(w.sessions_in_system_first_half);
  j["sessions_in_system_second_half"] = number(w.sessions_in_system_second_half);
  if (w.graph) j["graph"] = session_graph_json(*w.graph);
  if (w.trace_replay) j["trace_replay"] = trace_replay_json(*w.trace_replay);
  if (w.kv_transfers) j["kv_transfers"] = kv_transfers_json(*w.kv_transfers);
  return j;
}

Json little_law_json(const LittleLawCheck& c) {
  Json j = Json::object();
  j["mean_sessions_in_system"] = number(c.mean_sessions_in_system);
  j["arrival_rate_per_s"] = number(c.arrival_rate_per_s);
  j["mean_session_time_s"] = number(c.mean_session_time_s);
  j["relative_error"] = number(c.relative_error);
  return j;
}

Json text_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json stability_json(const StabilityCheck& c) {
  Json j = Json::object();
  j["stable"] = c.stable;
  Json findings = Json::array();
  for (const StabilityFinding& f : c.findings) {
    Json e = Json::object();
    e["kind"] = f.kind;
    e["pool"] = text_or_null(f.pool);
    e["workload"] = text_or_null(f.workload);
    e["utilization"] = number(f.utilization);
    e["figure"] = f.figure;
    e["first_half"] = number(f.first_half);
    e["second_half"] = number(f.second_half);
    e["arrival_ratio"] = number(f.arrival_ratio);
    e["hint"] = f.hint;
    findings.push_back(std::move(e));
  }
  j["findings"] = std::move(findings);
  return j;
}

}  // namespace

nlohmann::ordered_json report_to_json(const Report& report) {
  Json j = Json::object();
  j["schema"] = kReportSchema;
  j["run"] = run_json(report.run);
  j["fleet"] = fleet_json(report.fleet);
  Json pools = Json::array();
  for (const PoolReport& p : report.pools) pools.push_back(pool_json(p));
  j["pools"] = std::move(pools);
  // Only when the scenario has tool pools: a report of a fleet without them
  // keeps the bytes it had before tool pools existed.
  if (!report.tool_pools.empty()) {
    Json tool_pools = Json::array();
    for (const ToolPoolReport& t : report.tool_pools) tool_pools.push_back(tool_pool_json(t));
    j["tool_pools"] = std::move(tool_pools);
  }
  // Only when a node type of the fleet lists purchase options.
  if (!report.purchase_options.empty()) {
    Json options = Json::array();
    for (const PurchaseOptionReport& o : report.purchase_options) {
      Json row = Json::object();
      row["option"] = o.option;
      row["cost_usd"] = number(o.cost_usd);
      row["cost_per_session_usd"] = number(o.cost_per_session_usd);
      row["cost_per_million_tokens_usd"] = number(o.cost_per_million_tokens_usd);
      row["pools_on_demand"] = o.pools_on_demand;
      options.push_back(std::move(row));
    }
    j["purchase_options"] = std::move(options);
  }
  Json workloads = Json::array();
  for (const WorkloadReport& w : report.workloads) workloads.push_back(workload_json(w));
  j["workloads"] = std::move(workloads);
  j["checks"] = Json::object();
  j["checks"]["little_law"] = little_law_json(report.little_law);
  j["checks"]["stability"] = stability_json(report.stability);
  // Only in a report merged from cells (docs/cells.md).
  if (!report.cells.empty()) {
    Json cells = Json::array();
    for (const CellReport& c : report.cells) {
      Json cell = Json::object();
      cell["name"] = c.name;
      cell["traffic_scale"] = number(c.traffic_scale);
      cell["seed"] = c.seed;
      cell["report"] = c.report ? report_to_json(*c.report) : Json();
      cells.push_back(std::move(cell));
    }
    j["cells"] = std::move(cells);
  }
  return j;
}

std::string render_json(const Report& report) {
  // Names come from user files; a stray invalid UTF-8 byte must not abort a
  // finished run, so it is replaced (U+FFFD) rather than thrown on.
  return report_to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

}  // namespace fleetsim
