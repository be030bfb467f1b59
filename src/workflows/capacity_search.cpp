#include "fleetsim/workflows/capacity_search.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace fleetsim {

std::optional<double> CapacityResult::capacity() const {
  if (!bottom) return std::nullopt;
  return probes[*bottom].scale;
}

namespace {

class ScaleSearch {
 public:
  ScaleSearch(const CapacitySettings& s, const CapacityEvaluator& evaluate) : s_(s), evaluate_(evaluate) {}

  CapacityResult run() {
    const int parts = std::max(1, s_.parallelism);
    if (!probe({std::clamp(s_.start, s_.min_scale, s_.max_scale)})) return std::move(r_);
    // Bracket: double (or halve) from the start until the other side is seen.
    while (!r_.top && largest() < s_.max_scale) {
      std::vector<double> next;
      const double from = largest();
      for (int k = 1; k <= parts; ++k) {
        next.push_back(std::min(s_.max_scale, from * std::ldexp(1.0, k)));
        if (next.back() >= s_.max_scale) break;
      }
      if (!probe(next)) return std::move(r_);
    }
    while (!r_.bottom && smallest() > s_.min_scale) {
      std::vector<double> next;
      const double from = smallest();
      for (int k = 1; k <= parts; ++k) {
        next.push_back(std::max(s_.min_scale, from / std::ldexp(1.0, k)));
        if (next.back() <= s_.min_scale) break;
      }
      if (!probe(next)) return std::move(r_);
    }
    // Narrow: P factors evenly spaced in log between the bracket's ends.
    while (r_.top && r_.bottom && scale(*r_.top) / scale(*r_.bottom) > 1.0 + s_.precision) {
      const double lo = scale(*r_.bottom), hi = scale(*r_.top);
      std::vector<double> next;
      for (int k = 1; k <= parts; ++k) next.push_back(lo * std::pow(hi / lo, double(k) / (parts + 1)));
      if (!probe(next)) return std::move(r_);
    }
    return std::move(r_);
  }

 private:
  double scale(std::size_t i) const { return r_.probes[i].scale; }
  double largest() const {
    double m = 0.0;
    for (const auto& p : r_.probes) m = std::max(m, p.scale);
    return m;
  }
  double smallest() const {
    double m = INFINITY;
    for (const auto& p : r_.probes) m = std::min(m, p.scale);
    return m;
  }

  // Runs `scales`; false when a run failed (the search stops).
  bool probe(const std::vector<double>& scales) {
    ++r_.rounds;
    const std::vector<CandidateEvaluation> evaluations = evaluate_(scales);
    bool ok = true;
    for (std::size_t i = 0; i < scales.size(); ++i) {
      const CandidateEvaluation e = i < evaluations.size() ? evaluations[i] : CandidateEvaluation{};
      r_.probes.push_back({scales[i], e});
      ok = ok && e.simulated;
    }
    // The lowest failure is the top; the highest success below it the bottom.
    r_.top.reset();
    r_.bottom.reset();
    for (std::size_t i = 0; i < r_.probes.size(); ++i)
      if (r_.probes[i].evaluation.simulated && !r_.probes[i].evaluation.feasible && (!r_.top || scale(i) < scale(*r_.top)))
        r_.top = i;
    for (std::size_t i = 0; i < r_.probes.size(); ++i)
      if (r_.probes[i].evaluation.feasible && (!r_.top || scale(i) < scale(*r_.top)) &&
          (!r_.bottom || scale(i) > scale(*r_.bottom)))
        r_.bottom = i;
    return ok;
  }

  const CapacitySettings& s_;
  const CapacityEvaluator& evaluate_;
  CapacityResult r_;
};

}  // namespace

std::string traffic_factor_text(double factor) { return fmt::format("{:.4g}x", factor); }

CapacityResult search_capacity(const CapacitySettings& settings, const CapacityEvaluator& evaluate) {
  return ScaleSearch(settings, evaluate).run();
}

std::string capacity_stop_reason(const CapacitySettings& settings, const CapacityResult& result) {
  for (const CapacityProbe& p : result.probes)
    if (!p.evaluation.simulated)
      return "the run at " + traffic_factor_text(p.scale) + " the traffic failed: " + p.evaluation.note;
  if (!result.bottom)
    return "no traffic tried down to " + traffic_factor_text(settings.min_scale) + " the scenario's meets every SLO in a steady run";
  if (!result.top)
    return "every SLO holds up to " + traffic_factor_text(settings.max_scale) + " the scenario's traffic, the most tried: the capacity is at least that";
  return {};
}

}  // namespace fleetsim
