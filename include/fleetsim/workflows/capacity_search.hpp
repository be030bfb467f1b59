// The most traffic a fleet serves within its SLOs: a search over one factor
// that multiplies every arrival rate of a scenario (fleetsim capacity).
//
// A factor is *feasible* when a run at that traffic meets every SLO and its
// stability check finds no growing backlog (CandidateEvaluation::feasible).
// The search assumes what queueing gives: more traffic never helps, so the
// feasible factors form one interval (0, s*]. It first brackets s* by
// doubling or halving from the start, then narrows the bracket
// geometrically until its ends are within `precision` of each other. With
// `parallelism` P, each round runs P factors at once: the bracket is split
// into P + 1 parts instead of two. A real run is noisy near s*; should a
// larger factor pass where a smaller one failed, the bracket keeps the
// smallest failure as its top and the largest success below it as its
// bottom, so the answer is never above a factor that failed.
//
// Pure: the runs are the caller's `evaluate` (child processes in the CLI,
// a formula in the tests).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "fleetsim/workflows/fleet_search.hpp"

namespace fleetsim {

struct CapacitySettings {
  double start = 1.0;        // the first factor tried: the scenario as written
  double min_scale = 1.0 / 1024.0;  // give up below this (no traffic level meets the SLOs)
  double max_scale = 1024.0;        // stop above this (the fleet is not the limit)
  double precision = 0.01;   // stop when top / bottom <= 1 + precision
  int parallelism = 1;       // factors run at once
};

struct CapacityProbe {
  double scale = 0.0;
  CandidateEvaluation evaluation;
};

struct CapacityResult {
  std::vector<CapacityProbe> probes;       // in the order they were run
  std::optional<std::size_t> bottom;       // the highest feasible factor below `top` (index in probes)
  std::optional<std::size_t> top;          // the lowest factor that was not feasible
  std::size_t rounds = 0;                  // batches handed to `evaluate`
  // The answer: probes[*bottom].scale, the most traffic found to meet the
  // SLOs. Without a bottom, even min_scale failed; without a top, even
  // max_scale passed (the capacity is at least that).
  std::optional<double> capacity() const;
};

// `evaluate` runs the factors it is given (in any order, all of them) and
// returns their evaluations in the same order. A factor whose run failed
// (`simulated` false) stops the search: its result holds the probes so far.
using CapacityEvaluator = std::function<std::vector<CandidateEvaluation>(const std::vector<double>&)>;

CapacityResult search_capacity(const CapacitySettings& settings, const CapacityEvaluator& evaluate);

// A factor of the scenario's traffic as the reports write it: "1.5x".
std::string traffic_factor_text(double factor);

// Why the probes stopped, for the report: "" when the bracket closed.
std::string capacity_stop_reason(const CapacitySettings& settings, const CapacityResult& result);

}  // namespace fleetsim
