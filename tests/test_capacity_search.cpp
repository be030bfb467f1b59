// The capacity search against oracles whose answer is known: a threshold t
// (traffic at or below t meets the SLOs), with the bracket the search must
// end on, the factors it runs first, and what it does when the oracle is
// noisy, never passes, always passes, or a run fails.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "fleetsim/workflows/capacity_search.hpp"

using namespace fleetsim;

namespace {

CandidateEvaluation outcome(bool feasible) {
  CandidateEvaluation e;
  e.simulated = true;
  e.slos_met = feasible;
  e.stable = true;
  e.feasible = feasible;
  return e;
}

// Feasible exactly at or below `t`; records every factor asked for.
struct Threshold {
  double t;
  std::vector<std::vector<double>> batches;
  std::vector<CandidateEvaluation> operator()(const std::vector<double>& scales) {
    batches.push_back(scales);
    std::vector<CandidateEvaluation> out;
    for (double s : scales) out.push_back(outcome(s <= t));
    return out;
  }
};

}  // namespace

TEST_CASE("capacity: doubling brackets the threshold, bisection narrows it to the precision", "[capacity]") {
  Threshold oracle{3.3, {}};
  CapacitySettings s;  // start 1, precision 1%, one run at a time
  const CapacityResult r = search_capacity(s, std::ref(oracle));
  // 1 and 2 pass, 4 fails: the bracket [2, 4] after three rounds.
  REQUIRE(oracle.batches.size() >= 3);
  CHECK(oracle.batches[0] == std::vector<double>{1.0});
  CHECK(oracle.batches[1] == std::vector<double>{2.0});
  CHECK(oracle.batches[2] == std::vector<double>{4.0});
  // Then the geometric midpoint of [2, 4]: 2 x sqrt(2).
  CHECK(oracle.batches[3][0] == Approx(2.0 * std::sqrt(2.0)).epsilon(1e-12));
  REQUIRE(r.capacity());
  REQUIRE(r.top);
  const double lo = *r.capacity(), hi = r.probes[*r.top].scale;
  CHECK(lo <= 3.3);
  CHECK(hi > 3.3);
  CHECK(hi / lo <= 1.01);
  // Halving a factor-2 bracket to 1%: log2(ln 2 / ln 1.01) = 6.1, so 7 more rounds.
  CHECK(r.rounds == 3 + 7);
  CHECK(capacity_stop_reason(s, r).empty());
}

TEST_CASE("capacity: P runs a round split the bracket into P + 1 parts and need fewer rounds", "[capacity]") {
  Threshold oracle{3.3, {}};
  CapacitySettings s;
  s.parallelism = 3;
  const CapacityResult r = search_capacity(s, std::ref(oracle));
  // After the start: 2, 4 and 8 at once; 4 fails, so [2, 4] is bracketed.
  CHECK(oracle.batches[1] == std::vector<double>{2.0, 4.0, 8.0});
  // Then 2 x 2^(k/4), k = 1..3: 2.378, 2.828, 3.364 (above 3.3: the new top).
  REQUIRE(oracle.batches[2].size() == 3);
  CHECK(oracle.batches[2][2] == Approx(2.0 * std::pow(2.0, 0.75)).epsilon(1e-12));
  REQUIRE(r.capacity());
  const double hi = r.probes[*r.top].scale;
  CHECK(*r.capacity() <= 3.3);
  CHECK(hi > 3.3);
  CHECK(hi / *r.capacity() <= 1.01);
  // Each round divides the log-width by 4: ln(2)/4^k <= ln(1.01) from k = 4.
  CHECK(r.rounds == 2 + 4);
}

TEST_CASE("capacity: traffic that fails as written is halved until a level passes", "[capacity]") {
  Threshold oracle{0.3, {}};
  const CapacityResult r = search_capacity(CapacitySettings{}, std::ref(oracle));
  CHECK(oracle.batches[1] == std::vector<double>{0.5});
  CHECK(oracle.batches[2] == std::vector<double>{0.25});
  REQUIRE(r.capacity());
  CHECK(*r.capacity() <= 0.3);
  CHECK(r.probes[*r.top].scale / *r.capacity() <= 1.01);
}

TEST_CASE("capacity: no level passes, or every level passes: the search says which bound it hit", "[capacity]") {
  CapacitySettings s;
  s.min_scale = 0.125;
  s.max_scale = 8.0;
  Threshold never{0.01, {}};
  const CapacityResult none = search_capacity(s, std::ref(never));
  CHECK_FALSE(none.capacity());
  CHECK(none.probes.back().scale == 0.125);  // stops at the floor, not below it
  CHECK(capacity_stop_reason(s, none).find("no traffic tried down to 0.125x") != std::string::npos);
  Threshold always{100.0, {}};
  const CapacityResult all = search_capacity(s, std::ref(always));
  REQUIRE(all.capacity());
  CHECK(*all.capacity() == 8.0);
  CHECK_FALSE(all.top);
  CHECK(capacity_stop_reason(s, all).find("at least that") != std::string::npos);
}

TEST_CASE("capacity: a level that passes above one that failed does not raise the answer", "[capacity]") {
  // Noise near the edge: in the round 2, 4, 8, 16, the level 4 fails and 8
  // passes. The answer stays below the lowest failure, never above a level
  // that failed.
  auto noisy = [](const std::vector<double>& scales) {
    std::vector<CandidateEvaluation> out;
    for (double s : scales) out.push_back(outcome(s != 4.0 && s < 16.0));
    return out;
  };
  CapacitySettings s;
  s.parallelism = 4;
  const CapacityResult r = search_capacity(s, noisy);
  REQUIRE(r.capacity());
  REQUIRE(r.top);
  CHECK(r.probes[*r.top].scale == 4.0);
  CHECK(*r.capacity() < 4.0);
  CHECK(4.0 / *r.capacity() <= 1.01);
}

TEST_CASE("capacity: a failed run stops the search and is named", "[capacity]") {
  auto failing = [](const std::vector<double>& scales) {
    std::vector<CandidateEvaluation> out;
    for (double s : scales) {
      CandidateEvaluation e = outcome(true);
      if (s > 1.5) {
        e = CandidateEvaluation{};
        e.note = "the run failed: out of memory";
      }
      out.push_back(e);
    }
    return out;
  };
  const CapacityResult r = search_capacity(CapacitySettings{}, failing);
  CHECK(r.probes.size() == 2);  // 1, then 2, which failed
  CHECK(capacity_stop_reason(CapacitySettings{}, r) == "the run at 2x the traffic failed: the run failed: out of memory");
}
