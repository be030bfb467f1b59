// A sweep as one HTML page (fleetsim sweep --html): a chart per headline
// figure against the swept parameter, with the 95% interval of the mean when
// points have replications, then the points' table. Inline SVG, no scripts,
// the same bytes for the same sweep, as the run and compare pages.
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetsim/workflows/report_figures.hpp"
#include "fleetsim/workflows/sweep_results.hpp"
#include "fleetsim/io/html_page.hpp"
#include "fleetsim/io/markup_escape.hpp"
#include "fleetsim/io/svg_chart.hpp"

namespace fleetsim {
namespace {

constexpr const char* kSweepStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
figure.chart { display: inline-block; margin: 0.4em 1em 0.4em 0; vertical-align: top; }
figcaption { font-weight: 600; font-size: 0.9em; } svg text { font-size: 11px; fill: #333; }
pre { font-size: 0.8em; background: #f7f7f7; padding: 1em; overflow-x: auto; }
)";

// The number a parameter's value starts with ("2/s" is 2, "80" is 80); none
// for a value that is not one ("h100-p5.48xlarge").
std::optional<double> leading_number(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin) return std::nullopt;
  return v;
}

// The figures worth a chart: the fleet's cost and power, and for every
// workload and pool its latency tails and utilization, in the rows' order.
bool charted(const std::string& path) {
  if (path == "fleet.cost_per_session_usd" || path == "fleet.mean_it_power_w" ||
      path == "fleet.cost_per_million_output_tokens_usd")
    return true;
  if (path.starts_with("workloads."))
    return path.ends_with(".ttft_s.p95") || path.ends_with(".session_latency_s.p95") ||
           path.ends_with(".cost_per_session_usd");
  return path.starts_with("pools.") && path.ends_with(".utilization");
}

}  // namespace

std::string render_sweep_html(const SweepHeader& header, const std::vector<SweepRow>& rows, int replications) {
  std::string out = html_page_start("fleetsim sweep: " + header.scenario, kSweepStyle);
  out += fmt::format("<h1>fleetsim sweep: {}</h1>\n<p>{} points, {} replication{} each; sweep id {}.</p>\n",
                     markup_escape(header.scenario), rows.size(), replications, replications == 1 ? "" : "s",
                     markup_escape(header.sweep_id));
  // One numeric parameter is the x axis; otherwise the points' numbers are.
  bool numeric = !rows.empty() && rows.front().parameters.size() == 1;
  for (const SweepRow& row : rows)
    numeric = numeric && row.parameters.size() == 1 && leading_number(row.parameters[0].second).has_value();
  const std::string x_label = numeric ? rows.front().parameters[0].first : "point";
  std::vector<std::string> paths;
  for (const SweepRow& row : rows)
    for (const SweepFigure& f : row.figures)
      if (charted(f.path) && std::find(paths.begin(), paths.end(), f.path) == paths.end()) paths.push_back(f.path);
  out += "<h2 id=\"charts\">Figures against " + markup_escape(x_label) + "</h2>\n";
  for (const std::string& path : paths) {
    svg::LineChart chart;
    chart.title = path;
    chart.x_label = x_label;
    svg::Series mean{"mean", {}, {}}, low{"95% CI low", {}, {}}, high{"95% CI high", {}, {}};
    for (const SweepRow& row : rows) {
      if (!row.ok()) continue;
      const double x = numeric ? *leading_number(row.parameters[0].second) : static_cast<double>(row.point);
      for (const SweepFigure& f : row.figures) {
        if (f.path != path || !f.stats.mean) continue;
        mean.x.push_back(x);
        mean.y.push_back(*f.stats.mean);
        if (f.stats.half_width) {
          low.x.push_back(x);
          low.y.push_back(*f.stats.mean - *f.stats.half_width);
          high.x.push_back(x);
          high.y.push_back(*f.stats.mean + *f.stats.half_width);
        }
      }
    }
    mean.points = mean.x.size() < 2;
    chart.series.push_back(std::move(mean));
    if (!low.x.empty()) {
      chart.series.push_back(std::move(low));
      chart.series.push_back(std::move(high));
    }
    chart.log_y = svg::spans_decades(chart.series, true, 100.0);
    out += svg::line_chart(chart);
  }
  out += "<h2 id=\"points\">The points</h2>\n<pre>" + markup_escape(sweep_summary_table(rows, replications)) +
         "</pre>\n<p>Every figure of every point: <code>fleetsim sweep ... -o points.csv</code> or "
         "<code>--jsonl</code>; figures are defined in docs/report-format.md.</p>\n";
  out += kHtmlPageEnd;
  return out;
}

}  // namespace fleetsim
