// The terminal report: what a person reads after a run. Figures are rounded
// for reading; the JSON and CSV writers carry full precision.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "fleetsim/io/report_writers.hpp"
#include "report_table_parts.hpp"
#include "fleetsim/io/report_text.hpp"

namespace fleetsim {
namespace {

namespace text = report_text;
using Align = text::TextTable::Align;

// A Little's-law gap above this is worth a reader's attention: either the
// window is too short for the system to reach steady state, or a bug.
constexpr double kLittleLawWarnAbove = 0.05;

constexpr std::size_t kLabelWidth = 24;

}  // namespace

namespace report_table {

void line(std::string& out, std::string_view label, std::string_view value) {
  out += fmt::format("  {:<{}}{}\n", label, kLabelWidth, value);
}

std::string slo_seconds(double s) {
  if (!std::isfinite(s)) return "n/a";
  int decimals = 3;
  if (s != 0.0)
    decimals = std::max(decimals, 2 - static_cast<int>(std::floor(std::log10(std::fabs(s)))));
  return fmt::format("{:.{}f} s", s, decimals);
}

std::string plain(double x, int decimals) {
  return std::isfinite(x) ? fmt::format("{:.{}f}", x, decimals) : "n/a";
}

double window_s(const RunInfo& run) { return run.window_end_s - run.window_start_s; }

}  // namespace report_table

namespace {

using report_table::line;
using report_table::plain;
using report_table::slo_seconds;
using report_table::window_s;
using report_table::workload_section;

void header(std::string& out, const Report& r) {
  const RunInfo& run = r.run;
  out += fmt::format("fleetsim report: {}\n", run.scenario);
  if (!run.fleetsim_version.empty()) line(out, "version", "fleetsim " + run.fleetsim_version);
  line(out, "seed", std::to_string(run.seed));
  line(out, "measured window",
       fmt::format("{} s .. {} s ({} s); run ended at {} s", text::grouped(run.window_start_s, 1),
                   text::grouped(run.window_end_s, 1), text::grouped(window_s(run), 1),
                   text::grouped(run.simulated_end_s, 1)));
  line(out, "engine events", text::count(run.engine_events));
  line(out, "pricing",
       fmt::format("{}; PUE {}; electricity {}/kWh", run.pricing.empty() ? "-" : run.pricing,
                   plain(run.pue, 2), text::usd(run.electricity_usd_per_kwh)));
  line(out, "grid carbon", fmt::format("{} gCO2/kWh (mean over the window)", plain(run.carbon_intensity_g_per_kwh, 1)));
}

std::string finding_line(const StabilityFinding& f) {
  const bool pool_finding = f.figure == "calls_in_flight";
  const char* pool_kind = f.kind == "tool_pool_backlog_growing" ? "tool pool" : "pool";
  std::string subject = pool_finding ? fmt::format("{} {} (utilization {})", pool_kind, f.pool, text::percent(f.utilization))
                                     : fmt::format("workload {}", f.workload);
  if (!pool_finding && !f.pool.empty())
    subject += fmt::format(" (busiest pool {}, utilization {})", f.pool, text::percent(f.utilization));
  const std::string figure = f.figure == "calls_in_flight" ? "calls in flight" : "sessions in system";
  std::string what = fmt::format("{} {} -> {} (mean, first -> second half of the window)", figure,
                                 text::sig(f.first_half), text::sig(f.second_half));
  if (f.kind == "no_session_completed") what = "no session completed; " + what;
  // Rising traffic alone would have grown it this much (stability.hpp).
  if (f.arrival_ratio != 1.0)
    what += fmt::format(", where the traffic's rise alone gives {}", text::sig(f.first_half * f.arrival_ratio));
  return fmt::format("  {}: {}\n    hint: {}\n", subject, what, f.hint);
}

// First, before any figure: the figures of an unstable run describe a
// backlog, and the reader should know that before reading them.
void stability_section(std::string& out, const Report& r) {
  if (r.stability.stable) return;
  out += "\nUNSTABLE RUN: the fleet is not in a steady state; the figures below describe a growing backlog\n";
  for (const StabilityFinding& f : r.stability.findings) out += finding_line(f);
}

void fleet_section(std::string& out, const Report& r) {
  const FleetReport& f = r.fleet;
  // An autoscaled pool's count is only where it starts: say so, with the
  // mean over the window that its cost and energy count.
  double mean_nodes = 0.0;
  bool autoscaled = false;
  for (const PoolReport& p : r.pools) {
    autoscaled = autoscaled || p.autoscale.has_value();
    mean_nodes += p.autoscale ? p.autoscale->mean_nodes : static_cast<double>(p.nodes);
  }
  for (const ToolPoolReport& t : r.tool_pools) mean_nodes += t.nodes;
  for (const KvStoreReport& k : r.kv_stores) mean_nodes += k.nodes;
  if (autoscaled)
    out += fmt::format("\nFleet: {} nodes at the start, {} on average (autoscaled)\n", f.nodes, plain(mean_nodes, 1));
  else
    out += fmt::format("\nFleet: {} nodes\n", f.nodes);
  line(out, "cost", fmt::format("{} (compute {}, energy {})", text::usd(f.total_cost_usd),
                                text::usd(f.compute_cost_usd), text::usd(f.energy_cost_usd)));
  line(out, "  per session", text::usd(f.cost_per_session_usd));
  line(out, "  per LLM call", text::usd(f.cost_per_llm_call_usd));
  line(out, "  per 1M output tokens", text::usd(f.cost_per_million_output_tokens_usd));
  line(out, "  per 1M tokens", text::usd(f.cost_per_million_tokens_usd) + " (prompt + output)");
  line(out, "power, mean", fmt::format("{} IT, {} facility", text::power(f.mean_it_power_w),
                                       text::power(f.mean_facility_power_w)));
  line(out, "power, peak IT",
       fmt::format("{} (at most; sum of pool peaks)", text::power(f.peak_it_power_w)));
  line(out, "energy", fmt::format("{} IT, {} facility", text::energy_kwh(f.it_energy_j),
                                  text::energy_kwh(f.facility_energy_j)));
  line(out, "  per session", text::energy_j(f.energy_per_session_j) + " facility");
  line(out, "carbon", fmt::format("{} kgCO2e (operational {}, embodied {})", plain(f.carbon_g / 1e3, 3),
                                  plain(f.carbon_operational_g / 1e3, 3), plain(f.carbon_embodied_g / 1e3, 3)));
  line(out, "  per session", fmt::format("{} gCO2e", text::sig(f.carbon_per_session_g)));
  line(out, "  per 1M tokens", fmt::format("{} gCO2e (prompt + output)", text::sig(f.carbon_per_million_tokens_g)));
  line(out, "tokens per joule",
       text::sig(f.output_tokens_per_joule) + " output tokens per facility J");
  line(out, "throughput",
       fmt::format("{} sessions/s, {} LLM calls/s, {} output tokens/s",
                   text::sig(f.sessions_per_s), text::sig(f.llm_calls_per_s),
                   text::compact(f.output_tokens_per_s)));
}

// Only with a site power cap (docs/performance-model.md 5.3).
void power_cap_section(std::string& out, const Report& r) {
  const auto& c = r.fleet.power_cap;
  if (!c) return;
  out += c->lowered_clocks ? "\nPower cap (model pools' IT power; a plan that would exceed it runs at a lower clock that fits, or waits)\n"
                           : "\nPower cap (model pools' IT power; a plan that would exceed it waits)\n";
  line(out, "cap", fmt::format("{} (baseline {}, peak reached {})", text::power(c->cap_w), text::power(c->baseline_w),
                               text::power(c->peak_power_w)));
  line(out, "time at cap", fmt::format("{} ({} of the window)", text::duration(c->time_at_cap_s),
                                       text::percent(c->time_at_cap_fraction)));
  line(out, "plans held", fmt::format("{}, {} replica-s in all, {} on average", text::count(c->held_plans),
                                      plain(c->held_replica_s, 1), text::duration(c->mean_hold_s)));
  if (c->over_cap_s)
    line(out, "over the cap", fmt::format("{} (baseline alone {}; nodes given back drain)", text::duration(*c->over_cap_s),
                                          text::duration(c->baseline_over_cap_s.value_or(0.0))));
  if (c->highest_cap_w) line(out, "cap steps", fmt::format("from {} to {}", text::power(c->cap_w), text::power(*c->highest_cap_w)));
  if (const auto& l = c->lowered_clocks)
    line(out, "clocks lowered", fmt::format("{} plans, {} replica-s, {} replica-s beyond the pool's state ({} of busy time)",
                                            text::count(l->plans), plain(l->busy_s, 1), plain(l->extra_busy_s, 1),
                                            text::percent(l->capacity_lost_fraction)));
}

// Only when some tool pool's nodes fail (docs/failures.md, "Tool pools").
void tool_failures_section(std::string& out, const Report& r) {
  if (std::none_of(r.tool_pools.begin(), r.tool_pools.end(), [](const ToolPoolReport& t) { return t.failures.has_value(); }))
    return;
  out += "\nTool node failures (failed nodes are paid for; their calls start over on the others)\n";
  text::TextTable table({{"tool pool", Align::left},
                         {"failures"},
                         {"calls retried"},
                         {"core-s lost"},
                         {"down node-hours"},
                         {"availability"},
                         {"MTTF/(MTTF+MTTR)"}});
  for (const ToolPoolReport& t : r.tool_pools)
    if (const auto& f = t.failures)
      table.add_row({t.name, text::count(f->node_failures), text::count(f->calls_retried),
                     text::grouped(f->core_seconds_lost, 1), text::grouped(f->down_node_hours, 1),
                     text::percent(f->availability, 2), text::percent(f->expected_availability, 2)});
  out += table.render("  ");
}

// Only when the scenario has tool pools, beside the model pools above.
void tool_pools_section(std::string& out, const Report& r) {
  if (r.tool_pools.empty()) return;
  out += "\nTool pools (CPU nodes running tool calls)\n";
  text::TextTable table({{"pool", Align::left},
                         {"hardware", Align::left},
                         {"nodes"},
                         {"cores"},
                         {"util"},
                         {"queue mean"},
                         {"queue p95"},
                         {"queue p99"},
                         {"tool calls"},
                         {"mean kW"},
                         {"peak kW"},
                         {"kWh"},
                         {"cost $"},
                         {"kgCO2e"}});
  for (const ToolPoolReport& t : r.tool_pools)
    table.add_row({t.name, t.hardware, std::to_string(t.nodes), std::to_string(t.cores), text::percent(t.utilization),
                   text::duration(t.queueing_delay_mean_s), text::duration(t.queueing_delay_p95_s),
                   text::duration(t.queueing_delay_p99_s), text::count(t.tool_calls),
                   text::grouped(t.mean_power_w / 1e3, 2), text::grouped(t.peak_power_w / 1e3, 2),
                   text::grouped(t.energy_j / 3.6e6, 2), text::grouped(t.cost_usd, 2), plain(t.carbon_g / 1e3, 3)});
  out += table.render("  ");
  tool_failures_section(out, r);
}

// Only when the scenario has remote KV stores: their memory and nodes (the
// hits, bytes and time by pool are in the KV tiers table).
void kv_stores_section(std::string& out, const Report& r) {
  if (r.kv_stores.empty()) return;
  out += "\nRemote KV stores (nodes whose memory holds the pools' evicted KV caches)\n";
  text::TextTable table({{"store", Align::left},
                         {"hardware", Align::left},
                         {"nodes"},
                         {"capacity GB"},
                         {"memory used"},
                         {"peak"},
                         {"stored"},
                         {"evicted"},
                         {"hits"},
                         {"mean kW"},
                         {"kWh"},
                         {"cost $"},
                         {"kgCO2e"}});
  for (const KvStoreReport& k : r.kv_stores)
    table.add_row({k.name, k.hardware, std::to_string(k.nodes), text::grouped(k.capacity_bytes / 1e9, 0),
                   text::percent(k.memory_utilization), text::percent(k.peak_memory_utilization),
                   text::count(k.caches_stored), text::count(k.caches_evicted), text::count(k.hits),
                   text::grouped(k.mean_power_w / 1e3, 2), text::grouped(k.energy_j / 3.6e6, 2),
                   text::grouped(k.cost_usd, 2), plain(k.carbon_g / 1e3, 3)});
  out += table.render("  ");
}

// Only when a node type of the fleet lists purchase options: how each pool
// is bought, and the fleet's cost under each option, side by side.
void purchase_options_section(std::string& out, const Report& r) {
  if (r.purchase_options.empty()) return;
  out += "\nPurchase options (the same traffic, the fleet bought one way)\n";
  for (const PoolReport& p : r.pools)
    line(out, p.name, fmt::format("bought {}: {}", p.purchase, text::usd(p.cost_usd)));
  text::TextTable table({{"option", Align::left},
                         {"cost $"},
                         {"$ / session"},
                         {"$ / 1M tokens"},
                         {"on demand instead", Align::left}});
  for (const PurchaseOptionReport& o : r.purchase_options) {
    std::string fallback;
    for (const std::string& pool : o.pools_on_demand) fallback += (fallback.empty() ? "" : ", ") + pool;
    table.add_row({o.option, text::grouped(o.cost_usd, 2), text::usd(o.cost_per_session_usd),
                   text::usd(o.cost_per_million_tokens_usd), fallback.empty() ? "-" : fallback});
  }
  out += table.render("  ");
}

// Only in a report merged from cells (docs/cells.md): each cell's own totals.
void cells_section(std::string& out, const Report& r) {
  if (r.cells.empty()) return;
  out += "\nCells (each simulated alone; their pools below are named CELL/POOL)\n";
  text::TextTable table({{"cell", Align::left},
                         {"traffic x"},
                         {"seed"},
                         {"nodes"},
                         {"sessions"},
                         {"LLM calls"},
                         {"cost $"},
                         {"$ / session"},
                         {"SLOs", Align::left}});
  for (const CellReport& c : r.cells) {
    if (!c.report) continue;
    std::int64_t sessions = 0, calls = 0;
    bool met = true;
    for (const WorkloadReport& w : c.report->workloads) {
      sessions += w.sessions_completed;
      calls += w.llm_calls;
      met = met && w.slos_met;
    }
    table.add_row({c.name, plain(c.traffic_scale, 3), std::to_string(c.seed), std::to_string(c.report->fleet.nodes),
                   text::count(sessions), text::count(calls), text::grouped(c.report->fleet.total_cost_usd, 2),
                   text::usd(c.report->fleet.cost_per_session_usd), met ? "all met" : "MISSED"});
  }
  out += table.render("  ");
}

void checks_section(std::string& out, const Report& r) {
  const LittleLawCheck& c = r.little_law;
  out += "\nChecks\n";
  std::string value = fmt::format(
      "L = {} sessions; lambda x W = {}/s x {} = {}; relative error {}",
      text::sig(c.mean_sessions_in_system), text::sig(c.arrival_rate_per_s),
      text::duration(c.mean_session_time_s),
      text::sig(c.arrival_rate_per_s * c.mean_session_time_s), text::percent(c.relative_error));
  if (std::isfinite(c.relative_error) && c.relative_error > kLittleLawWarnAbove)
    value += fmt::format(" -- above {}: the window may be too short for steady state",
                         text::percent(kLittleLawWarnAbove, 0));
  line(out, "Little's law", value);
  line(out, "stability",
       r.stability.stable ? "steady: no backlog grows from the first half of the window to the second"
                          : fmt::format("UNSTABLE: {} (above)", r.stability.findings.size() == 1
                                                                   ? std::string("1 finding")
                                                                   : fmt::format("{} findings", r.stability.findings.size())));
}

}  // namespace

std::string render_table(const Report& report) {
  std::string out;
  header(out, report);
  stability_section(out, report);
  fleet_section(out, report);
  power_cap_section(out, report);
  cells_section(out, report);
  report_table::pool_sections(out, report);
  tool_pools_section(out, report);
  kv_stores_section(out, report);
  report_table::network_section(out, report);
  purchase_options_section(out, report);
  if (report.workloads.empty()) out += "\nWorkloads\n  (none)\n";
  for (const WorkloadReport& w : report.workloads) workload_section(out, report, w);
  checks_section(out, report);
  return out;
}

}  // namespace fleetsim
