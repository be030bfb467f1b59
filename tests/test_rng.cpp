#include <catch2/catch.hpp>

#include <cmath>

#include "fleetsim/core/distribution.hpp"
#include "fleetsim/core/rng.hpp"

using fleetsim::Distribution;
using fleetsim::Rng;

TEST_CASE("Rng streams are reproducible and distinct", "[rng]") {
  Rng a(42, 7), b(42, 7), c(42, 8);
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    REQUIRE(x == b.next_u64());
    REQUIRE(x != c.next_u64());
  }
}

TEST_CASE("Exponential and normal draws have the right moments", "[rng]") {
  Rng rng(1, 1);
  const int n = 200000;
  double sum_e = 0, sum_n = 0, sum_n2 = 0;
  for (int i = 0; i < n; ++i) {
    sum_e += rng.exponential(3.0);
    const double z = rng.standard_normal();
    sum_n += z;
    sum_n2 += z * z;
  }
  // Standard errors: 3/sqrt(n) ~ 0.0067 and 1/sqrt(n) ~ 0.0022; allow ~5 sigma.
  CHECK(sum_e / n == Approx(3.0).margin(0.035));
  CHECK(sum_n / n == Approx(0.0).margin(0.012));
  CHECK(sum_n2 / n == Approx(1.0).margin(0.02));
}

TEST_CASE("Distributions sample within their clamp and match their mean", "[distribution]") {
  Rng rng(5, 5);
  Distribution d;
  d.kind = Distribution::Kind::lognormal;
  d.p1 = std::log(100.0);
  d.p2 = 0.5;
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) sum += d.sample(rng);
  CHECK(sum / n == Approx(d.mean()).epsilon(0.01));

  Distribution e;
  e.kind = Distribution::Kind::empirical;
  e.values = {1, 2, 3};
  e.cumulative_weights = {0.5, 0.75, 1.0};
  CHECK(e.mean() == Approx(1.75));
  int ones = 0;
  for (int i = 0; i < 10000; ++i) ones += e.sample(rng) == 1.0;
  CHECK(ones == Approx(5000).margin(200));

  Distribution u;
  u.kind = Distribution::Kind::normal;
  u.p1 = 0;
  u.p2 = 10;
  u.lower = 0;
  for (int i = 0; i < 1000; ++i) REQUIRE(u.sample(rng) >= 0.0);
}
