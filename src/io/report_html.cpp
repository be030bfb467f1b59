// The report as one self-contained HTML page (docs/report-format.md, "HTML"):
// the answer first (cost per session, SLOs, power), then the pools, each
// workload's latencies against its SLOs, the run's time series when one was
// recorded, and the checks. Charts are inline SVG (svg_chart.hpp); no
// scripts, fonts or styles are fetched, so the file opens anywhere, offline.
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "report_table_parts.hpp"
#include "fleetsim/io/report_writers.hpp"
#include "fleetsim/io/html_page.hpp"
#include "fleetsim/io/report_text.hpp"
#include "fleetsim/io/markup_escape.hpp"
#include "fleetsim/io/svg_chart.hpp"

namespace fleetsim {
namespace {

namespace text = report_text;

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; } h3 { margin-top: 1.2em; }
.meta { color: #555; font-size: 0.9em; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 9em; }
.card .v { font-size: 1.4em; font-weight: 600; } .card .k { color: #555; font-size: 0.85em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25em 0.7em; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f5f5f5; }
.met { color: #05703a; font-weight: 600; } .missed { color: #b00020; font-weight: 600; }
.finding { background: #fff3f3; border-left: 4px solid #b00020; padding: 0.5em 1em; margin: 0.6em 0; }
.steady { background: #f1faf4; border-left: 4px solid #05703a; padding: 0.5em 1em; margin: 0.6em 0; }
figure.chart { display: inline-block; margin: 0.5em 1em 0.5em 0; vertical-align: top; }
figcaption { font-weight: 600; font-size: 0.9em; margin-bottom: 0.2em; }
svg .grid { stroke: #e6e6e6; } svg .axis { stroke: #555; } svg .reference { stroke: #b00020; stroke-dasharray: 5 4; }
svg text { font-size: 11px; fill: #333; } svg .label { font-size: 12px; } svg .empty { fill: #888; }
)";

std::string cell(const std::string& s) { return "<td>" + markup_escape(s) + "</td>"; }

std::string row(const std::vector<std::string>& cells) {
  std::string out = "<tr>";
  for (const auto& c : cells) out += cell(c);
  return out + "</tr>\n";
}

std::string header_row(const std::vector<std::string>& cells) {
  std::string out = "<tr>";
  for (const auto& c : cells) out += "<th>" + markup_escape(c) + "</th>";
  return out + "</tr>\n";
}

std::string card(const std::string& value, const std::string& key) {
  return fmt::format("<div class=\"card\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>\n",
                     markup_escape(value),
                     markup_escape(key));
}

void answer(std::string& out, const Report& r) {
  const FleetReport& f = r.fleet;
  int missed = 0, slos = 0;
  for (const WorkloadReport& w : r.workloads)
    for (const SloResult& s : w.slos) {
      ++slos;
      if (!s.met) ++missed;
    }
  out += "<div class=\"cards\">\n";
  out += card(text::usd(f.cost_per_session_usd), "per session");
  out += card(text::usd(f.total_cost_usd), "fleet cost in the window");
  out += card(slos == 0 ? "none set" : missed == 0 ? "all met" : fmt::format("{} of {} missed", missed, slos), "SLOs");
  out += card(text::power(f.mean_it_power_w), "mean IT power");
  out += card(text::sig(f.sessions_per_s, 3) + "/s", "sessions completed");
  out += card(std::to_string(f.nodes) + " nodes", "in the fleet at the start");
  out += "</div>\n";
  if (r.stability.stable) {
    out += "<p class=\"steady\">Steady: no backlog grows from the first half of the window to the second.</p>\n";
  } else {
    for (const StabilityFinding& s : r.stability.findings)
      out += fmt::format("<div class=\"finding\"><b>Not keeping up</b>{}{}: {} {} &rarr; {} (first &rarr; second half "
                         "of the window). {}</div>\n",
                         s.pool.empty() ? "" : " in pool " + markup_escape(s.pool),
                         s.workload.empty() ? "" : " for workload " + markup_escape(s.workload),
                         markup_escape(s.figure), markup_escape(text::sig(s.first_half, 3)),
                         markup_escape(text::sig(s.second_half, 3)), markup_escape(s.hint));
  }
}

// How far the model was checked where each pool runs (docs/report-format.md,
// "Model evidence").
void evidence(std::string& out, const Report& r) {
  const std::vector<std::vector<std::string>> rows = report_table::evidence_rows(r);
  if (rows.empty()) return;
  out += "<h3 id=\"evidence\">Model evidence</h3>\n<p class=\"meta\">Published cases of each pool's hardware class "
         "and serving stack, each predicted by a fit that never saw its source (docs/validation.md): the error to "
         "expect of this page's figures where they run.</p>\n<table>\n";
  out += header_row(report_table::evidence_headers(r));
  for (const auto& cells : rows) out += row(cells);
  out += "</table>\n";
}

void pools(std::string& out, const Report& r) {
  out += "<h2 id=\"pools\">Pools</h2>\n<table>\n";
  out += header_row({"pool", "kind", "hardware", "nodes", "replicas", "utilization", "batch", "KV in use", "queue mean",
                     "mean kW", "kWh", "cost $"});
  svg::BarChart cost{"Cost by pool (USD)", {}}, power{"Mean IT power by pool (kW)", {}},
      util{"Utilization by pool", {}};
  for (const PoolReport& p : r.pools) {
    out += row({p.name, p.role == "unified" ? p.kind : p.kind + " " + p.role, p.hardware, std::to_string(p.nodes),
                std::to_string(p.replicas), text::percent(p.utilization), text::sig(p.mean_batch_size, 3),
                text::percent(p.kv_cache_occupancy), text::duration(p.queueing_delay_mean_s),
                text::grouped(p.mean_power_w / 1e3, 2), text::grouped(p.energy_j / 3.6e6, 2),
                text::grouped(p.cost_usd, 2)});
    cost.bars.push_back({p.name, p.cost_usd, text::usd(p.cost_usd)});
    power.bars.push_back({p.name, p.mean_power_w / 1e3, text::power(p.mean_power_w)});
    util.bars.push_back({p.name, p.utilization, text::percent(p.utilization)});
  }
  for (const ToolPoolReport& t : r.tool_pools) {
    out += row({t.name, "tools", t.hardware, std::to_string(t.nodes), "", text::percent(t.utilization), "", "",
                text::duration(t.queueing_delay_mean_s), text::grouped(t.mean_power_w / 1e3, 2),
                text::grouped(t.energy_j / 3.6e6, 2), text::grouped(t.cost_usd, 2)});
    cost.bars.push_back({t.name, t.cost_usd, text::usd(t.cost_usd)});
    power.bars.push_back({t.name, t.mean_power_w / 1e3, text::power(t.mean_power_w)});
    util.bars.push_back({t.name, t.utilization, text::percent(t.utilization)});
  }
  out += "</table>\n";
  out += svg::bar_chart(cost) + svg::bar_chart(power) + svg::bar_chart(util);
  evidence(out, r);
}

// Percentile curves: x the percentile, y the latency, the SLO's bound as a line.
std::string latency_chart(const std::string& title, const LatencySummary& s, const SloResult* slo) {
  svg::LineChart c;
  c.title = title;
  c.x_label = "percentile";
  c.y_label = "seconds";
  if (s.count > 0) {
    // The sketch's percentiles from 1 to 99.9, then the largest sample.
    svg::Series curve{title, {}, {}};
    for (std::size_t i = 0; i < s.curve.size(); ++i) {
      curve.x.push_back(kCurvePercentiles[i]);
      curve.y.push_back(s.curve[i]);
    }
    curve.x.push_back(100);
    curve.y.push_back(s.max);
    c.series.push_back(std::move(curve));
    // A tail of more than two decades above the median's range: log seconds.
    c.log_y = svg::spans_decades(c.series, true, 100.0);
  }
  if (slo) {
    c.reference = slo->bound_s;
    c.reference_label = fmt::format("p{:g} SLO", slo->percentile);
  }
  return svg::line_chart(c);
}

void workload(std::string& out, const WorkloadReport& w) {
  out += fmt::format("<h3 id=\"workload-{0}\">Workload {0}</h3>\n", markup_escape(w.name));
  out += fmt::format(
      "<p>{} sessions completed ({} started, {} in flight at the end); {} LLM calls, {} tool calls; {} per session; "
      "prefix-cache hits {} of prompt tokens.</p>\n",
      markup_escape(text::count(w.sessions_completed)), markup_escape(text::count(w.sessions_started)),
      markup_escape(text::count(w.sessions_in_flight)), markup_escape(text::count(w.llm_calls)),
      markup_escape(text::count(w.tool_calls)),
      markup_escape(text::usd(w.cost_per_session_usd)), markup_escape(text::percent(w.prefix_cache_hit_rate)));
  out += "<table>\n" + header_row({"latency", "n", "mean", "p50", "p90", "p95", "p99", "max"});
  auto line = [&](const char* name, const LatencySummary& s) {
    out += row({name, text::count(static_cast<std::int64_t>(s.count)), text::duration(s.mean), text::duration(s.p50),
                text::duration(s.p90), text::duration(s.p95), text::duration(s.p99), text::duration(s.max)});
  };
  line("TTFT", w.ttft_s);
  line("TPOT", w.tpot_s);
  line("call", w.call_latency_s);
  line("session", w.session_latency_s);
  out += "</table>\n";
  if (!w.slos.empty()) {
    out += "<table>\n" + header_row({"SLO", "bound", "observed", "attainment", ""});
    for (const SloResult& s : w.slos)
      out += fmt::format("<tr><td>{} p{:g}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
                         markup_escape(s.metric), s.percentile, markup_escape(text::duration(s.bound_s)),
                         markup_escape(text::duration(s.observed_s)), markup_escape(text::percent(s.attainment)),
                         s.met ? "met" : "missed", s.met ? "met" : "missed");
    out += "</table>\n";
  }
  auto slo_of = [&](const char* metric) -> const SloResult* {
    for (const SloResult& s : w.slos)
      if (s.metric == metric) return &s;
    return nullptr;
  };
  out += latency_chart("TTFT of " + w.name, w.ttft_s, slo_of("ttft"));
  out += latency_chart("TPOT of " + w.name, w.tpot_s, slo_of("tpot"));
  out += latency_chart("Session time of " + w.name, w.session_latency_s, slo_of("session"));
}

void time_series(std::string& out, const Report& r, const TimeSeriesTable& t) {
  out += "<h2 id=\"time-series\">Over time</h2>\n";
  out += fmt::format("<p class=\"meta\">Bins of the measured window from {}; the same figures as "
                     "<code>fleetsim run --timeseries</code> writes (docs/report-format.md, \"Time series\").</p>\n",
                     markup_escape(text::duration(r.run.window_start_s)));
  // Minutes, or hours for runs longer than five.
  const bool hours = r.run.window_end_s - r.run.window_start_s > 5 * 3600.0;
  const double time_unit = hours ? 3600.0 : 60.0;
  const std::string time_label = hours ? "time (h)" : "time (min)";
  auto pool_chart = [&](const std::string& title, const std::string& unit, auto value) {
    svg::LineChart c;
    c.title = title;
    c.x_label = time_label;
    c.y_label = unit;
    for (std::size_t p = 0; p < t.pools.size(); ++p) {
      svg::Series s{t.pools[p].name, {}, {}};
      for (const PoolBinRow& b : t.pool_rows)
        if (b.pool == p) {
          s.x.push_back((b.bin_start_s + b.bin_end_s) / 2 / time_unit);
          s.y.push_back(value(b));
        }
      c.series.push_back(std::move(s));
    }
    out += svg::line_chart(c);
  };
  pool_chart("IT power by pool", "kW", [](const PoolBinRow& b) { return b.power_w / 1e3; });
  pool_chart("Utilization by pool", "fraction", [](const PoolBinRow& b) { return b.utilization; });
  pool_chart("Calls waiting by pool", "calls", [](const PoolBinRow& b) { return b.queue_mean; });
  pool_chart("KV blocks in use by pool", "fraction", [](const PoolBinRow& b) { return b.kv_occupancy_mean; });
  bool autoscaled = false;
  for (const TimeSeriesPool& p : t.pools) autoscaled |= p.autoscaled;
  if (autoscaled) pool_chart("Nodes by pool", "nodes", [](const PoolBinRow& b) { return b.nodes; });
  svg::LineChart sessions;
  sessions.title = "Sessions in flight by workload";
  sessions.x_label = time_label;
  sessions.y_label = "sessions";
  for (std::size_t w = 0; w < t.workloads.size(); ++w) {
    svg::Series s{t.workloads[w], {}, {}};
    for (const WorkloadBinRow& b : t.workload_rows)
      if (b.workload == w) {
        s.x.push_back(b.bin_end_s / time_unit);
        s.y.push_back(static_cast<double>(b.sessions_in_flight));
      }
    sessions.series.push_back(std::move(s));
  }
  out += svg::line_chart(sessions);
}

void checks(std::string& out, const Report& r) {
  const LittleLawCheck& l = r.little_law;
  out += "<h2 id=\"checks\">Checks</h2>\n<table>\n";
  out += row({"Little's law: L, and lambda x W", text::sig(l.mean_sessions_in_system, 4) + " sessions; " +
                                                     text::sig(l.arrival_rate_per_s * l.mean_session_time_s, 4),
              "relative error " + text::percent(l.relative_error)});
  out += row({"stability", r.stability.stable ? "steady" : "unstable", ""});
  out += "</table>\n";
}

}  // namespace

std::string render_html(const Report& r, const TimeSeriesTable* series) {
  std::string out = html_page_start("fleetsim report: " + r.run.scenario, kStyle);
  out += fmt::format("<h1>fleetsim report: {}</h1>\n", markup_escape(r.run.scenario));
  out += fmt::format(
      "<p class=\"meta\">{}; seed {}; measured window {} to {}; pricing {}, PUE {}, electricity ${}/kWh</p>\n",
      markup_escape(r.run.fleetsim_version.empty() ? "fleetsim" : "fleetsim " + r.run.fleetsim_version), r.run.seed,
      markup_escape(text::duration(r.run.window_start_s)), markup_escape(text::duration(r.run.window_end_s)),
      markup_escape(r.run.pricing),
      markup_escape(text::sig(r.run.pue, 3)), markup_escape(text::sig(r.run.electricity_usd_per_kwh, 3)));
  answer(out, r);
  pools(out, r);
  out += "<h2 id=\"workloads\">Workloads</h2>\n";
  for (const WorkloadReport& w : r.workloads) workload(out, w);
  if (series && !series->pool_rows.empty()) time_series(out, r, *series);
  checks(out, r);
  out += "<p class=\"meta\">Every figure is defined in docs/report-format.md; <code>--format json</code> has them all.</p>\n";
  out += kHtmlPageEnd;
  return out;
}

}  // namespace fleetsim
