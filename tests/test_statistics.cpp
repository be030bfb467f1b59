#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "fleetsim/core/power_timeline.hpp"
#include "fleetsim/core/quantile_sketch.hpp"
#include "fleetsim/core/rng.hpp"

using namespace fleetsim;

namespace {
double exact_quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(q * static_cast<double>(v.size()))));
  return v[rank - 1];
}
}  // namespace

TEST_CASE("Sketch quantiles are within their relative accuracy of the exact ones", "[statistics]") {
  Rng rng(3, 3);
  std::vector<double> values;
  QuantileSketch sketch(0.005);
  for (int i = 0; i < 100000; ++i) {
    const double v = std::exp(rng.standard_normal() * 2.0);  // spans many decades
    values.push_back(v);
    sketch.add(v);
  }
  for (double q : {0.01, 0.5, 0.9, 0.95, 0.99, 0.999}) {
    const double exact = exact_quantile(values, q);
    CHECK(std::fabs(sketch.quantile(q) - exact) <= 0.005 * exact * 1.0000001);
  }
  double sum = 0;
  for (double v : values) sum += v;
  CHECK(sketch.mean() == Approx(sum / values.size()));
  CHECK(sketch.max() == *std::max_element(values.begin(), values.end()));
  CHECK(sketch.count() == 100000);
}

TEST_CASE("Sketches merge to the sketch of the union", "[statistics]") {
  QuantileSketch a, b, all;
  for (int i = 1; i <= 1000; ++i) {
    (i % 2 ? a : b).add(i * 0.01);
    all.add(i * 0.01);
  }
  a.merge(b);
  for (double q : {0.1, 0.5, 0.99}) CHECK(a.quantile(q) == all.quantile(q));
  CHECK(a.count() == all.count());
  CHECK(a.fraction_at_most(5.0) == Approx(0.5).margin(0.002));
}

TEST_CASE("Sketch counts zeros and handles the empty case", "[statistics]") {
  QuantileSketch s;
  CHECK(s.quantile(0.5) == 0.0);
  CHECK(s.fraction_at_most(1.0) == 1.0);
  s.add(0.0);
  s.add(0.0);
  s.add(1.0);
  CHECK(s.quantile(0.5) == 0.0);
  CHECK(s.quantile(1.0) == Approx(1.0).epsilon(0.005));
  CHECK(s.fraction_at_most(0.5) == Approx(2.0 / 3.0));
}

TEST_CASE("Power timeline reports the highest one-bin mean power", "[statistics][power]") {
  PowerTimeline t(10.0, 1.0);
  t.add(10.0, 12.0, 200.0);  // 100 W over two bins
  t.add(11.5, 11.75, 50.0);  // +50 J in the second bin
  t.add(0.0, 10.0, 1e6);     // before the window: dropped
  CHECK(t.peak_power_w(1000.0, 20.0) == Approx(1150.0));
}
