#include "fleetsim/io/svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "fleetsim/io/markup_escape.hpp"
#include "fleetsim/io/report_text.hpp"

namespace fleetsim::svg {
namespace {

// Colour-blind-safe (Okabe and Ito), enough for the pools of a fleet.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                    "#56B4E9", "#D55E00", "#F0E442", "#000000"};
constexpr int kWidth = 640, kHeight = 260;
constexpr int kLeft = 70, kRight = 150, kTop = 30, kBottom = 45;

const char* colour(std::size_t i) { return kPalette[i % (sizeof kPalette / sizeof kPalette[0])]; }

// A tick's label: few digits, no exponent, no trailing zeros ("50", "0.15").
std::string tick_text(double v) {
  std::string s = report_text::sig(v, 3);
  if (s.find('.') == std::string::npos) return s;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace


std::vector<double> nice_ticks(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0.0, 1.0};
  if (hi <= lo) hi = lo + (lo == 0.0 ? 1.0 : std::abs(lo));
  const double raw = (hi - lo) / 5.0;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= raw) {
      step = m * power;
      break;
    }
  std::vector<double> ticks;
  const double first = std::floor(lo / step) * step;
  for (double t = first; ticks.size() < 12; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    if (t >= hi - step * 1e-9) break;
  }
  return ticks;
}

bool spans_decades(const std::vector<Series>& series, bool y, double factor) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
  for (const Series& s : series)
    for (const double v : y ? s.y : s.x)
      if (std::isfinite(v) && v > 0) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
  return hi > 0 && hi > lo * factor;
}

std::vector<double> decade_ticks(double lo, double hi) {
  std::vector<double> ticks;
  for (double e = std::floor(std::log10(lo)); ticks.size() < 16; e += 1.0) {
    ticks.push_back(std::pow(10.0, e));
    if (ticks.back() >= hi) break;
  }
  if (ticks.size() == 1) ticks.push_back(ticks.front() * 10.0);
  return ticks;
}

namespace {

// A point a log axis cannot show (at or below 0) is left out.
bool shown(const LineChart& chart, double x, double y) {
  return std::isfinite(x) && std::isfinite(y) && (!chart.log_x || x > 0) && (!chart.log_y || y > 0);
}

bool reference_shown(const LineChart& chart) {
  return chart.reference && std::isfinite(*chart.reference) && (!chart.log_y || *chart.reference > 0);
}

// The plot's ticks and where a value lies on it: linear, or linear in log10
// on a log axis.
struct Frame {
  std::vector<double> xt, yt;  // ticks; the first and last are the axes' ends
  bool log_x = false, log_y = false;
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;

  static double along(double v, bool log) { return log ? std::log10(v) : v; }
  double px(double x) const { return kLeft + (x1 > x0 ? (along(x, log_x) - x0) / (x1 - x0) : 0.5) * plot_w; }
  double py(double y) const {
    return kTop + plot_h - (y1 > y0 ? (along(y, log_y) - y0) / (y1 - y0) : 0.5) * plot_h;
  }
};

// The frame around every point shown (and the reference line), with 0 in
// a linear y range; nullopt when no point is shown.
std::optional<Frame> frame_of(const LineChart& chart) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double x_lo = kInf, x_hi = -kInf, y_lo = chart.log_y ? kInf : 0.0, y_hi = -kInf;
  for (const Series& s : chart.series)
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!shown(chart, s.x[i], s.y[i])) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]);
      y_hi = std::max(y_hi, s.y[i]);
    }
  if (reference_shown(chart)) {
    y_hi = std::max(y_hi, *chart.reference);
    y_lo = std::min(y_lo, *chart.reference);
  }
  if (!std::isfinite(x_lo)) return std::nullopt;
  Frame f;
  f.log_x = chart.log_x;
  f.log_y = chart.log_y;
  f.xt = chart.log_x ? decade_ticks(x_lo, x_hi) : nice_ticks(x_lo, x_hi);
  f.yt = chart.log_y ? decade_ticks(y_lo, y_hi) : nice_ticks(y_lo, y_hi);
  f.x0 = Frame::along(f.xt.front(), chart.log_x);
  f.x1 = Frame::along(f.xt.back(), chart.log_x);
  f.y0 = Frame::along(f.yt.front(), chart.log_y);
  f.y1 = Frame::along(f.yt.back(), chart.log_y);
  return f;
}

// Grid and axis labels, the axes, their titles, and the reference line.
void draw_axes(std::string& out, const LineChart& chart, const Frame& f) {
  const auto& xt = f.xt;
  const auto& yt = f.yt;
  for (double t : yt)
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>\n",
        f.px(xt.front()), f.py(t), f.px(xt.back()), f.py(t), kLeft - 6.0, f.py(t) + 4.0, markup_escape(tick_text(t)));
  for (double t : xt)
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"middle\">{}</text>\n", f.px(t),
                       kTop + f.plot_h + 16.0, markup_escape(tick_text(t)));
  out += fmt::format(
      "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" class=\"axis\"/>"
      "<line x1=\"{0:.1f}\" y1=\"{3:.1f}\" x2=\"{0:.1f}\" y2=\"{1:.1f}\" class=\"axis\"/>\n",
      f.px(xt.front()), f.py(yt.front()), f.px(xt.back()), f.py(yt.back()));
  out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"label\" text-anchor=\"middle\">{}</text>\n",
                     kLeft + f.plot_w / 2, kHeight - 6, markup_escape(chart.x_label));
  out += fmt::format("<text x=\"14\" y=\"{:.1f}\" class=\"label\" text-anchor=\"middle\" transform=\"rotate(-90 14 {:.1f})\">{}</text>\n",
                     kTop + f.plot_h / 2, kTop + f.plot_h / 2, markup_escape(chart.y_label));
  if (reference_shown(chart))
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"reference\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\">{}</text>\n",
        f.px(xt.front()), f.py(*chart.reference), f.px(xt.back()), f.py(*chart.reference), f.px(xt.back()) + 4.0,
        f.py(*chart.reference) + 4.0, markup_escape(chart.reference_label));
}

// Series i: a polyline (a lone point is a dot, and a points series dots
// only), and its legend entry when there are several.
void draw_series(std::string& out, const LineChart& chart, const Frame& f, std::size_t i) {
  const Series& s = chart.series[i];
  std::string points;
  std::size_t n = 0;
  for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
    if (!shown(chart, s.x[k], s.y[k])) continue;
    points += fmt::format("{}{:.1f},{:.1f}", n++ ? " " : "", f.px(s.x[k]), f.py(s.y[k]));
  }
  if (s.points) {
    for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k)
      if (shown(chart, s.x[k], s.y[k]))
        out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>\n", f.px(s.x[k]),
                           f.py(s.y[k]), colour(i));
  } else if (n > 1)
    out += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", points,
                       colour(i));
  else if (n == 1)
    out += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>\n", points.substr(0, points.find(',')),
                       points.substr(points.find(',') + 1), colour(i));
  if (chart.series.size() < 2) return;  // the title names a lone series
  const double ly = kTop + 8.0 + 18.0 * static_cast<double>(i);
  // Long names are cut to fit the legend's column.
  const std::string name = s.name.size() > 19 ? s.name.substr(0, 16) + "..." : s.name;
  out += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"4\" fill=\"{}\"/>"
      "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"legend\">{}</text>\n",
      kWidth - kRight + 12.0, ly - 4.0, colour(i), kWidth - kRight + 30.0, ly + 1.0, markup_escape(name));
}

}  // namespace

std::string line_chart(const LineChart& chart) {
  std::string out = fmt::format(
      "<figure class=\"chart\"><figcaption>{}</figcaption>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\">\n",
      markup_escape(chart.title), kWidth, kHeight, kWidth, kHeight, markup_escape(chart.title));
  const std::optional<Frame> frame = frame_of(chart);
  if (!frame) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"empty\">no data in the measured window</text>\n</svg></figure>\n",
                       kLeft, kHeight / 2);
    return out;
  }
  draw_axes(out, chart, *frame);
  for (std::size_t i = 0; i < chart.series.size(); ++i) draw_series(out, chart, *frame, i);
  out += "</svg></figure>\n";
  return out;
}

std::string bar_chart(const BarChart& chart) {
  constexpr int kRow = 22, kLabel = 170, kBarMax = 330;
  const int height = kTop + static_cast<int>(chart.bars.size()) * kRow + 10;
  double top = 0.0;
  for (const Bar& b : chart.bars)
    if (std::isfinite(b.value)) top = std::max(top, b.value);
  std::string out = fmt::format(
      "<figure class=\"chart\"><figcaption>{}</figcaption>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"{}\">\n",
      markup_escape(chart.title), kWidth, height, kWidth, height, markup_escape(chart.title));
  for (std::size_t i = 0; i < chart.bars.size(); ++i) {
    const Bar& b = chart.bars[i];
    const double y = kTop + static_cast<double>(i) * kRow - 10.0;
    const double w = top > 0 && std::isfinite(b.value) && b.value > 0 ? b.value / top * kBarMax : 0.0;
    out += fmt::format(
        "<text x=\"{}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>"
        "<rect x=\"{}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"14\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\">{}</text>\n",
        kLabel - 8, y + 11.0, markup_escape(b.label), kLabel, y, w, colour(i), kLabel + w + 6.0, y + 11.0,
        markup_escape(b.text));
  }
  out += "</svg></figure>\n";
  return out;
}

}  // namespace fleetsim::svg
