#include "fleetsim/core/cell_merge.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "fleetsim/core/report_builder.hpp"
#include "fleetsim/core/stability.hpp"
#include "report_builder_parts.hpp"

namespace fleetsim {
namespace {

using report_parts::kUndefined;
using report_parts::ratio;

// One value when every cell has the same, else undefined (null in JSON).
template <typename Get>
double common(const std::vector<CellRun>& cells, Get get) {
  const double first = get(cells.front().report.run);
  for (const CellRun& c : cells)
    if (!(get(c.report.run) == first)) return kUndefined;
  return first;
}

// The SLOs two cells give a workload agree when their metrics, percentiles
// and bounds do: only then do their samples pool into one attainment.
bool same_targets(const std::vector<SloResult>& a, const std::vector<SloResult>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].metric != b[i].metric || a[i].percentile != b[i].percentile || a[i].bound_s != b[i].bound_s) return false;
  return true;
}

const QuantileSketch& sketch_of(const WorkloadMeasures& m, const std::string& metric) {
  if (metric == "ttft") return m.ttft_s;
  if (metric == "tpot") return m.tpot_s;
  return m.session_latency_s;
}

// A workload's figures over every cell that has it.
struct WorkloadSum {
  WorkloadReport report;
  WorkloadMeasures measures;
  std::vector<SloResult> targets;
  bool any_cross_session = false;
  double cross_session_tokens = 0.0;  // prompt tokens of the cells that report it
  KvTransferReport kv;
  double kv_bytes = 0.0, kv_time = 0.0;
  bool any_kv = false;
  std::optional<TraceReplayReport> trace;
  double trace_late_s = 0.0;
};

void add_workload(WorkloadSum& sum, const WorkloadReport& w, const WorkloadMeasures& m) {
  WorkloadReport& r = sum.report;
  r.sessions_started += w.sessions_started;
  r.sessions_completed += w.sessions_completed;
  r.sessions_in_flight += w.sessions_in_flight;
  r.llm_calls += w.llm_calls;
  r.llm_calls_failed += w.llm_calls_failed;
  r.tool_calls += w.tool_calls;
  r.prompt_tokens += w.prompt_tokens;
  r.prefill_tokens += w.prefill_tokens;
  r.output_tokens += w.output_tokens;
  r.cost_usd += w.cost_usd;
  r.sessions_in_system_first_half += w.sessions_in_system_first_half;
  r.sessions_in_system_second_half += w.sessions_in_system_second_half;
  r.expected_arrivals_first_half += w.expected_arrivals_first_half;
  r.expected_arrivals_second_half += w.expected_arrivals_second_half;
  sum.measures.sessions_met_slo += m.sessions_met_slo;
  sum.measures.cached_tokens += m.cached_tokens;
  sum.measures.shared_prefix_cached_tokens += m.shared_prefix_cached_tokens;
  sum.measures.ttft_s.merge(m.ttft_s);
  sum.measures.tpot_s.merge(m.tpot_s);
  sum.measures.call_latency_s.merge(m.call_latency_s);
  sum.measures.session_latency_s.merge(m.session_latency_s);
  if (w.cross_session_hit_rate) {
    sum.any_cross_session = true;
    sum.cross_session_tokens += w.prompt_tokens;
  }
  if (w.kv_transfers) {
    sum.any_kv = true;
    const auto n = static_cast<double>(w.kv_transfers->transfers);
    sum.kv.transfers += w.kv_transfers->transfers;
    sum.kv_bytes += w.kv_transfers->bytes_mean * n;
    sum.kv_time += w.kv_transfers->time_mean_s * n;
    sum.kv.time_max_s = std::max(sum.kv.time_max_s, w.kv_transfers->time_max_s);
  }
  if (w.trace_replay) {
    if (!sum.trace) sum.trace = TraceReplayReport{w.trace_replay->pacing, 0, 0, 0.0, 0.0};
    sum.trace->calls_issued += w.trace_replay->calls_issued;
    sum.trace->calls_late += w.trace_replay->calls_late;
    sum.trace_late_s += w.trace_replay->late_mean_s * static_cast<double>(w.trace_replay->calls_late);
    sum.trace->late_max_s = std::max(sum.trace->late_max_s, w.trace_replay->late_max_s);
  }
}

// The summed workload's ratios, latencies and SLOs, as a run derives them.
WorkloadReport finish_workload(WorkloadSum& sum, double window_s) {
  WorkloadReport r = std::move(sum.report);
  const WorkloadMeasures& m = sum.measures;
  r.prefix_cache_hit_rate = ratio(m.cached_tokens, r.prompt_tokens);
  // Only the cells that hold a shared prefix count its hits.
  if (sum.any_cross_session) r.cross_session_hit_rate = ratio(m.shared_prefix_cached_tokens, sum.cross_session_tokens);
  r.ttft_s = report_parts::summarize(m.ttft_s);
  r.tpot_s = report_parts::summarize(m.tpot_s);
  r.call_latency_s = report_parts::summarize(m.call_latency_s);
  r.session_latency_s = report_parts::summarize(m.session_latency_s);
  r.slos.clear();
  r.slos_met = true;
  for (const SloResult& target : sum.targets)
    report_parts::add_slo(r, target.metric.c_str(), target.percentile, target.bound_s, sketch_of(m, target.metric));
  r.goodput_sessions_per_s = ratio(static_cast<double>(m.sessions_met_slo), window_s);
  r.cost_per_session_usd = ratio(r.cost_usd, static_cast<double>(r.sessions_completed));
  // The cells' own graph figures are means over sessions whose count the
  // report does not give: they stay in each cell's report.
  r.graph.reset();
  if (sum.any_kv) {
    const auto n = static_cast<double>(sum.kv.transfers);
    sum.kv.bytes_mean = ratio(sum.kv_bytes, n);
    sum.kv.time_mean_s = ratio(sum.kv_time, n);
    r.kv_transfers = sum.kv;
  }
  if (sum.trace) {
    sum.trace->late_mean_s = ratio(sum.trace_late_s, static_cast<double>(sum.trace->calls_late));
    r.trace_replay = sum.trace;
  }
  return r;
}

// Purchase options merge when every cell prices the same ones.
std::vector<PurchaseOptionReport> merged_purchase_options(const std::vector<CellRun>& cells) {
  std::vector<PurchaseOptionReport> out = cells.front().report.purchase_options;
  for (PurchaseOptionReport& o : out) {
    o.cost_usd = 0.0;
    o.pools_on_demand.clear();
  }
  for (const CellRun& c : cells) {
    const auto& options = c.report.purchase_options;
    if (options.size() != out.size()) return {};
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (options[i].option != out[i].option) return {};
      out[i].cost_usd += options[i].cost_usd;
      for (const std::string& pool : options[i].pools_on_demand) out[i].pools_on_demand.push_back(c.name + "/" + pool);
    }
  }
  return out;
}

void add_fleet(FleetReport& f, const FleetReport& cell) {
  f.nodes += cell.nodes;
  f.total_cost_usd += cell.total_cost_usd;
  f.compute_cost_usd += cell.compute_cost_usd;
  f.energy_cost_usd += cell.energy_cost_usd;
  f.carbon_operational_g += cell.carbon_operational_g;
  f.carbon_embodied_g += cell.carbon_embodied_g;
  f.it_energy_j += cell.it_energy_j;
  f.facility_energy_j += cell.facility_energy_j;
  f.peak_it_power_w += cell.peak_it_power_w;  // an upper bound, like a run's
}

}  // namespace

CellMeasures cell_measures(const Scenario& scenario, const FleetMetrics& metrics) {
  CellMeasures out;
  for (std::size_t w = 0; w < metrics.workloads.size() && w < scenario.workloads.size(); ++w) {
    const WorkloadMetrics& m = metrics.workloads[w];
    out.workloads.push_back({scenario.workloads[w].name, m.sessions_met_slo, m.cached_tokens,
                             m.shared_prefix_cached_tokens, m.ttft_s, m.tpot_s, m.call_latency_s,
                             m.session_latency_s});
  }
  out.occupancy = metrics.occupancy;
  return out;
}

std::optional<Report> merge_cells(const std::vector<CellRun>& cells, std::uint64_t seed, std::string& error) {
  if (cells.empty()) {
    error = "no cells to merge";
    return std::nullopt;
  }
  const RunInfo& first = cells.front().report.run;
  Report rep;
  rep.run = first;
  rep.run.seed = seed;
  rep.run.engine_events = 0;
  rep.run.pue = common(cells, [](const RunInfo& r) { return r.pue; });
  rep.run.electricity_usd_per_kwh = common(cells, [](const RunInfo& r) { return r.electricity_usd_per_kwh; });
  rep.run.carbon_intensity_g_per_kwh = common(cells, [](const RunInfo& r) { return r.carbon_intensity_g_per_kwh; });
  std::vector<WorkloadSum> sums;
  OccupancyIntegral occupancy;
  for (const CellRun& c : cells) {
    const Report& r = c.report;
    if (r.run.window_start_s != first.window_start_s || r.run.window_end_s != first.window_end_s) {
      error = "cell \"" + c.name + "\" measured another window than cell \"" + cells.front().name + "\"";
      return std::nullopt;
    }
    if (r.run.pricing != first.pricing) {
      error = "cell \"" + c.name + "\" prices its fleet " + r.run.pricing + ", cell \"" + cells.front().name +
              "\" " + first.pricing + ": their costs do not add up";
      return std::nullopt;
    }
    if (c.measures.workloads.size() != r.workloads.size()) {
      error = "cell \"" + c.name + "\": its measures do not match its report's workloads";
      return std::nullopt;
    }
    rep.run.simulated_end_s = std::max(rep.run.simulated_end_s, r.run.simulated_end_s);
    rep.run.engine_events += r.run.engine_events;
    for (std::size_t w = 0; w < r.workloads.size(); ++w) {
      const WorkloadReport& wr = r.workloads[w];
      if (c.measures.workloads[w].name != wr.name) {
        error = "cell \"" + c.name + "\": its measures do not match its report's workloads";
        return std::nullopt;
      }
      auto it = std::find_if(sums.begin(), sums.end(), [&](const WorkloadSum& s) { return s.report.name == wr.name; });
      if (it == sums.end()) {
        WorkloadSum fresh;
        fresh.report.name = wr.name;
        fresh.targets = wr.slos;
        sums.push_back(std::move(fresh));
        it = sums.end() - 1;
      } else if (!same_targets(it->targets, wr.slos)) {
        error = "workload \"" + wr.name + "\" has other SLOs in cell \"" + c.name +
                "\" than in an earlier cell: their attainments cannot be pooled";
        return std::nullopt;
      }
      add_workload(*it, wr, c.measures.workloads[w]);
    }
    for (PoolReport p : r.pools) {
      p.name = c.name + "/" + p.name;
      rep.pools.push_back(std::move(p));
    }
    for (ToolPoolReport t : r.tool_pools) {
      t.name = c.name + "/" + t.name;
      rep.tool_pools.push_back(std::move(t));
    }
    for (KvStoreReport k : r.kv_stores) {  // a cell's remote KV stores, named by cell as its pools are
      k.name = c.name + "/" + k.name;
      rep.kv_stores.push_back(std::move(k));
    }
    add_fleet(rep.fleet, r.fleet);
    occupancy.area += c.measures.occupancy.area;
    occupancy.arrivals += c.measures.occupancy.arrivals;
    occupancy.completed_time_s += c.measures.occupancy.completed_time_s;
    occupancy.completed += c.measures.occupancy.completed;
    rep.cells.push_back({c.name, c.traffic_scale, c.seed, std::make_shared<const Report>(r)});
  }
  const double window = std::max(0.0, first.window_end_s - first.window_start_s);
  for (WorkloadSum& s : sums) rep.workloads.push_back(finish_workload(s, window));
  rep.purchase_options = merged_purchase_options(cells);
  fleet_rates_from_totals(rep, window);
  // As a run derives it when the cells share a PUE (so one cell's merge is
  // its own report's figure), else from the summed facility energy.
  rep.fleet.mean_facility_power_w = std::isnan(rep.run.pue) ? ratio(rep.fleet.facility_energy_j, window)
                                                            : rep.fleet.mean_it_power_w * rep.run.pue;
  rep.little_law = little_law(occupancy, window);
  rep.stability = check_stability(rep);
  return rep;
}

}  // namespace fleetsim
