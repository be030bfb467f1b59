#include "fleetsim/core/failure_clock.hpp"

#include <cmath>

namespace fleetsim {

// A Weibull of shape k has mean scale x Gamma(1 + 1/k).
FailureClock::FailureClock(const FailureSpec& spec, Rng rng)
    : spec_(spec),
      weibull_scale_s_(spec.distribution == FailureSpec::Distribution::weibull
                           ? spec.mttf_s / std::tgamma(1.0 + 1.0 / spec.shape)
                           : spec.mttf_s),
      rng_(rng) {}

double FailureClock::time_to_failure() {
  const double u = rng_.uniform_open01();
  if (spec_.distribution == FailureSpec::Distribution::weibull)
    return weibull_scale_s_ * std::pow(-std::log(u), 1.0 / spec_.shape);
  return -spec_.mttf_s * std::log(u);
}

// Exponential with mean mttr.
double FailureClock::time_to_repair() { return -spec_.mttr_s * std::log(rng_.uniform_open01()); }

}  // namespace fleetsim
