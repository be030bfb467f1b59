// Small charts as inline SVG text, for the HTML report: a line chart of
// series over a shared x axis and a horizontal bar chart. No scripts, no
// fonts or styles from outside: the file a planner mails around renders the
// same everywhere. Used by the run report and the workflows' pages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim::svg {

struct Series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;  // same length as x; non-finite points are skipped
  bool points = false;    // a dot per point instead of a line through them
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
  // A horizontal line across the plot (an SLO bound), with its label.
  std::optional<double> reference;
  std::string reference_label;
  // Logarithmic axes, ticked at powers of ten: for figures that span
  // decades (a latency tail, fleets from one node to hundreds). Points at
  // or below 0 are left out of a log axis.
  bool log_x = false;
  bool log_y = false;
};

// Linear axes from 0 (or the data's minimum, if negative) to nice round
// maxima, or log axes from the decade below the least positive value to the
// decade above the largest;
// one coloured polyline and legend entry per series. An empty chart (no
// finite point) says so instead of drawing axes.
std::string line_chart(const LineChart& chart);

struct Bar {
  std::string label;
  double value = 0.0;
  std::string text;  // the value as printed beside the bar
};

struct BarChart {
  std::string title;
  std::vector<Bar> bars;
};

// One horizontal bar per entry, scaled to the largest value.
std::string bar_chart(const BarChart& chart);

// "Nice" axis ticks from 0 (or lo) up to at least hi: steps of 1, 2 or 5
// times a power of ten, about five of them.
std::vector<double> nice_ticks(double lo, double hi);
// A log axis's ticks: the powers of ten from the one at or below lo (> 0) to
// the first at or above hi, at least two.
std::vector<double> decade_ticks(double lo, double hi);
// Whether the positive values of the series' x (or y) span more than
// `factor` from least to largest: a linear axis would flatten all but the top.
bool spans_decades(const std::vector<Series>& series, bool y, double factor);

}  // namespace fleetsim::svg
