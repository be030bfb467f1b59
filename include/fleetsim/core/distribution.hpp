// Random quantities in a scenario: token counts, tool latencies, loop counts.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "fleetsim/core/rng.hpp"

namespace fleetsim {

struct Distribution {
  enum class Kind { fixed, uniform, normal, lognormal, exponential, empirical };

  Kind kind = Kind::fixed;
  // fixed: p1 = value. uniform: [p1, p2). normal: mean p1, stddev p2.
  // lognormal: the underlying normal's mu = p1 and sigma = p2.
  // exponential: mean p1. empirical: see values/cumulative_weights.
  double p1 = 0.0;
  double p2 = 0.0;
  std::vector<double> values;              // empirical support
  std::vector<double> cumulative_weights;  // empirical, ascending, last == 1
  // Samples are clamped into [lower, upper] (e.g. token counts are >= 0).
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();

  static Distribution constant(double value);

  double sample(Rng& rng) const;
  // Mean of the unclamped distribution; used for documentation and hints only.
  double mean() const;
  std::string describe() const;
};

}  // namespace fleetsim
