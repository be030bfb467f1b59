#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fleetsim/core/arrival_pattern.hpp"
#include "fleetsim/core/arrival_process.hpp"
#include "fleetsim/core/session.hpp"

using namespace fleetsim;

namespace {
long count_until(ArrivalGenerator& g, double from, double to) {
  long n = 0;
  for (double t = g.next_after(from); t < to; t = g.next_after(t)) ++n;
  return n;
}
}  // namespace

TEST_CASE("Poisson and constant arrivals have the configured rate", "[arrivals]") {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::poisson;
  p.rate_per_s = 5.0;
  ArrivalGenerator g(p, Rng(1, 1));
  // 50,000 expected; sd 224.
  CHECK(count_until(g, 0.0, 10000.0) == Approx(50000).margin(1000));
  p.kind = ArrivalProcess::Kind::constant;
  ArrivalGenerator c(p, Rng(1, 1));
  CHECK(count_until(c, 0.0, 10.0 + 1e-9) == 50);
}

TEST_CASE("Piecewise arrivals follow each piece's rate", "[arrivals]") {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::piecewise;
  p.pieces = {{0.0, 1.0}, {1000.0, 0.0}, {2000.0, 10.0}};
  ArrivalGenerator g(p, Rng(2, 2));
  long first = 0, second = 0, third = 0;
  for (double t = g.next_after(0.0); t < 3000.0; t = g.next_after(t)) {
    if (t < 1000)
      ++first;
    else if (t < 2000)
      ++second;
    else
      ++third;
  }
  CHECK(first == Approx(1000).margin(150));
  CHECK(second == 0);
  CHECK(third == Approx(10000).margin(500));
}

TEST_CASE("Diurnal arrivals peak at the configured time", "[arrivals]") {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::diurnal;
  p.rate_per_s = 2.0;
  p.amplitude = 0.5;
  p.period_s = 86400;
  p.peak_s = 14 * 3600;
  ArrivalGenerator g(p, Rng(3, 3));
  CHECK(g.rate_at(14 * 3600) == Approx(3.0));
  CHECK(g.rate_at(2 * 3600) == Approx(1.0));
  const long near_peak = count_until(g, 13.5 * 3600, 14.5 * 3600);
  ArrivalGenerator h(p, Rng(4, 4));
  const long near_trough = count_until(h, 1.5 * 3600, 2.5 * 3600);
  // Expected ~10,770 and ~3,630.
  CHECK(near_peak == Approx(10770).margin(400));
  CHECK(near_trough == Approx(3630).margin(250));
}

TEST_CASE("A step cursor walks nested loops in order", "[session]") {
  Step a, b, c, loop, inner;
  a.kind = Step::Kind::llm;
  a.model = "a";
  b.kind = Step::Kind::tool;
  c.kind = Step::Kind::llm;
  c.model = "c";
  inner.kind = Step::Kind::loop;
  inner.repeat = Distribution::constant(2);
  inner.body = {c};
  loop.kind = Step::Kind::loop;
  loop.repeat = Distribution::constant(3);
  loop.body = {b, inner};
  std::vector<Step> steps{a, loop};
  StepCursor cursor(&steps);
  Rng rng(1, 1);
  std::string trace;
  for (const Step* s = cursor.next(rng); s; s = cursor.next(rng))
    trace += s->kind == Step::Kind::tool ? "T" : s->model;
  CHECK(trace == "aTccTccTcc");
}

TEST_CASE("Zero-repeat loops are skipped", "[session]") {
  Step a, loop;
  a.kind = Step::Kind::llm;
  loop.kind = Step::Kind::loop;
  loop.repeat = Distribution::constant(0);
  loop.body = {a};
  std::vector<Step> steps{loop, a};
  StepCursor cursor(&steps);
  Rng rng(1, 1);
  int n = 0;
  while (cursor.next(rng)) ++n;
  CHECK(n == 1);
}

TEST_CASE("Weekly day rates scale each day of the week from the run's start", "[arrivals]") {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::diurnal;
  p.rate_per_s = 1.0;
  p.amplitude = 0.0;
  p.weekly = {2.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5};  // mean 1, as the reader scales them
  ArrivalGenerator g(p, Rng(5, 5));
  CHECK(g.rate_at(0.5 * 86400) == Approx(2.0));
  CHECK(g.rate_at(5.5 * 86400) == Approx(0.5));
  CHECK(g.rate_at(7.5 * 86400) == Approx(2.0));  // the next week's day 0
  CHECK(peak_rate_per_s(p) == Approx(2.0));
  // Day 0: 172,800 expected (sd 416); day 5: 43,200 (sd 208).
  CHECK(count_until(g, 0.0, 86400.0) == Approx(172800).margin(2000));
  ArrivalGenerator h(p, Rng(6, 6));
  CHECK(count_until(h, 5 * 86400.0, 6 * 86400.0) == Approx(43200).margin(1000));
}

TEST_CASE("Growth compounds the rate week over week", "[arrivals]") {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::diurnal;
  p.rate_per_s = 0.1;
  p.amplitude = 0.0;
  p.growth_per_week = 1.0;  // doubles every week
  const double week = 7 * 86400.0;
  ArrivalGenerator g(p, Rng(7, 7));
  CHECK(g.rate_at(week) == Approx(0.2));
  CHECK(g.rate_at(2 * week) == Approx(0.4));
  // Mean of 2^(t/W) over one week: 1 / ln 2.
  CHECK(mean_growth_factor(p, week) == Approx(1.0 / std::log(2.0)));
  // Week 0: 0.1 x W / ln 2 = 87,255 expected (sd 295); week 1 twice that
  // (sd 418): the day-by-day bound must follow the rate as it grows.
  CHECK(count_until(g, 0.0, week) == Approx(87255).margin(1500));
  ArrivalGenerator h(p, Rng(8, 8));
  CHECK(count_until(h, week, 2 * week) == Approx(174510).margin(2100));

  p.growth_per_week = -0.5;  // halves every week: the mean over one week is 0.5 / ln 2
  CHECK(mean_growth_factor(p, week) == Approx(0.5 / std::log(2.0)));
  CHECK(growth_factor(p, week) == Approx(0.5));
}

TEST_CASE("The arrival registry names every process once, with its keys, and each is documented", "[arrivals]") {
  std::vector<std::string> names;
  for (const ArrivalPatternInfo& info : arrival_patterns()) {
    INFO(info.name);
    CHECK_FALSE(info.doc.empty());
    for (const std::string_view key : info.required)
      CHECK(std::find(info.keys.begin(), info.keys.end(), key) != info.keys.end());
    CHECK(&arrival_pattern_info(info.kind) == &info);
    if (!info.name.empty()) names.emplace_back(info.name);
  }
  CHECK(names == std::vector<std::string>{"poisson", "constant", "piecewise", "diurnal"});
  CHECK(find_arrival_pattern("diurnal")->kind == ArrivalProcess::Kind::diurnal);
  CHECK(find_arrival_pattern("") == nullptr);  // a trace is not a `process:`
  CHECK(find_arrival_pattern("bursty") == nullptr);
  std::ifstream in(std::string(FLEETSIM_SOURCE_DIR) + "/docs/scenario-format.md");
  std::stringstream doc;
  doc << in.rdbuf();
  for (const std::string& name : names) CHECK_THAT(doc.str(), Catch::Matchers::Contains("{process: " + name));
}

TEST_CASE("A steady process counts rate x span exactly, one that changes, by its integral", "[arrivals]") {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::poisson;
  p.rate_per_s = 3.0;
  const auto poisson = make_arrival_pattern(p);
  CHECK(poisson->steady());
  CHECK(poisson->expected_between(10.0, 30.0) == 60.0);
  CHECK(poisson->expected_until(100.0) == 300.0);
  p.kind = ArrivalProcess::Kind::piecewise;
  p.pieces = {{0.0, 1.0}, {10.0, 4.0}};
  const auto piecewise = make_arrival_pattern(p);
  CHECK_FALSE(piecewise->steady());
  CHECK(piecewise->expected_until(20.0) == 10.0 + 40.0);
  CHECK(piecewise->expected_between(5.0, 15.0) == Approx(5.0 + 20.0).epsilon(1e-3));
  CHECK(piecewise->peak_rate() == 4.0);
}
