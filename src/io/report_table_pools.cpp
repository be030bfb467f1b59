// The model pools' part of the terminal report (report_table.cpp): their
// load, traffic and cost, then the sections only some pools have: KV tiers,
// frequency states, autoscaling, node failures.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "fleetsim/io/report_text.hpp"
#include "report_table_parts.hpp"

namespace fleetsim::report_table {
namespace {

namespace text = report_text;
using Align = text::TextTable::Align;

void pools_section(std::string& out, const Report& r) {
  out += "\nPools\n";
  if (r.pools.empty()) {
    out += "  (none)\n";
    return;
  }
  text::TextTable load({{"pool", Align::left},
                        {"nodes"},
                        {"replicas"},
                        {"util"},
                        {"batch"},
                        {"KV"},
                        {"queue mean"},
                        {"queue p95"},
                        {"mean kW"},
                        {"peak kW"},
                        {"kWh"},
                        {"cost $"}});
  text::TextTable traffic({{"pool", Align::left},
                           {"kind", Align::left},
                           {"hardware", Align::left},
                           {"models", Align::left},
                           {"LLM calls"},
                           {"output tokens"},
                           {"preemptions"},
                           {"compute $"},
                           {"energy $"},
                           {"kgCO2e"}});
  for (const PoolReport& p : r.pools) {
    load.add_row({p.name, std::to_string(p.nodes), std::to_string(p.replicas),
                  text::percent(p.utilization), plain(p.mean_batch_size, 1),
                  text::percent(p.kv_cache_occupancy), text::duration(p.queueing_delay_mean_s),
                  text::duration(p.queueing_delay_p95_s), text::grouped(p.mean_power_w / 1e3, 2),
                  text::grouped(p.peak_power_w / 1e3, 2), text::grouped(p.energy_j / 3.6e6, 2),
                  text::grouped(p.cost_usd, 2)});
    traffic.add_row({p.name, p.role == "unified" ? p.kind : p.kind + " " + p.role, p.hardware, p.models,
                     text::count(p.llm_calls), text::compact(p.output_tokens),
                     text::count(p.preemptions), text::grouped(p.compute_cost_usd, 2),
                     text::grouped(p.energy_cost_usd, 2), plain(p.carbon_g / 1e3, 3)});
  }
  out += load.render("  ");
  out += '\n';
  out += traffic.render("  ");
}

// How far the model was checked where each pool runs: the suite's
// cross-validated error for its hardware class and its stack.
void evidence_section(std::string& out, const Report& r) {
  std::vector<std::vector<std::string>> rows = evidence_rows(r);
  if (rows.empty()) return;
  out += "\nModel evidence (published cases, each predicted by a fit that never saw its source: docs/validation.md)\n";
  std::vector<text::TextTable::Column> columns;
  for (const std::string& h : evidence_headers(r))
    columns.push_back({h, h == "pool" || h == "class" || h == "stack" || h == "regime" ? Align::left : Align::right});
  text::TextTable t(std::move(columns));
  for (auto& row : rows) t.add_row(std::move(row));
  out += t.render("  ");
}

// Only when a pool's engine uses KV tiers below device memory.
void kv_tiers_section(std::string& out, const Report& r) {
  bool any = false;
  for (const PoolReport& p : r.pools) any |= !p.kv_tiers.empty();
  if (!any) return;
  out += "\nKV tiers below device memory\n";
  text::TextTable table({{"pool", Align::left},
                         {"tier", Align::left},
                         {"kind", Align::left},
                         {"capacity GB"},
                         {"hits"},
                         {"GB reloaded"},
                         {"GB offloaded"},
                         {"reload time"},
                         {"recompute avoided"},
                         {"dropped"}});
  for (const PoolReport& p : r.pools)
    for (const KvTierReport& t : p.kv_tiers)
      table.add_row({p.name, t.name, t.kind, text::grouped(t.capacity_bytes / 1e9, 0), text::count(t.hits),
                     text::grouped(t.bytes_reloaded / 1e9, 2), text::grouped(t.bytes_offloaded / 1e9, 2),
                     text::duration(t.reload_time_s), text::compact(t.recompute_avoided_tokens) + " tokens",
                     text::count(t.caches_dropped)});
  out += table.render("  ");
}

// Only when some pool runs at a frequency state (docs/performance-model.md 5.2).
void pstates_section(std::string& out, const Report& r) {
  bool any = false;
  for (const PoolReport& p : r.pools) any |= !p.pstate.empty();
  if (!any) return;
  out += "\nFrequency states (compute at the state's clock, power above idle by clock x voltage^2)\n";
  for (const PoolReport& p : r.pools) line(out, p.name, p.pstate.empty() ? std::string("nominal") : p.pstate);
}

// Only when a pool is autoscaled: the nodes it held, against its bounds; the
// starts a power cap held back, only under a cap.
void autoscale_section(std::string& out, const Report& r) {
  bool any = false, held = false;
  for (const PoolReport& p : r.pools) {
    any |= p.autoscale.has_value();
    held |= p.autoscale && p.autoscale->starts_held_by_power_cap;
  }
  if (!any) return;
  out += "\nAutoscaled pools (cost, energy and carbon count the node-hours held)\n";
  std::vector<text::TextTable::Column> columns{{"pool", Align::left},
                                               {"policy", Align::left},
                                               {"min"},
                                               {"max"},
                                               {"mean nodes"},
                                               {"peak"},
                                               {"node-hours"},
                                               {"started"},
                                               {"drained"},
                                               {"provisioning"}};
  if (held) {
    columns.push_back({"held by cap"});
    columns.push_back({"stopped by cap"});
  }
  text::TextTable table(std::move(columns));
  for (const PoolReport& p : r.pools)
    if (const auto& a = p.autoscale) {
      std::vector<std::string> row{p.name, a->policy, text::count(a->min_nodes), text::count(a->max_nodes),
                                   text::grouped(a->mean_nodes, 2), text::count(a->peak_nodes), text::grouped(a->node_hours, 1),
                                   text::count(a->nodes_started), text::count(a->nodes_drained), text::duration(a->provisioning_s)};
      if (held) row.push_back(text::count(a->starts_held_by_power_cap.value_or(0)));
      if (held) row.push_back(text::count(a->nodes_stopped_by_power_cap.value_or(0)));
      table.add_row(std::move(row));
    }
  out += table.render("  ");
}

// Only when some pool's nodes fail (docs/failures.md).
void failures_section(std::string& out, const Report& r) {
  bool any = false, notice = false;
  for (const PoolReport& p : r.pools) {
    any |= p.failures.has_value();
    notice |= p.failures && p.failures->notice_s > 0;
  }
  if (!any) return;
  out += "\nNode failures (failed nodes are paid for; their calls are retried elsewhere)\n";
  text::TextTable table({{"pool", Align::left},
                         {"failures"},
                         {"calls retried"},
                         {"prefill tok lost"},
                         {"output tok lost"},
                         {"down node-hours"},
                         {"availability"},
                         {notice ? "MTTF/(MTTF+notice+MTTR)" : "MTTF/(MTTF+MTTR)"}});
  for (const PoolReport& p : r.pools)
    if (const auto& f = p.failures)
      table.add_row({f->scope == "replica" ? p.name + " (replicas)" : p.name, text::count(f->node_failures),
                     text::count(f->calls_retried), text::count(f->prefill_tokens_lost),
                     text::count(f->output_tokens_lost),
                     text::grouped(f->down_node_hours, 1), text::percent(f->availability, 2),
                     text::percent(f->expected_availability, 2)});
  out += table.render("  ");
}

}  // namespace

namespace {

// The regime columns only where a pool has a regime (a CPU pool that served
// calls): a GPU fleet's table keeps its width.
bool any_regime(const Report& r) {
  for (const PoolReport& p : r.pools)
    if (p.evidence && p.evidence->regime) return true;
  return false;
}

}  // namespace

std::vector<std::string> evidence_headers(const Report& r) {
  std::vector<std::string> h = {"pool",  "class", "cases",        "median error", "beyond 35%",
                                "stack", "cases", "median error", "beyond 35%"};
  if (any_regime(r)) h.insert(h.end(), {"regime", "cases", "median error", "beyond 35%"});
  return h;
}

std::vector<std::vector<std::string>> evidence_rows(const Report& r) {
  const bool regimes = any_regime(r);
  std::vector<std::vector<std::string>> rows;
  for (const PoolReport& p : r.pools) {
    if (!p.evidence) continue;
    std::vector<std::string>& row = rows.emplace_back(std::vector<std::string>{p.name});
    const auto add = [&](const std::string& name, const EvidenceFigures& f) {
      if (name.empty())
        row.insert(row.end(), {"-", "0", "-", "-"});
      else
        row.insert(row.end(), {name, std::to_string(f.cases), text::percent(f.median_error), std::to_string(f.beyond_35)});
    };
    add(p.evidence->hardware_class, p.evidence->hardware);
    add(p.evidence->stack, p.evidence->stack_figures);
    if (!regimes) continue;
    if (p.evidence->regime)
      add(p.evidence->regime->name, p.evidence->regime->figures);
    else
      add("", {});
  }
  return rows;
}

void pool_sections(std::string& out, const Report& r) {
  pools_section(out, r);
  kv_tiers_section(out, r);
  pstates_section(out, r);
  autoscale_section(out, r);
  failures_section(out, r);
  evidence_section(out, r);
}

}  // namespace fleetsim::report_table
