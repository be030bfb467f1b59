#include "fleetsim/workflows/plan_report.hpp"

#include <cmath>

#include <fmt/format.h>

#include "fleetsim/workflows/report_figures.hpp"
#include "fleetsim/workflows/report_path.hpp"
#include "fleetsim/io/html_page.hpp"
#include "fleetsim/io/report_text.hpp"
#include "fleetsim/io/markup_escape.hpp"
#include "fleetsim/io/svg_chart.hpp"
#include "fleetsim/io/json_numbers.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;
using json_numbers::number_or_null;
using report_text::TextTable;

std::optional<double> figure(const Json& report, const std::string& path) {
  return resolve_report_path(report, path).value;
}

// A cost figure of candidate `index`'s run, scaled to the fleet as bought:
// the run had the N serving nodes, the plan buys their spares too (N+k).
std::optional<double> bought_cost(const PlanOutcome& o, std::size_t index, const std::string& path) {
  const EvaluatedCandidate& e = o.search.evaluated[index];
  const std::optional<double> v = figure(*o.reports[index], path);
  const double spares = spares_price_per_hour(o.plan, e.candidate);
  const double run = e.evaluation.cost_per_hour - spares;
  if (!v || spares <= 0 || !(run > 0)) return v;
  return *v * e.evaluation.cost_per_hour / run;
}

struct SloMargin {
  std::string workload, metric;
  double percentile = 0, bound_s = 0;
  std::optional<double> observed_s, attainment;
  bool met = false;
};

std::vector<SloMargin> slo_margins(const Json& report) {
  std::vector<SloMargin> out;
  if (!report.contains("workloads")) return out;
  for (const Json& w : report["workloads"])
    for (const Json& s : w.value("slos", Json::array())) {
      SloMargin m;
      m.workload = w.value("name", "");
      m.metric = s.value("metric", "");
      m.percentile = s.value("percentile", 0.0);
      m.bound_s = s.value("bound_s", 0.0);
      if (s.contains("observed_s") && s["observed_s"].is_number()) m.observed_s = s["observed_s"].get<double>();
      if (s.contains("attainment") && s["attainment"].is_number()) m.attainment = s["attainment"].get<double>();
      m.met = s.value("met", false);
      out.push_back(std::move(m));
    }
  return out;
}

// The SLO closest to (or furthest past) its bound: the one that decides
// whether this fleet is big enough. An SLO with no samples binds first.
std::optional<SloMargin> binding_slo(const Json& report) {
  std::optional<SloMargin> worst;
  double worst_ratio = -INFINITY;
  for (SloMargin& m : slo_margins(report)) {
    const double r = m.observed_s && m.bound_s > 0 ? *m.observed_s / m.bound_s : INFINITY;
    if (r > worst_ratio) {
      worst_ratio = r;
      worst = std::move(m);
    }
  }
  return worst;
}

std::optional<bool> stable(const Json& report) {
  const Json* s = nullptr;
  if (report.contains("checks") && report["checks"].contains("stability")) s = &report["checks"]["stability"];
  if (!s || !s->contains("stable") || !(*s)["stable"].is_boolean()) return std::nullopt;
  return (*s)["stable"].get<bool>();
}

std::string ratio(double x) { return std::isfinite(x) ? fmt::format("{:.2f}", x) : "n/a"; }

// "coding-agent session p95 1.59x (unstable)": which SLO binds, by how much.
std::string binding_text(const Json& report) {
  const auto b = binding_slo(report);
  std::string text = "-";
  if (b)
    text = fmt::format("{} {} p{:g} {}", b->workload, b->metric, b->percentile,
                       b->observed_s ? ratio(*b->observed_s / b->bound_s) + "x" : "no samples");
  if (stable(report) == false) text += " (unstable)";
  return text;
}

Json candidate_json(const PlanOutcome& o, std::size_t index) {
  const EvaluatedCandidate& e = o.search.evaluated[index];
  Json j = Json::object();
  j["fleet"] = describe_candidate(o.plan, e.candidate);
  Json pools = Json::array();
  for (std::size_t p = 0; p < o.plan.pools.size(); ++p) {
    Json pool = Json::object();
    pool["pool"] = o.plan.pools[p].pool;
    pool["nodes"] = e.candidate.counts[p];
    pool["spares"] = e.candidate.counts[p] > 0 ? o.plan.pools[p].spares : 0;
    pool["hardware"] = e.candidate.counts[p] > 0
                           ? Json(o.plan.pools[p].hardware[e.candidate.hardware[p]].name)
                           : Json(nullptr);
    pools.push_back(std::move(pool));
  }
  j["pools"] = std::move(pools);
  j["simulated"] = e.evaluation.simulated;
  j["slos_met"] = e.evaluation.slos_met;
  j["feasible"] = e.evaluation.feasible;
  j["cost_per_hour_usd"] = number_or_null(e.evaluation.cost_per_hour);
  j["slo_pressure"] = number_or_null(e.evaluation.slo_pressure);
  if (!e.evaluation.note.empty()) j["note"] = e.evaluation.note;
  if (index < o.reports.size() && o.reports[index]) {
    const Json& r = *o.reports[index];
    for (const char* key : {"cost_per_session_usd", "cost_per_million_output_tokens_usd"})
      j[key] = number_or_null(bought_cost(o, index, std::string("fleet.") + key));
    // Power is the serving nodes' (spares idle, or off).
    for (const char* key : {"energy_per_session_j", "mean_it_power_w", "peak_it_power_w"})
      j[key] = number_or_null(figure(r, std::string("fleet.") + key));
    if (const auto b = binding_slo(r)) {
      Json slo = Json::object();
      slo["workload"] = b->workload;
      slo["metric"] = b->metric;
      slo["percentile"] = b->percentile;
      slo["bound_s"] = b->bound_s;
      slo["observed_s"] = number_or_null(b->observed_s);
      slo["ratio"] = b->observed_s ? number_or_null(*b->observed_s / b->bound_s) : Json(nullptr);
      slo["met"] = b->met;
      j["binding_slo"] = std::move(slo);
    } else {
      j["binding_slo"] = nullptr;
    }
    const auto steady = stable(r);
    j["stable"] = steady ? Json(*steady) : Json(nullptr);
  }
  return j;
}

// The plan's pools and how the search went.
void plan_header(std::string& out, const PlanOutcome& o) {
  const SearchResult& s = o.search;
  out += fmt::format("fleetsim plan: {}\n", o.scenario);
  for (const PlanPool& p : o.plan.pools) {
    std::vector<std::string> names;
    for (const auto& h : p.hardware) names.push_back(h.name);
    out += fmt::format("  pool {:<12} {}..{} nodes of {}{}\n", p.pool, p.min_count, p.max_count, fmt::join(names, " | "),
                       p.spares > 0 ? fmt::format(", + {} spare{} bought (N+{})", p.spares, p.spares == 1 ? "" : "s",
                                                  p.spares)
                                    : "");
  }
  out += fmt::format("  search: {} configurations, {} simulation runs in {} rounds ({}; every candidate: {} runs)\n\n",
                     s.configurations, s.simulation_runs, s.rounds,
                     o.exhaustive ? "exhaustive" : "bisection on node counts", s.grid_size);
}

// No fleet met the SLOs: the one that came closest, and what held it back.
void no_fleet_found(std::string& out, const PlanOutcome& o) {
  const SearchResult& s = o.search;
  out += "No evaluated fleet met every SLO. Raise the pools' max in the plan: section, or add hardware.\n";
  std::optional<std::size_t> closest;
  for (std::size_t i = 0; i < s.evaluated.size(); ++i)
    if (s.evaluated[i].evaluation.simulated && i < o.reports.size() && o.reports[i] &&
        (!closest || s.evaluated[i].evaluation.slo_pressure < s.evaluated[*closest].evaluation.slo_pressure))
      closest = i;
  if (closest)
    out += fmt::format("Closest: {}: binding SLO {}\n", describe_candidate(o.plan, s.evaluated[*closest].candidate),
                       binding_text(*o.reports[*closest]));
}

// The chosen fleet: its pools, its cost and power, and its SLO margins.
void chosen_fleet(std::string& out, const PlanOutcome& o) {
  const SearchResult& s = o.search;
  const EvaluatedCandidate& best = s.evaluated[*s.best];
  out += "Cheapest fleet meeting every SLO\n";
  for (std::size_t p = 0; p < o.plan.pools.size(); ++p)
    out += fmt::format("  {:<14} {}\n", o.plan.pools[p].pool,
                       best.candidate.counts[p] == 0
                           ? std::string("- (left out)")
                           : fmt::format("{} x {}{}", best.candidate.counts[p],
                                         o.plan.pools[p].hardware[best.candidate.hardware[p]].name,
                                         o.plan.pools[p].spares > 0
                                             ? fmt::format(" + {} spare", o.plan.pools[p].spares)
                                             : ""));
  out += fmt::format("  {:<14} {} per hour\n", "cost", report_text::usd(best.evaluation.cost_per_hour));
  if (*s.best >= o.reports.size() || !o.reports[*s.best]) return;
  const Json& r = *o.reports[*s.best];
  out += fmt::format("  {:<14} {} per session, {} per 1M output tokens\n", "",
                     format_figure("_usd", bought_cost(o, *s.best, "fleet.cost_per_session_usd")),
                     format_figure("_usd", bought_cost(o, *s.best, "fleet.cost_per_million_output_tokens_usd")));
  out += fmt::format("  {:<14} {} mean IT, {} peak IT; {} per session (facility)\n", "power",
                     format_figure("_w", figure(r, "fleet.mean_it_power_w")),
                     format_figure("_w", figure(r, "fleet.peak_it_power_w")),
                     format_figure("_j", figure(r, "fleet.energy_per_session_j")));
  out += "\n  SLO margins (observed / bound; 1.00 is the bound)\n";
  TextTable t({{"workload", TextTable::Align::left}, {"SLO", TextTable::Align::left}, {"bound"}, {"observed"},
               {"ratio"}, {"attainment"}});
  for (const SloMargin& m : slo_margins(r))
    t.add_row({m.workload, fmt::format("{} p{:g}", m.metric, m.percentile), report_text::duration(m.bound_s),
               m.observed_s ? report_text::duration(*m.observed_s) : "n/a",
               m.observed_s ? ratio(*m.observed_s / m.bound_s) : "n/a",
               m.attainment ? report_text::percent(*m.attainment) : "n/a"});
  out += t.render("  ");
}

// The autoscaled pools' node figures from the alternative's report.
struct AutoscaledNodes {
  std::string pool;
  std::optional<double> mean, peak;
  int fixed = 0;  // the chosen fleet's count
};

std::vector<AutoscaledNodes> autoscaled_nodes(const PlanOutcome& o) {
  std::vector<AutoscaledNodes> out;
  const AutoscaledAlternative& alt = *o.autoscaled;
  const FleetCandidate& best = o.search.evaluated[*o.search.best].candidate;
  for (const std::string& name : alt.pools) {
    AutoscaledNodes n;
    n.pool = name;
    for (std::size_t p = 0; p < o.plan.pools.size(); ++p)
      if (o.plan.pools[p].pool == name) n.fixed = best.counts[p];
    if (alt.report) {
      n.mean = figure(*alt.report, "pools." + name + ".autoscale.mean_nodes");
      n.peak = figure(*alt.report, "pools." + name + ".autoscale.peak_nodes");
    }
    out.push_back(std::move(n));
  }
  return out;
}

// "met", "missed", or "unstable": SLOs held over the window by a run whose
// backlog grows, which the plan does not count as meeting them by default.
const char* slos_column(const CandidateEvaluation& e) {
  if (e.feasible) return "met";
  return e.slos_met && !e.stable ? "unstable" : "missed";
}

// The chosen fleet with the plan's autoscale: pools autoscaled, beside it.
void autoscaled_alternative(std::string& out, const PlanOutcome& o) {
  if (!o.autoscaled || !o.search.best) return;
  const AutoscaledAlternative& alt = *o.autoscaled;
  const EvaluatedCandidate& best = o.search.evaluated[*o.search.best];
  out += fmt::format("\nThe same fleet with {} autoscaled (the plan's autoscale:, starting at the chosen counts)\n",
                     alt.pools.empty() ? std::string("no pool") : fmt::format("{}", fmt::join(alt.pools, ", ")));
  if (!alt.report) {
    out += "  not run: " + alt.evaluation.note + "\n";
    return;
  }
  const double fixed = best.evaluation.cost_per_hour, scaled = alt.evaluation.cost_per_hour;
  out += fmt::format("  {:<14} {} per hour ({} of the fixed fleet's {})\n", "cost", report_text::usd(scaled),
                     std::isfinite(scaled) && fixed > 0 ? report_text::percent(scaled / fixed) : "n/a",
                     report_text::usd(fixed));
  out += fmt::format("  {:<14} {} per session (fixed: {})\n", "",
                     format_figure("_usd", figure(*alt.report, "fleet.cost_per_session_usd")),
                     format_figure("_usd", bought_cost(o, *o.search.best, "fleet.cost_per_session_usd")));
  out += fmt::format("  {:<14} {} (worst SLO ratio {})\n", "SLOs", slos_column(alt.evaluation),
                     ratio(alt.evaluation.slo_pressure));
  for (const AutoscaledNodes& n : autoscaled_nodes(o))
    out += fmt::format("  {:<14} {} nodes on average, {} at most (fixed: {})\n", n.pool,
                       n.mean ? fmt::format("{:.2f}", *n.mean) : "n/a", n.peak ? fmt::format("{:g}", *n.peak) : "n/a",
                       n.fixed);
}

void frontier_table(std::string& out, const PlanOutcome& o) {
  const SearchResult& s = o.search;
  out += "\nCost-vs-latency frontier of the evaluated fleets (no other is both cheaper and closer to its SLOs)\n";
  TextTable f({{"$/hour"}, {"$/session"}, {"worst SLO ratio"}, {"SLOs", TextTable::Align::left},
               {"binding SLO", TextTable::Align::left}, {"fleet", TextTable::Align::left}});
  for (std::size_t i : s.frontier) {
    const EvaluatedCandidate& e = s.evaluated[i];
    std::optional<double> per_session;
    std::string binding = "-";
    if (i < o.reports.size() && o.reports[i]) {
      per_session = bought_cost(o, i, "fleet.cost_per_session_usd");
      binding = binding_text(*o.reports[i]);
    }
    f.add_row({report_text::usd(e.evaluation.cost_per_hour), format_figure("_usd", per_session),
               ratio(e.evaluation.slo_pressure), slos_column(e.evaluation), binding,
               describe_candidate(o.plan, e.candidate) + (s.best && *s.best == i ? "  <- chosen" : "")});
  }
  out += f.render("  ");
}

// The candidates that could not run (the first five), then the search's warnings.
void unrun_and_warnings(std::string& out, const PlanOutcome& o) {
  const SearchResult& s = o.search;
  std::size_t invalid = 0;
  for (const auto& e : s.evaluated) invalid += e.evaluation.simulated ? 0 : 1;
  if (invalid > 0) {
    out += fmt::format("\n{} candidate fleet{} could not run:\n", invalid, invalid == 1 ? "" : "s");
    std::size_t shown = 0;
    for (const auto& e : s.evaluated)
      if (!e.evaluation.simulated && shown++ < 5)
        out += fmt::format("  {}: {}\n", describe_candidate(o.plan, e.candidate), e.evaluation.note);
  }
  for (const auto& w : s.warnings) out += "\nwarning: " + w + "\n";
}

}  // namespace

std::string render_plan_table(const PlanOutcome& o) {
  std::string out;
  plan_header(out, o);
  if (!o.search.best)
    no_fleet_found(out, o);
  else
    chosen_fleet(out, o);
  autoscaled_alternative(out, o);
  frontier_table(out, o);
  unrun_and_warnings(out, o);
  return out;
}

std::string render_plan_json(const PlanOutcome& o) {
  const SearchResult& s = o.search;
  Json j = Json::object();
  j["schema"] = "fleetsim.plan/1";
  j["scenario"] = o.scenario;
  Json search = Json::object();
  search["method"] = o.exhaustive ? "exhaustive" : "bisection";
  search["configurations"] = s.configurations;
  search["simulation_runs"] = s.simulation_runs;
  search["rounds"] = s.rounds;
  search["exhaustive_runs"] = s.grid_size;
  j["search"] = std::move(search);
  if (s.best) {
    Json chosen = candidate_json(o, *s.best);
    Json margins = Json::array();
    if (*s.best < o.reports.size() && o.reports[*s.best])
      for (const SloMargin& m : slo_margins(*o.reports[*s.best])) {
        Json e = Json::object();
        e["workload"] = m.workload;
        e["metric"] = m.metric;
        e["percentile"] = m.percentile;
        e["bound_s"] = m.bound_s;
        e["observed_s"] = number_or_null(m.observed_s);
        e["ratio"] = m.observed_s ? number_or_null(*m.observed_s / m.bound_s) : Json(nullptr);
        e["attainment"] = number_or_null(m.attainment);
        e["met"] = m.met;
        margins.push_back(std::move(e));
      }
    chosen["slo_margins"] = std::move(margins);
    j["chosen"] = std::move(chosen);
    if (o.autoscaled) {
      const AutoscaledAlternative& alt = *o.autoscaled;
      Json a = Json::object();
      a["pools"] = alt.pools;
      a["simulated"] = alt.report.has_value();
      if (!alt.evaluation.note.empty()) a["note"] = alt.evaluation.note;
      a["slos_met"] = alt.evaluation.slos_met;
      a["stable"] = alt.evaluation.stable;
      a["feasible"] = alt.evaluation.feasible;
      a["cost_per_hour_usd"] = number_or_null(alt.evaluation.cost_per_hour);
      a["slo_pressure"] = number_or_null(alt.evaluation.slo_pressure);
      a["cost_per_session_usd"] =
          alt.report ? number_or_null(figure(*alt.report, "fleet.cost_per_session_usd")) : Json(nullptr);
      Json nodes = Json::array();
      for (const AutoscaledNodes& n : autoscaled_nodes(o)) {
        Json e = Json::object();
        e["pool"] = n.pool;
        e["mean_nodes"] = number_or_null(n.mean);
        e["peak_nodes"] = number_or_null(n.peak);
        e["fixed_nodes"] = n.fixed;
        nodes.push_back(std::move(e));
      }
      a["nodes"] = std::move(nodes);
      j["autoscaled_alternative"] = std::move(a);
    }
  } else {
    j["chosen"] = nullptr;
  }
  Json frontier = Json::array();
  for (std::size_t i : s.frontier) frontier.push_back(candidate_json(o, i));
  j["frontier"] = std::move(frontier);
  Json evaluated = Json::array();
  for (std::size_t i = 0; i < s.evaluated.size(); ++i) evaluated.push_back(candidate_json(o, i));
  j["evaluated"] = std::move(evaluated);
  j["warnings"] = s.warnings;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_plan_html(const PlanOutcome& o) {
  const SearchResult& s = o.search;
  svg::LineChart chart;
  chart.title = "Evaluated fleets: cost against the worst SLO ratio";
  chart.x_label = "USD per hour";
  chart.y_label = "worst observed / bound";
  chart.reference = 1.0;
  chart.reference_label = "SLO bound";
  svg::Series all{"evaluated", {}, {}, true}, frontier{"frontier", {}, {}}, chosen{"chosen", {}, {}, true};
  for (const EvaluatedCandidate& e : s.evaluated)
    if (e.evaluation.simulated) {
      all.x.push_back(e.evaluation.cost_per_hour);
      all.y.push_back(e.evaluation.slo_pressure);
    }
  for (std::size_t i : s.frontier) {
    frontier.x.push_back(s.evaluated[i].evaluation.cost_per_hour);
    frontier.y.push_back(s.evaluated[i].evaluation.slo_pressure);
  }
  if (s.best) {
    chosen.x.push_back(s.evaluated[*s.best].evaluation.cost_per_hour);
    chosen.y.push_back(s.evaluated[*s.best].evaluation.slo_pressure);
  }
  chart.series = {all, frontier, chosen};
  // Fleets from one node to hundreds, SLO ratios from met to far missed.
  chart.log_x = svg::spans_decades(chart.series, false, 30.0);
  chart.log_y = svg::spans_decades(chart.series, true, 30.0);
  std::string out = html_page_start(
      "fleetsim plan: " + o.scenario,
      "body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; } svg text { "
      "font-size: 11px; } figcaption { font-weight: 600; } pre { font-size: 0.8em; background: #f7f7f7; padding: 1em; "
      "overflow-x: auto; }");
  out += fmt::format("<h1>fleetsim plan: {}</h1>\n", markup_escape(o.scenario));
  out += svg::line_chart(chart);
  out += "<h2 id=\"plan\">The plan</h2>\n<pre>" + markup_escape(render_plan_table(o)) + "</pre>\n";
  out += kHtmlPageEnd;
  return out;
}

}  // namespace fleetsim
