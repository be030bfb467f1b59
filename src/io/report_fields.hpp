// The report's JSON members, listed once. For each part of a Report, one
// function names its members in the order the JSON has them; the writer
// (report_json.cpp) and the reader (report_reader.cpp) walk the same lists,
// each with its own Side, so that a member cannot be written and not read
// back, or read under another name (tests/test_report_reader.cpp checks that
// every shipped scenario's report reads back to the same bytes). Private to
// src/io.
//
// A Side has, for a member `key` of the object at hand:
//   figure(key, x)            a double; written as null when not finite, read
//                             back as NaN
//   count(key, n)             an integer of n's type
//   text(key, s), flag(key, b)
//   text_unless(key, s, d)    absent when s == d (read back as d)
//   text_or_null(key, s)      "" written as null
//   figure_if(key, x, shown)  written only when `shown`; read when present
//   optional_figure(key, x)   a std::optional<double>, absent when empty
//   optional_count(key, n)    a std::optional<std::int64_t>, absent when empty
//   word_if(key, b, yes, no)  `yes` written when b, absent otherwise; read
//                             as b = (word == yes), another word than yes or
//                             no an error
//   names(key, v)             a list of text
//   joined_names(key, s)      the comma-separated names in s, as a list
//   object(key, x)            a nested object: report_fields(side, x)
//   optional(key, x)          a std::optional<T>, absent when empty
//   list(key, v)              a list of objects, each report_fields(side, item)
//   list_unless_empty(key, v) absent when v is empty
//   group(key, f)             a nested object whose members f(side) lists
//   nested_report(key, r)     a whole report within (a cell's): written by
//                             report_to_json, schema included; read back by
//                             the reader's own entry point, which refuses a
//                             nested report with cells of its own
// Every function is a template over the Side and over the part's constness:
// the writer walks a const Report, the reader fills one.
#pragma once

#include <concepts>
#include <type_traits>

#include "fleetsim/core/purchase.hpp"
#include "fleetsim/core/report.hpp"

namespace fleetsim {

// A part of the report, const (written) or not (read).
template <typename Part, typename T>
concept ReportPart = std::same_as<std::remove_const_t<Part>, T>;

template <typename Side, ReportPart<LatencySummary> L>
void report_fields(Side& s, L& l) {
  s.count("count", l.count);
  s.figure("mean", l.mean);
  s.figure("p50", l.p50);
  s.figure("p90", l.p90);
  s.figure("p95", l.p95);
  s.figure("p99", l.p99);
  s.figure("max", l.max);
}

template <typename Side, ReportPart<RunInfo> R>
void report_fields(Side& s, R& r) {
  s.text("scenario", r.scenario);
  s.text("fleetsim_version", r.fleetsim_version);
  s.count("seed", r.seed);
  s.figure("window_start_s", r.window_start_s);
  s.figure("window_end_s", r.window_end_s);
  s.figure("simulated_end_s", r.simulated_end_s);
  s.count("engine_events", r.engine_events);
  s.text("pricing", r.pricing);
  s.figure("pue", r.pue);
  s.figure("electricity_usd_per_kwh", r.electricity_usd_per_kwh);
  s.figure("carbon_intensity_g_per_kwh", r.carbon_intensity_g_per_kwh);
}

// The carbon figures, alike for the fleet, its pools and its tool pools.
template <typename Side, typename Figures>
void carbon_fields(Side& s, Figures& c) {
  s.figure("carbon_operational_g", c.carbon_operational_g);
  s.figure("carbon_embodied_g", c.carbon_embodied_g);
  s.figure("carbon_g", c.carbon_g);
  s.figure("carbon_per_session_g", c.carbon_per_session_g);
  s.figure("carbon_per_million_tokens_g", c.carbon_per_million_tokens_g);
}

template <typename Side, ReportPart<LoweredClocksReport> L>
void report_fields(Side& s, L& l) {
  s.count("plans", l.plans);
  s.figure("busy_s", l.busy_s);
  s.figure("extra_busy_s", l.extra_busy_s);
  s.figure("capacity_lost_fraction", l.capacity_lost_fraction);
}

template <typename Side, ReportPart<PowerCapReport> C>
void report_fields(Side& s, C& c) {
  s.figure("cap_w", c.cap_w);
  s.optional_figure("highest_cap_w", c.highest_cap_w);
  s.figure("baseline_w", c.baseline_w);
  s.figure("peak_power_w", c.peak_power_w);
  s.figure("time_at_cap_s", c.time_at_cap_s);
  s.figure("time_at_cap_fraction", c.time_at_cap_fraction);
  s.count("held_plans", c.held_plans);
  s.figure("held_replica_s", c.held_replica_s);
  s.figure("mean_hold_s", c.mean_hold_s);
  s.optional_figure("over_cap_s", c.over_cap_s);  // only with an autoscaled pool
  s.optional_figure("baseline_over_cap_s", c.baseline_over_cap_s);
  s.optional("lowered_clocks", c.lowered_clocks);
}

template <typename Side, ReportPart<FleetReport> F>
void report_fields(Side& s, F& f) {
  s.count("nodes", f.nodes);
  s.figure("total_cost_usd", f.total_cost_usd);
  s.figure("compute_cost_usd", f.compute_cost_usd);
  s.figure("energy_cost_usd", f.energy_cost_usd);
  s.figure("cost_per_session_usd", f.cost_per_session_usd);
  s.figure("cost_per_llm_call_usd", f.cost_per_llm_call_usd);
  s.figure("cost_per_million_output_tokens_usd", f.cost_per_million_output_tokens_usd);
  s.figure("cost_per_million_tokens_usd", f.cost_per_million_tokens_usd);
  carbon_fields(s, f);
  s.figure("it_energy_j", f.it_energy_j);
  s.figure("facility_energy_j", f.facility_energy_j);
  s.figure("energy_per_session_j", f.energy_per_session_j);
  s.figure("output_tokens_per_joule", f.output_tokens_per_joule);
  s.figure("mean_it_power_w", f.mean_it_power_w);
  s.figure("peak_it_power_w", f.peak_it_power_w);
  s.figure("mean_facility_power_w", f.mean_facility_power_w);
  s.figure("sessions_per_s", f.sessions_per_s);
  s.figure("llm_calls_per_s", f.llm_calls_per_s);
  s.figure("output_tokens_per_s", f.output_tokens_per_s);
  // Only with a site power cap: a report without one keeps its bytes.
  s.optional("power_cap", f.power_cap);
}

// The figures model pools and tool pools share, in this order.
// (A remote KV store's are these without the backlog.)
template <typename Side, typename PoolFigures>
void power_cost_fields(Side& s, PoolFigures& p) {
  s.figure("mean_power_w", p.mean_power_w);
  s.figure("peak_power_w", p.peak_power_w);
  s.figure("energy_j", p.energy_j);
  s.figure("compute_cost_usd", p.compute_cost_usd);
  s.figure("energy_cost_usd", p.energy_cost_usd);
  s.figure("cost_usd", p.cost_usd);
  carbon_fields(s, p);
}

template <typename Side, typename PoolFigures>
void power_cost_backlog_fields(Side& s, PoolFigures& p) {
  power_cost_fields(s, p);
  s.figure("calls_in_flight_first_half", p.calls_in_flight_first_half);
  s.figure("calls_in_flight_second_half", p.calls_in_flight_second_half);
}

template <typename Side, ReportPart<KvTierReport> T>
void report_fields(Side& s, T& t) {
  s.text("name", t.name);
  s.text("kind", t.kind);
  s.figure("capacity_bytes", t.capacity_bytes);
  s.count("hits", t.hits);
  s.figure("bytes_reloaded", t.bytes_reloaded);
  s.figure("bytes_offloaded", t.bytes_offloaded);
  s.figure("reload_time_s", t.reload_time_s);
  s.figure("recompute_avoided_tokens", t.recompute_avoided_tokens);
  s.count("caches_dropped", t.caches_dropped);
}

template <typename Side, ReportPart<AutoscaleReport> A>
void report_fields(Side& s, A& a) {
  s.text("policy", a.policy);
  s.count("min_nodes", a.min_nodes);
  s.count("max_nodes", a.max_nodes);
  s.figure("node_hours", a.node_hours);
  s.figure("mean_nodes", a.mean_nodes);
  s.count("peak_nodes", a.peak_nodes);
  s.count("nodes_started", a.nodes_started);
  s.count("nodes_drained", a.nodes_drained);
  s.figure("provisioning_s", a.provisioning_s);
  s.optional_count("starts_held_by_power_cap", a.starts_held_by_power_cap);  // only under a power cap
  s.optional_count("nodes_stopped_by_power_cap", a.nodes_stopped_by_power_cap);
}

template <typename Side, ReportPart<FailureReport> F>
void report_fields(Side& s, F& f) {
  s.text_unless("scope", f.scope, "node");  // absent: whole nodes fail, as before scopes existed
  s.count("node_failures", f.node_failures);
  s.count("calls_retried", f.calls_retried);
  s.count("prefill_tokens_lost", f.prefill_tokens_lost);
  s.count("output_tokens_lost", f.output_tokens_lost);
  s.figure("down_node_hours", f.down_node_hours);
  s.figure("availability", f.availability);
  s.figure("expected_availability", f.expected_availability);
  // Only for failures that give notice (spot interruptions).
  s.figure_if("notice_s", f.notice_s, f.notice_s > 0);
}

template <typename Side, ReportPart<RegimeEvidence> R>
void report_fields(Side& s, R& r) {
  s.text("name", r.name);
  s.count("cases", r.figures.cases);
  s.figure("median_error", r.figures.median_error);
  s.count("beyond_35", r.figures.beyond_35);
}

// A class or stack without published cases: no name, 0 cases, a null
// median (names are labels, which the CSV leaves out; a null would read as
// a figure there).
template <typename Side, ReportPart<PoolEvidence> E>
void report_fields(Side& s, E& e) {
  s.text_unless("class", e.hardware_class, "");
  s.count("class_cases", e.hardware.cases);
  s.figure("class_median_error", e.hardware.median_error);
  s.count("class_beyond_35", e.hardware.beyond_35);
  s.text_unless("stack", e.stack, "");
  s.count("stack_cases", e.stack_figures.cases);
  s.figure("stack_median_error", e.stack_figures.median_error);
  s.count("stack_beyond_35", e.stack_figures.beyond_35);
  s.optional("regime", e.regime);  // a CPU pool that served calls; absent before round 48
}

template <typename Side, ReportPart<PoolReport> P>
void report_fields(Side& s, P& p) {
  s.text("name", p.name);
  s.text("hardware", p.hardware);
  s.text("instance", p.instance);
  s.text("kind", p.kind);
  s.text_unless("role", p.role, "unified");  // absent: unified, as before roles existed
  s.joined_names("models", p.models);
  s.count("nodes", p.nodes);
  s.count("replicas", p.replicas);
  s.figure("utilization", p.utilization);
  s.figure("mean_batch_size", p.mean_batch_size);
  s.optional_figure("host_share", p.host_share);  // absent only in reports from before round 26
  s.figure("kv_cache_occupancy", p.kv_cache_occupancy);
  s.figure("queueing_delay_mean_s", p.queueing_delay_mean_s);
  s.figure("queueing_delay_p95_s", p.queueing_delay_p95_s);
  s.count("llm_calls", p.llm_calls);
  s.count("preemptions", p.preemptions);
  s.figure("output_tokens", p.output_tokens);
  // Only when bought otherwise than on demand, as with tool pools below.
  s.text_unless("purchase", p.purchase, kOnDemand);
  // Only for a pool run at a frequency state, likewise.
  s.text_unless("pstate", p.pstate, "");
  power_cost_backlog_fields(s, p);
  // Only when the pool's engine uses tiers below device memory: a report of
  // a pool without them keeps the bytes it had before tiers existed.
  s.list_unless_empty("kv_tiers", p.kv_tiers);
  s.optional("autoscale", p.autoscale);  // only for an autoscaled pool, likewise
  s.optional("failures", p.failures);    // only for a pool whose nodes fail, likewise
  s.optional("evidence", p.evidence);    // absent only in reports from before round 37
}

template <typename Side, ReportPart<ToolFailureReport> F>
void report_fields(Side& s, F& f) {
  s.count("node_failures", f.node_failures);
  s.count("calls_retried", f.calls_retried);
  s.figure("core_seconds_lost", f.core_seconds_lost);
  s.figure("down_node_hours", f.down_node_hours);
  s.figure("availability", f.availability);
  s.figure("expected_availability", f.expected_availability);
}

template <typename Side, ReportPart<ToolPoolReport> T>
void report_fields(Side& s, T& t) {
  s.text("name", t.name);
  s.text("hardware", t.hardware);
  s.text("instance", t.instance);
  s.count("nodes", t.nodes);
  s.count("cores", t.cores);
  s.figure("core_speed", t.core_speed);
  s.word_if("discipline", t.processor_sharing, "processor_sharing", "fifo");  // absent: fifo
  s.figure("utilization", t.utilization);
  s.figure("queueing_delay_mean_s", t.queueing_delay_mean_s);
  s.figure("queueing_delay_p95_s", t.queueing_delay_p95_s);
  s.figure("queueing_delay_p99_s", t.queueing_delay_p99_s);
  s.count("tool_calls", t.tool_calls);
  s.figure("node_hours", t.node_hours);
  power_cost_backlog_fields(s, t);
  s.optional("failures", t.failures);  // only for a pool whose nodes fail
}

template <typename Side, ReportPart<KvStoreReport> K>
void report_fields(Side& s, K& k) {
  s.text("name", k.name);
  s.text("hardware", k.hardware);
  s.text("instance", k.instance);
  s.count("nodes", k.nodes);
  s.figure("capacity_bytes", k.capacity_bytes);
  s.figure("memory_utilization", k.memory_utilization);
  s.figure("peak_memory_utilization", k.peak_memory_utilization);
  s.count("caches_stored", k.caches_stored);
  s.count("caches_evicted", k.caches_evicted);
  s.count("hits", k.hits);
  s.figure("node_hours", k.node_hours);
  power_cost_fields(s, k);
}

template <typename Side, ReportPart<NicGroupReport> G>
void report_fields(Side& s, G& g) {
  s.text("name", g.name);
  s.text("kind", g.kind);
  s.count("nics", g.nics);
  s.figure("bandwidth_bytes_per_s", g.bandwidth_bytes_per_s);
  s.figure("bytes_sent", g.bytes_sent);
  s.figure("bytes_received", g.bytes_received);
  s.figure("utilization_sent", g.utilization_sent);
  s.figure("utilization_received", g.utilization_received);
}

template <typename Side, ReportPart<UplinkReport> U>
void report_fields(Side& s, U& u) {
  s.count("rack", u.rack);
  s.count("nodes", u.nodes);
  s.figure("bandwidth_bytes_per_s", u.bandwidth_bytes_per_s);
  s.figure("bytes_up", u.bytes_up);
  s.figure("bytes_down", u.bytes_down);
  s.figure("utilization_up", u.utilization_up);
  s.figure("utilization_down", u.utilization_down);
}

template <typename Side, ReportPart<NetworkReport> N>
void report_fields(Side& s, N& n) {
  s.text("topology", n.topology);
  s.count("nodes_per_rack", n.nodes_per_rack);
  s.figure("oversubscription", n.oversubscription);
  s.list("nics", n.nics);
  s.list("uplinks", n.uplinks);
}

template <typename Side, ReportPart<PurchaseOptionReport> O>
void report_fields(Side& s, O& o) {
  s.text("option", o.option);
  s.figure("cost_usd", o.cost_usd);
  s.figure("cost_per_session_usd", o.cost_per_session_usd);
  s.figure("cost_per_million_tokens_usd", o.cost_per_million_tokens_usd);
  s.names("pools_on_demand", o.pools_on_demand);
}

template <typename Side, ReportPart<SloResult> R>
void report_fields(Side& s, R& r) {
  s.text("metric", r.metric);
  s.figure("percentile", r.percentile);
  s.figure("bound_s", r.bound_s);
  s.figure("observed_s", r.observed_s);
  s.figure("attainment", r.attainment);
  s.flag("met", r.met);
}

template <typename Side, ReportPart<SessionGraphReport> G>
void report_fields(Side& s, G& g) {
  s.figure("critical_path_mean_s", g.critical_path_mean_s);
  s.figure("step_time_mean_s", g.step_time_mean_s);
  s.figure("parallelism", g.parallelism);
  s.figure("llm_calls_per_session", g.llm_calls_per_session);
  s.figure("tool_calls_per_session", g.tool_calls_per_session);
  s.figure("fan_outs_per_session", g.fan_outs_per_session);
  s.figure("fan_out_width_mean", g.fan_out_width_mean);
  s.count("fan_out_width_max", g.fan_out_width_max);
  s.figure("sub_agents_per_session", g.sub_agents_per_session);
  s.figure("blocked_on_models_mean_s", g.blocked_on_models_mean_s);
  s.figure("blocked_on_tools_mean_s", g.blocked_on_tools_mean_s);
  s.figure("blocked_on_both_mean_s", g.blocked_on_both_mean_s);
}

template <typename Side, ReportPart<TraceReplayReport> T>
void report_fields(Side& s, T& t) {
  s.text("pacing", t.pacing);
  s.count("calls_issued", t.calls_issued);
  s.count("calls_late", t.calls_late);
  s.figure("late_mean_s", t.late_mean_s);
  s.figure("late_max_s", t.late_max_s);
}

template <typename Side, ReportPart<KvTransferReport> T>
void report_fields(Side& s, T& t) {
  s.count("transfers", t.transfers);
  s.figure("bytes_mean", t.bytes_mean);
  s.figure("time_mean_s", t.time_mean_s);
  s.figure("time_max_s", t.time_max_s);
}

template <typename Side, ReportPart<WorkloadReport> W>
void report_fields(Side& s, W& w) {
  s.text("name", w.name);
  s.count("sessions_started", w.sessions_started);
  s.count("sessions_completed", w.sessions_completed);
  s.count("sessions_in_flight", w.sessions_in_flight);
  s.count("llm_calls", w.llm_calls);
  s.count("llm_calls_failed", w.llm_calls_failed);
  s.count("tool_calls", w.tool_calls);
  s.figure("prompt_tokens", w.prompt_tokens);
  s.figure("prefill_tokens", w.prefill_tokens);
  s.figure("output_tokens", w.output_tokens);
  s.figure("prefix_cache_hit_rate", w.prefix_cache_hit_rate);
  s.optional_figure("cross_session_hit_rate", w.cross_session_hit_rate);
  s.object("ttft_s", w.ttft_s);
  s.object("tpot_s", w.tpot_s);
  s.object("call_latency_s", w.call_latency_s);
  s.object("session_latency_s", w.session_latency_s);
  s.list("slos", w.slos);
  s.flag("slos_met", w.slos_met);
  s.figure("goodput_sessions_per_s", w.goodput_sessions_per_s);
  s.figure("cost_usd", w.cost_usd);
  s.figure("cost_per_session_usd", w.cost_per_session_usd);
  s.figure("sessions_in_system_first_half", w.sessions_in_system_first_half);
  s.figure("sessions_in_system_second_half", w.sessions_in_system_second_half);
  s.optional("graph", w.graph);
  s.optional("trace_replay", w.trace_replay);
  s.optional("kv_transfers", w.kv_transfers);
}

template <typename Side, ReportPart<LittleLawCheck> C>
void report_fields(Side& s, C& c) {
  s.figure("mean_sessions_in_system", c.mean_sessions_in_system);
  s.figure("arrival_rate_per_s", c.arrival_rate_per_s);
  s.figure("mean_session_time_s", c.mean_session_time_s);
  s.figure("relative_error", c.relative_error);
}

template <typename Side, ReportPart<StabilityFinding> F>
void report_fields(Side& s, F& f) {
  s.text("kind", f.kind);
  s.text_or_null("pool", f.pool);
  s.text_or_null("workload", f.workload);
  s.figure("utilization", f.utilization);
  s.text("figure", f.figure);
  s.figure("first_half", f.first_half);
  s.figure("second_half", f.second_half);
  s.figure("arrival_ratio", f.arrival_ratio);
  s.text("hint", f.hint);
}

template <typename Side, ReportPart<StabilityCheck> C>
void report_fields(Side& s, C& c) {
  s.flag("stable", c.stable);
  s.list("findings", c.findings);
}

// One cell of a report merged from cells (docs/cells.md).
template <typename Side, ReportPart<CellReport> C>
void report_fields(Side& s, C& c) {
  s.text("name", c.name);
  s.figure("traffic_scale", c.traffic_scale);
  s.count("seed", c.seed);
  s.nested_report("report", c.report);
}

// The whole report, after its `schema` member (which each side handles:
// the writer writes kReportSchema, the reader checks it).
template <typename Side, ReportPart<Report> R>
void report_fields(Side& s, R& r) {
  s.object("run", r.run);
  s.object("fleet", r.fleet);
  s.list("pools", r.pools);
  // Only when the scenario has tool pools: a report of a fleet without them
  // keeps the bytes it had before tool pools existed.
  s.list_unless_empty("tool_pools", r.tool_pools);
  // Only when the scenario declares remote KV stores, likewise.
  s.list_unless_empty("kv_stores", r.kv_stores);
  // Only when the scenario declares fleet.network, likewise.
  s.optional("network", r.network);
  // Only when a node type of the fleet lists purchase options.
  s.list_unless_empty("purchase_options", r.purchase_options);
  s.list("workloads", r.workloads);
  s.group("checks", [&](Side& checks) {
    checks.object("little_law", r.little_law);
    checks.object("stability", r.stability);
  });
  // Only in a report merged from cells: each cell's own report within.
  s.list_unless_empty("cells", r.cells);
}

}  // namespace fleetsim
