// What a failing unit draws (docs/failures.md, "What is drawn"): its time to
// failure, exponential or Weibull with mean mttf, and its time to repair,
// exponential with mean mttr, from a stream of its own. Model pools' units
// and tool pools' nodes draw through it alike.
#pragma once

#include "fleetsim/core/failure_spec.hpp"
#include "fleetsim/core/rng.hpp"

namespace fleetsim {

class FailureClock {
 public:
  FailureClock(const FailureSpec& spec, Rng rng);

  const FailureSpec& spec() const { return spec_; }
  double time_to_failure();
  double time_to_repair();

 private:
  FailureSpec spec_;
  double weibull_scale_s_ = 0.0;  // the scale that gives a Weibull of shape k the mean mttf
  Rng rng_;
};

}  // namespace fleetsim
