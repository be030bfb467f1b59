// What the steady processes (poisson, constant) share: one rate, always.
#pragma once

#include "fleetsim/core/arrival_pattern.hpp"

namespace fleetsim {

class SteadyRate : public ArrivalPattern {
 public:
  explicit SteadyRate(double rate_per_s) : rate_(rate_per_s) {}
  double rate_at(double) const override { return rate_; }
  double peak_rate() const override { return rate_; }
  bool steady() const override { return true; }
  // Exactly rate x span, so that equal halves of a window get equal numbers
  // and the stability check reads steady traffic as steady.
  double expected_between(double t0, double t1) const override { return t1 > t0 ? rate_ * (t1 - t0) : 0.0; }

 protected:
  double rate_;
};

}  // namespace fleetsim
