// How a pool's nodes fail and come back (`failures:` in a pool;
// docs/failures.md). Plain data: the fleet model draws the times.
#pragma once

#include <cstdint>

namespace fleetsim {

struct FailureSpec {
  // Time to failure: exponential with mean `mttf_s`, or Weibull with shape
  // `shape` and the scale that gives the same mean.
  enum class Distribution : std::uint8_t { exponential, weibull };
  double mttf_s = 0.0;
  // Time to repair (the node is replaced or rebooted, its model reloaded):
  // exponential with mean `mttr_s`.
  double mttr_s = 0.0;
  Distribution distribution = Distribution::exponential;
  double shape = 1.0;  // Weibull only: < 1 infant mortality, > 1 wear-out
};

}  // namespace fleetsim
