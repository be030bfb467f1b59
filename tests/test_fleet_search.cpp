// The plan search on synthetic fleets, where the answer is known: bisection
// finds the cheapest feasible fleet the exhaustive grid finds, with fewer
// runs, and says so when feasibility is not monotone.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <vector>

#include "fleetsim/workflows/fleet_search.hpp"

using namespace fleetsim;

namespace {

PlanPool plan_pool(const std::string& name, int min, int max, std::vector<PlanHardware> hardware) {
  PlanPool p;
  p.pool = name;
  p.min_count = min;
  p.max_count = max;
  p.hardware = std::move(hardware);
  p.hardware_listed = p.hardware.size() > 1;
  return p;
}

// Capacity per node by pool and hardware; a fleet is feasible when its
// capacity reaches `demand` (monotone by construction).
struct Synthetic {
  PlanSpec plan;
  std::vector<std::vector<double>> capacity;  // [pool][hardware]
  double demand = 0;
  std::size_t calls = 0;
  std::function<bool(const FleetCandidate&)> invalid = [](const FleetCandidate&) { return false; };

  BatchEvaluator evaluator() {
    return [this](const std::vector<FleetCandidate>& batch) {
      std::vector<CandidateEvaluation> out;
      for (const auto& c : batch) {
        ++calls;
        CandidateEvaluation e;
        if (invalid(c)) {
          e.note = "invalid";
          out.push_back(e);
          continue;
        }
        double cap = 0;
        for (std::size_t p = 0; p < c.counts.size(); ++p) cap += c.counts[p] * capacity[p][c.hardware[p]];
        e.simulated = true;
        e.feasible = cap >= demand;
        e.cost_per_hour = candidate_price_per_hour(plan, c, 0.0);
        e.slo_pressure = cap > 0 ? demand / cap : INFINITY;
        out.push_back(e);
      }
      return out;
    };
  }
};

double best_cost(const SearchResult& r) {
  return r.best ? r.evaluated[*r.best].evaluation.cost_per_hour : INFINITY;
}

}  // namespace

TEST_CASE("One pool: bisection finds the smallest feasible count in about log2 runs", "[plan]") {
  Synthetic s;
  s.plan.pools = {plan_pool("cpu", 1, 100, {{"c", 2.0}})};
  s.capacity = {{1.0}};
  s.demand = 37;
  const SearchResult r = search_fleet(s.plan, {}, s.evaluator());
  REQUIRE(r.best);
  CHECK(r.evaluated[*r.best].candidate.counts[0] == 37);
  CHECK(r.simulation_runs <= 8);  // 100 -> 50 -> 25 -> 37 -> 31 -> 34 -> 35/36 -> ...
  CHECK(r.grid_size == 100);
  CHECK(r.warnings.empty());
}

TEST_CASE("Spare parallelism splits a lone bisection into more parts, in fewer rounds", "[plan]") {
  Synthetic s;
  s.plan.pools = {plan_pool("cpu", 1, 100, {{"c", 2.0}})};
  s.capacity = {{1.0}};
  s.demand = 37;
  SearchSettings settings;
  settings.parallelism = 4;
  const SearchResult wide = search_fleet(s.plan, settings, s.evaluator());
  const SearchResult narrow = search_fleet(s.plan, {}, s.evaluator());
  REQUIRE(wide.best);
  CHECK(wide.evaluated[*wide.best].candidate.counts[0] == 37);
  CHECK(wide.rounds < narrow.rounds);
}

TEST_CASE("Pools and hardware mixes: the search matches the exhaustive grid, with fewer runs", "[plan]") {
  Synthetic s;
  // A GPU pool (fast, pricey, two node types) and a CPU pool (slow, cheap).
  s.plan.pools = {plan_pool("gpu", 0, 6, {{"big", 55.0}, {"small", 6.9}}),
                  plan_pool("cpu", 0, 30, {{"g4", 7.7}, {"g3", 2.3}})};
  s.capacity = {{10.0, 1.3}, {1.0, 0.25}};
  for (double demand : {3.0, 9.5, 14.0, 23.0}) {
    INFO("demand " << demand);
    s.demand = demand;
    SearchSettings exhaustive;
    exhaustive.exhaustive = true;
    const SearchResult all = search_fleet(s.plan, exhaustive, s.evaluator());
    const SearchResult found = search_fleet(s.plan, {}, s.evaluator());
    REQUIRE(all.best);
    REQUIRE(found.best);
    CHECK(best_cost(found) <= best_cost(all) * 1.05);
    CHECK(found.simulation_runs < all.simulation_runs / 2);
    CHECK(all.simulation_runs == all.grid_size);
    CHECK(found.warnings.empty());
  }
}

TEST_CASE("Pools at min 0 may be left out, at max 0 always are, an empty fleet is never run", "[plan]") {
  Synthetic s;
  s.plan.pools = {plan_pool("a", 0, 3, {{"x", 1.0}}), plan_pool("b", 0, 0, {{"y", 1.0}}),
                  plan_pool("c", 1, 2, {{"z", 1.0}})};
  s.capacity = {{1.0}, {1.0}, {1.0}};
  s.demand = 1;
  SearchSettings exhaustive;
  exhaustive.exhaustive = true;
  const SearchResult r = search_fleet(s.plan, exhaustive, s.evaluator());
  for (const auto& e : r.evaluated) {
    CHECK(e.candidate.counts[1] == 0);
    CHECK(e.candidate.counts[2] >= 1);
  }
  CHECK(r.configurations == 2);  // a present or not; c always
  CHECK(r.grid_size == 3 * 2 + 2);
}

TEST_CASE("Invalid candidates count as infeasible and are not simulation runs", "[plan]") {
  Synthetic s;
  s.plan.pools = {plan_pool("gpu", 0, 4, {{"g", 10.0}}), plan_pool("cpu", 0, 8, {{"c", 1.0}})};
  s.capacity = {{4.0}, {1.0}};
  s.demand = 6;
  // Without the GPU pool the scenario does not validate (say, a model only it serves).
  s.invalid = [](const FleetCandidate& c) { return c.counts[0] == 0; };
  const SearchResult r = search_fleet(s.plan, {}, s.evaluator());
  REQUIRE(r.best);
  CHECK(r.evaluated[*r.best].candidate.counts[0] >= 1);
  std::size_t simulated = 0;
  for (const auto& e : r.evaluated) simulated += e.evaluation.simulated ? 1 : 0;
  CHECK(r.simulation_runs == simulated);
  CHECK(r.simulation_runs < r.evaluated.size());
}

TEST_CASE("No feasible fleet: no choice, and the frontier still shows what ran", "[plan]") {
  Synthetic s;
  s.plan.pools = {plan_pool("cpu", 1, 10, {{"c", 1.0}})};
  s.capacity = {{1.0}};
  s.demand = 50;
  const SearchResult r = search_fleet(s.plan, {}, s.evaluator());
  CHECK_FALSE(r.best);
  CHECK(r.simulation_runs == 1);  // the largest fleet fails, so every smaller one would
  CHECK(r.frontier.size() == 1);
}

TEST_CASE("The frontier holds only fleets no other beats on both cost and SLO pressure", "[plan]") {
  Synthetic s;
  s.plan.pools = {plan_pool("gpu", 0, 3, {{"g", 10.0}}), plan_pool("cpu", 0, 6, {{"c", 3.0}})};
  s.capacity = {{4.0}, {1.0}};
  s.demand = 5;
  SearchSettings exhaustive;
  exhaustive.exhaustive = true;
  const SearchResult r = search_fleet(s.plan, exhaustive, s.evaluator());
  REQUIRE(r.frontier.size() >= 2);
  for (std::size_t k = 1; k < r.frontier.size(); ++k) {
    const auto& cheaper = r.evaluated[r.frontier[k - 1]].evaluation;
    const auto& dearer = r.evaluated[r.frontier[k]].evaluation;
    CHECK(cheaper.cost_per_hour <= dearer.cost_per_hour);
    CHECK(cheaper.slo_pressure > dearer.slo_pressure);
  }
  for (std::size_t i = 0; i < r.evaluated.size(); ++i) {
    const auto& e = r.evaluated[i].evaluation;
    bool dominated = false;
    for (const auto& other : r.evaluated)
      dominated = dominated || (other.evaluation.cost_per_hour <= e.cost_per_hour &&
                                other.evaluation.slo_pressure < e.slo_pressure) ||
                  (other.evaluation.cost_per_hour < e.cost_per_hour && other.evaluation.slo_pressure <= e.slo_pressure);
    const bool on_frontier = std::find(r.frontier.begin(), r.frontier.end(), i) != r.frontier.end();
    if (on_frontier) CHECK_FALSE(dominated);
  }
}

TEST_CASE("A feasible fleet with fewer nodes than an infeasible one is a warning", "[plan]") {
  Synthetic s;
  s.plan.pools = {plan_pool("cpu", 1, 16, {{"c", 1.0}})};
  s.capacity = {{1.0}};
  s.demand = 4;
  auto base = s.evaluator();
  // Noise near a bound: 12 nodes "miss" although 4 suffice.
  const BatchEvaluator noisy = [&](const std::vector<FleetCandidate>& batch) {
    auto out = base(batch);
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (batch[i].counts[0] == 12) out[i].feasible = false;
    return out;
  };
  SearchSettings exhaustive;
  exhaustive.exhaustive = true;
  const SearchResult r = search_fleet(s.plan, exhaustive, noisy);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("not monotone") != std::string::npos);
  CHECK(r.warnings[0].find("cpu 12 x c") != std::string::npos);
}

TEST_CASE("N+k spares: searched on the serving count, priced with the spares, left out with the pool", "[plan]") {
  Synthetic s;
  s.plan.pools = {plan_pool("cpu", 0, 100, {{"c", 2.0}}), plan_pool("gpu", 0, 4, {{"g", 10.0}})};
  s.plan.pools[0].spares = 2;
  s.capacity = {{1.0}, {0.0}};  // only the CPU pool serves
  s.demand = 37;
  const SearchResult r = search_fleet(s.plan, {}, s.evaluator());
  REQUIRE(r.best);
  const FleetCandidate& best = r.evaluated[*r.best].candidate;
  // The SLOs are met on 37 serving nodes whatever the spares; 39 are bought.
  CHECK(best.counts[0] == 37);
  CHECK(best.counts[1] == 0);
  CHECK(best_cost(r) == Approx(39 * 2.0));
  CHECK(spares_price_per_hour(s.plan, best) == Approx(2 * 2.0));
  CHECK(describe_candidate(s.plan, best) == "cpu 37 x c + 2 spare, gpu -");
  // A pool left out buys no spares.
  FleetCandidate none{{0, 1}, {0, 0}};
  CHECK(candidate_price_per_hour(s.plan, none, 0.0) == Approx(10.0));
  CHECK(spares_price_per_hour(s.plan, none) == 0.0);
}
