#include "fleetsim/io/report_reader.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "fleetsim/core/purchase.hpp"
#include "report_json.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

// The first problem found, with the path of the field: thrown, as one bad
// field makes the whole report unreadable.
struct ReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The members of one JSON object, read by name; `where` is its path
// ("pools.1"), for messages.
class Fields {
 public:
  Fields(const Json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) fail("", "expected an object");
  }

  bool has(const char* key) const { return object_.contains(key); }

  // A figure: null (the writer's non-finite number) reads as NaN.
  double number(const char* key) const {
    const Json& v = at(key);
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) fail(key, "expected a number or null");
    return v.get<double>();
  }

  // A count: an integer within the field's range (nlohmann would wrap one
  // outside it silently).
  template <typename Integer>
  Integer integer(const char* key) const {
    const Json& v = at(key);
    if (!v.is_number_integer()) fail(key, "expected an integer");
    using Limits = std::numeric_limits<Integer>;
    const auto max = static_cast<std::uint64_t>(Limits::max());
    bool fits = false;
    if (v.is_number_unsigned()) {
      fits = v.get<std::uint64_t>() <= max;
    } else {
      const auto x = v.get<std::int64_t>();
      fits = x >= 0 ? static_cast<std::uint64_t>(x) <= max
                    : Limits::is_signed && x >= static_cast<std::int64_t>(Limits::min());
    }
    if (!fits) fail(key, "out of range");
    return v.get<Integer>();
  }

  bool boolean(const char* key) const {
    const Json& v = at(key);
    if (!v.is_boolean()) fail(key, "expected true or false");
    return v.get<bool>();
  }

  std::string text(const char* key) const {
    const Json& v = at(key);
    if (!v.is_string()) fail(key, "expected text");
    return v.get<std::string>();
  }

  // Text or null (none): null reads as "".
  std::string text_or_empty(const char* key) const {
    if (at(key).is_null()) return {};
    return text(key);
  }

  Fields object(const char* key) const { return Fields(at(key), path(key)); }

  // The list's items, each with its path.
  template <typename Read>
  void each(const char* key, Read read) const {
    const Json& v = at(key);
    if (!v.is_array()) fail(key, "expected a list");
    for (std::size_t i = 0; i < v.size(); ++i) read(v[i], path(key) + "." + std::to_string(i));
  }

  [[noreturn]] void fail(std::string_view key, std::string_view problem) const {
    throw ReadError(path(key) + ": " + std::string(problem));
  }

 private:
  const Json& at(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end()) fail(key, "missing");
    return *it;
  }
  std::string path(std::string_view key) const {
    if (key.empty()) return where_.empty() ? "the report" : where_;
    return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
  }

  const Json& object_;
  std::string where_;
};

LatencySummary latency(const Fields& f) {
  LatencySummary s;
  s.count = f.integer<std::uint64_t>("count");
  s.mean = f.number("mean");
  s.p50 = f.number("p50");
  s.p90 = f.number("p90");
  s.p95 = f.number("p95");
  s.p99 = f.number("p99");
  s.max = f.number("max");
  return s;
}

RunInfo run_info(const Fields& f) {
  RunInfo r;
  r.scenario = f.text("scenario");
  r.fleetsim_version = f.text("fleetsim_version");
  r.seed = f.integer<std::uint64_t>("seed");
  r.window_start_s = f.number("window_start_s");
  r.window_end_s = f.number("window_end_s");
  r.simulated_end_s = f.number("simulated_end_s");
  r.engine_events = f.integer<std::int64_t>("engine_events");
  r.pricing = f.text("pricing");
  r.pue = f.number("pue");
  r.electricity_usd_per_kwh = f.number("electricity_usd_per_kwh");
  r.carbon_intensity_g_per_kwh = f.number("carbon_intensity_g_per_kwh");
  return r;
}

// The carbon figures, alike for the fleet, its pools and its tool pools.
template <typename Figures>
void carbon(const Fields& f, Figures& c) {
  c.carbon_operational_g = f.number("carbon_operational_g");
  c.carbon_embodied_g = f.number("carbon_embodied_g");
  c.carbon_g = f.number("carbon_g");
  c.carbon_per_session_g = f.number("carbon_per_session_g");
  c.carbon_per_million_tokens_g = f.number("carbon_per_million_tokens_g");
}

FleetReport fleet(const Fields& f) {
  FleetReport r;
  r.nodes = f.integer<int>("nodes");
  r.total_cost_usd = f.number("total_cost_usd");
  r.compute_cost_usd = f.number("compute_cost_usd");
  r.energy_cost_usd = f.number("energy_cost_usd");
  r.cost_per_session_usd = f.number("cost_per_session_usd");
  r.cost_per_llm_call_usd = f.number("cost_per_llm_call_usd");
  r.cost_per_million_output_tokens_usd = f.number("cost_per_million_output_tokens_usd");
  r.cost_per_million_tokens_usd = f.number("cost_per_million_tokens_usd");
  carbon(f, r);
  r.it_energy_j = f.number("it_energy_j");
  r.facility_energy_j = f.number("facility_energy_j");
  r.energy_per_session_j = f.number("energy_per_session_j");
  r.output_tokens_per_joule = f.number("output_tokens_per_joule");
  r.mean_it_power_w = f.number("mean_it_power_w");
  r.peak_it_power_w = f.number("peak_it_power_w");
  r.mean_facility_power_w = f.number("mean_facility_power_w");
  r.sessions_per_s = f.number("sessions_per_s");
  r.llm_calls_per_s = f.number("llm_calls_per_s");
  r.output_tokens_per_s = f.number("output_tokens_per_s");
  return r;
}

// The figures model pools and tool pools share.
template <typename PoolFigures>
void power_cost_backlog(const Fields& f, PoolFigures& p) {
  p.mean_power_w = f.number("mean_power_w");
  p.peak_power_w = f.number("peak_power_w");
  p.energy_j = f.number("energy_j");
  p.compute_cost_usd = f.number("compute_cost_usd");
  p.energy_cost_usd = f.number("energy_cost_usd");
  p.cost_usd = f.number("cost_usd");
  carbon(f, p);
  p.calls_in_flight_first_half = f.number("calls_in_flight_first_half");
  p.calls_in_flight_second_half = f.number("calls_in_flight_second_half");
}

KvTierReport kv_tier(const Fields& f) {
  KvTierReport t;
  t.name = f.text("name");
  t.kind = f.text("kind");
  t.capacity_bytes = f.number("capacity_bytes");
  t.hits = f.integer<std::int64_t>("hits");
  t.bytes_reloaded = f.number("bytes_reloaded");
  t.bytes_offloaded = f.number("bytes_offloaded");
  t.reload_time_s = f.number("reload_time_s");
  t.recompute_avoided_tokens = f.number("recompute_avoided_tokens");
  t.caches_dropped = f.integer<std::int64_t>("caches_dropped");
  return t;
}

AutoscaleReport autoscale(const Fields& f) {
  AutoscaleReport a;
  a.policy = f.text("policy");
  a.min_nodes = f.integer<int>("min_nodes");
  a.max_nodes = f.integer<int>("max_nodes");
  a.node_hours = f.number("node_hours");
  a.mean_nodes = f.number("mean_nodes");
  a.peak_nodes = f.integer<int>("peak_nodes");
  a.nodes_started = f.integer<std::int64_t>("nodes_started");
  a.nodes_drained = f.integer<std::int64_t>("nodes_drained");
  a.provisioning_s = f.number("provisioning_s");
  return a;
}

FailureReport failures(const Fields& f) {
  FailureReport r;
  r.node_failures = f.integer<std::int64_t>("node_failures");
  r.calls_retried = f.integer<std::int64_t>("calls_retried");
  r.down_node_hours = f.number("down_node_hours");
  r.availability = f.number("availability");
  r.expected_availability = f.number("expected_availability");
  if (f.has("notice_s")) r.notice_s = f.number("notice_s");  // absent: no notice
  return r;
}

PoolReport pool(const Fields& f) {
  PoolReport p;
  p.name = f.text("name");
  p.hardware = f.text("hardware");
  p.instance = f.text("instance");
  p.kind = f.text("kind");
  p.role = f.has("role") ? f.text("role") : "unified";
  f.each("models", [&](const Json& model, const std::string& where) {
    if (!model.is_string()) throw ReadError(where + ": expected text");
    p.models += (p.models.empty() ? "" : ",") + model.get<std::string>();  // as the report builder joins them
  });
  p.nodes = f.integer<int>("nodes");
  p.replicas = f.integer<int>("replicas");
  p.utilization = f.number("utilization");
  p.mean_batch_size = f.number("mean_batch_size");
  p.kv_cache_occupancy = f.number("kv_cache_occupancy");
  p.queueing_delay_mean_s = f.number("queueing_delay_mean_s");
  p.queueing_delay_p95_s = f.number("queueing_delay_p95_s");
  p.llm_calls = f.integer<std::int64_t>("llm_calls");
  p.preemptions = f.integer<std::int64_t>("preemptions");
  p.output_tokens = f.number("output_tokens");
  p.purchase = f.has("purchase") ? f.text("purchase") : kOnDemand;
  power_cost_backlog(f, p);
  if (f.has("kv_tiers"))
    f.each("kv_tiers", [&](const Json& t, const std::string& where) { p.kv_tiers.push_back(kv_tier(Fields(t, where))); });
  if (f.has("autoscale")) p.autoscale = autoscale(f.object("autoscale"));
  if (f.has("failures")) p.failures = failures(f.object("failures"));
  return p;
}

ToolPoolReport tool_pool(const Fields& f) {
  ToolPoolReport t;
  t.name = f.text("name");
  t.hardware = f.text("hardware");
  t.instance = f.text("instance");
  t.nodes = f.integer<int>("nodes");
  t.cores = f.integer<int>("cores");
  t.core_speed = f.number("core_speed");
  if (f.has("discipline")) {
    const std::string discipline = f.text("discipline");
    if (discipline != "processor_sharing" && discipline != "fifo")
      f.fail("discipline", "expected \"processor_sharing\" or \"fifo\"");
    t.processor_sharing = discipline == "processor_sharing";
  }
  t.utilization = f.number("utilization");
  t.queueing_delay_mean_s = f.number("queueing_delay_mean_s");
  t.queueing_delay_p95_s = f.number("queueing_delay_p95_s");
  t.queueing_delay_p99_s = f.number("queueing_delay_p99_s");
  t.tool_calls = f.integer<std::int64_t>("tool_calls");
  t.node_hours = f.number("node_hours");
  power_cost_backlog(f, t);
  return t;
}

PurchaseOptionReport purchase_option(const Fields& f) {
  PurchaseOptionReport o;
  o.option = f.text("option");
  o.cost_usd = f.number("cost_usd");
  o.cost_per_session_usd = f.number("cost_per_session_usd");
  o.cost_per_million_tokens_usd = f.number("cost_per_million_tokens_usd");
  f.each("pools_on_demand", [&](const Json& name, const std::string& where) {
    if (!name.is_string()) throw ReadError(where + ": expected text");
    o.pools_on_demand.push_back(name.get<std::string>());
  });
  return o;
}

SloResult slo(const Fields& f) {
  SloResult s;
  s.metric = f.text("metric");
  s.percentile = f.number("percentile");
  s.bound_s = f.number("bound_s");
  s.observed_s = f.number("observed_s");
  s.attainment = f.number("attainment");
  s.met = f.boolean("met");
  return s;
}

SessionGraphReport session_graph(const Fields& f) {
  SessionGraphReport g;
  g.critical_path_mean_s = f.number("critical_path_mean_s");
  g.step_time_mean_s = f.number("step_time_mean_s");
  g.parallelism = f.number("parallelism");
  g.llm_calls_per_session = f.number("llm_calls_per_session");
  g.tool_calls_per_session = f.number("tool_calls_per_session");
  g.fan_outs_per_session = f.number("fan_outs_per_session");
  g.fan_out_width_mean = f.number("fan_out_width_mean");
  g.fan_out_width_max = f.integer<std::int64_t>("fan_out_width_max");
  g.sub_agents_per_session = f.number("sub_agents_per_session");
  g.blocked_on_models_mean_s = f.number("blocked_on_models_mean_s");
  g.blocked_on_tools_mean_s = f.number("blocked_on_tools_mean_s");
  g.blocked_on_both_mean_s = f.number("blocked_on_both_mean_s");
  return g;
}

TraceReplayReport trace_replay(const Fields& f) {
  TraceReplayReport t;
  t.pacing = f.text("pacing");
  t.calls_issued = f.integer<std::int64_t>("calls_issued");
  t.calls_late = f.integer<std::int64_t>("calls_late");
  t.late_mean_s = f.number("late_mean_s");
  t.late_max_s = f.number("late_max_s");
  return t;
}

KvTransferReport kv_transfers(const Fields& f) {
  KvTransferReport t;
  t.transfers = f.integer<std::int64_t>("transfers");
  t.bytes_mean = f.number("bytes_mean");
  t.time_mean_s = f.number("time_mean_s");
  t.time_max_s = f.number("time_max_s");
  return t;
}

WorkloadReport workload(const Fields& f) {
  WorkloadReport w;
  w.name = f.text("name");
  w.sessions_started = f.integer<std::int64_t>("sessions_started");
  w.sessions_completed = f.integer<std::int64_t>("sessions_completed");
  w.sessions_in_flight = f.integer<std::int64_t>("sessions_in_flight");
  w.llm_calls = f.integer<std::int64_t>("llm_calls");
  w.llm_calls_failed = f.integer<std::int64_t>("llm_calls_failed");
  w.tool_calls = f.integer<std::int64_t>("tool_calls");
  w.prompt_tokens = f.number("prompt_tokens");
  w.prefill_tokens = f.number("prefill_tokens");
  w.output_tokens = f.number("output_tokens");
  w.prefix_cache_hit_rate = f.number("prefix_cache_hit_rate");
  if (f.has("cross_session_hit_rate")) w.cross_session_hit_rate = f.number("cross_session_hit_rate");
  w.ttft_s = latency(f.object("ttft_s"));
  w.tpot_s = latency(f.object("tpot_s"));
  w.call_latency_s = latency(f.object("call_latency_s"));
  w.session_latency_s = latency(f.object("session_latency_s"));
  f.each("slos", [&](const Json& s, const std::string& where) { w.slos.push_back(slo(Fields(s, where))); });
  w.slos_met = f.boolean("slos_met");
  w.goodput_sessions_per_s = f.number("goodput_sessions_per_s");
  w.cost_usd = f.number("cost_usd");
  w.cost_per_session_usd = f.number("cost_per_session_usd");
  w.sessions_in_system_first_half = f.number("sessions_in_system_first_half");
  w.sessions_in_system_second_half = f.number("sessions_in_system_second_half");
  if (f.has("graph")) w.graph = session_graph(f.object("graph"));
  if (f.has("trace_replay")) w.trace_replay = trace_replay(f.object("trace_replay"));
  if (f.has("kv_transfers")) w.kv_transfers = kv_transfers(f.object("kv_transfers"));
  return w;
}

LittleLawCheck little_law(const Fields& f) {
  LittleLawCheck c;
  c.mean_sessions_in_system = f.number("mean_sessions_in_system");
  c.arrival_rate_per_s = f.number("arrival_rate_per_s");
  c.mean_session_time_s = f.number("mean_session_time_s");
  c.relative_error = f.number("relative_error");
  return c;
}

StabilityCheck stability(const Fields& f) {
  StabilityCheck c;
  c.stable = f.boolean("stable");
  f.each("findings", [&](const Json& item, const std::string& where) {
    const Fields e(item, where);
    StabilityFinding finding;
    finding.kind = e.text("kind");
    finding.pool = e.text_or_empty("pool");
    finding.workload = e.text_or_empty("workload");
    finding.utilization = e.number("utilization");
    finding.figure = e.text("figure");
    finding.first_half = e.number("first_half");
    finding.second_half = e.number("second_half");
    finding.arrival_ratio = e.number("arrival_ratio");
    finding.hint = e.text("hint");
    c.findings.push_back(std::move(finding));
  });
  return c;
}

Report read_report(const Fields& root) {
  if (root.text("schema") != kReportSchema)
    root.fail("schema", "is " + root.text("schema") + ", not " + std::string(kReportSchema));
  Report report;
  report.run = run_info(root.object("run"));
  report.fleet = fleet(root.object("fleet"));
  root.each("pools", [&](const Json& p, const std::string& where) { report.pools.push_back(pool(Fields(p, where))); });
  if (root.has("tool_pools"))
    root.each("tool_pools", [&](const Json& t, const std::string& where) {
      report.tool_pools.push_back(tool_pool(Fields(t, where)));
    });
  if (root.has("purchase_options"))
    root.each("purchase_options", [&](const Json& o, const std::string& where) {
      report.purchase_options.push_back(purchase_option(Fields(o, where)));
    });
  root.each("workloads", [&](const Json& w, const std::string& where) {
    report.workloads.push_back(workload(Fields(w, where)));
  });
  const Fields checks = root.object("checks");
  report.little_law = little_law(checks.object("little_law"));
  report.stability = stability(checks.object("stability"));
  // A report merged from cells: each cell's own report within (docs/cells.md).
  if (root.has("cells"))
    root.each("cells", [&](const Json& c, const std::string& where) {
      const Fields f(c, where);
      CellReport cell;
      cell.name = f.text("name");
      cell.traffic_scale = f.number("traffic_scale");
      cell.seed = f.integer<std::uint64_t>("seed");
      const Fields inner = f.object("report");
      if (inner.has("cells")) inner.fail("cells", "a cell's report cannot have cells of its own");
      cell.report = std::make_shared<const Report>(read_report(inner));
      report.cells.push_back(std::move(cell));
    });
  return report;
}

}  // namespace

std::optional<Report> report_from_json(const nlohmann::ordered_json& json, std::string& error) {
  try {
    return read_report(Fields(json, ""));
  } catch (const ReadError& e) {
    error = e.what();
  }
  return std::nullopt;
}

}  // namespace fleetsim
