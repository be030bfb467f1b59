// The HTML report's charts: axis ticks, linear and logarithmic, and the rule
// that picks a log axis for figures spanning decades.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "fleetsim/io/svg_chart.hpp"

using namespace fleetsim;

TEST_CASE("Linear ticks are round steps, log ticks are the decades around the data", "[html][svg]") {
  CHECK(svg::nice_ticks(0.0, 9.0) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(svg::decade_ticks(0.013, 1072.0) == std::vector<double>{0.01, 0.1, 1, 10, 100, 1000, 10000});
  CHECK(svg::decade_ticks(5.0, 5.0) == std::vector<double>{1, 10});  // at least two
  CHECK(svg::decade_ticks(10.0, 100.0) == std::vector<double>{10, 100});
}

TEST_CASE("A log axis is chosen for a tail of decades, and leaves out what it cannot show", "[html][svg]") {
  svg::LineChart c;
  c.title = "TTFT";
  c.series.push_back({"ttft", {1, 50, 99, 100}, {0.02, 0.05, 3.0, 1000.0}});
  CHECK(svg::spans_decades(c.series, true, 100.0));
  CHECK_FALSE(svg::spans_decades(c.series, false, 100.0));  // percentiles 1 to 100
  c.log_y = true;
  const std::string log = svg::line_chart(c);
  for (const char* tick : {">0.01<", ">0.1<", ">1<", ">10<", ">100<", ">1,000<"})
    CHECK(log.find(tick) != std::string::npos);
  // A point at 0 has no place on a log axis: it is left out, not drawn at the bottom.
  c.series[0].y[0] = 0.0;
  const std::string without = svg::line_chart(c);
  const auto from = without.find("points=\"") + 8;
  const std::string points = without.substr(from, without.find('"', from) - from);
  CHECK(std::count(points.begin(), points.end(), ',') == 3);
  // Linear, the same data: ticks from 0.
  c.log_y = false;
  CHECK(svg::line_chart(c).find(">0<") != std::string::npos);
}
