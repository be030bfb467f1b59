// The time integral of a count that changes at events (sessions in the system,
// calls at a pool), kept so that its mean over any part of the run can be read
// afterwards: the stability check compares the first and second half of the
// measured window, whose end is not known while the run goes (count mode).
//
// The integral is held in at most kMaxBins bins; when the run outgrows them,
// neighbouring bins merge and the width doubles. Memory is constant, and a
// mean over an interval is exact up to the two bins at its ends, which are
// taken as uniform: once the run has outgrown the first bins, an interval of
// half the run spans at least kMaxBins/4 of them.
#pragma once

#include <cstddef>
#include <vector>

namespace fleetsim {

class StepIntegral {
 public:
  static constexpr std::size_t kMaxBins = 512;

  // Integrates from `start_s` on; time before it is not counted.
  explicit StepIntegral(double start_s = 0.0, double bin_s = 1.0);

  // The count changes by `delta` at `now_s` (times never go backwards).
  void change(double now_s, double delta);
  // Brings the integral up to `end_s` with the current count.
  void settle(double end_s);

  // The current count.
  double value() const { return value_; }
  // The integral (count x seconds) from the start to the last settle.
  double area() const;
  // Mean of the count over [t0, t1] within what has been integrated; NaN for
  // an empty interval.
  double mean(double t0, double t1) const;

 private:
  void accumulate(double t0, double t1);
  void widen();

  double start_s_;
  double bin_s_;
  double last_s_;
  double value_ = 0.0;
  std::vector<double> area_;  // count x seconds per bin
};

}  // namespace fleetsim
