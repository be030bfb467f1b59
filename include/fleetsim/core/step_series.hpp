// A value that changes with simulated time: one value per step (an hour
// unless said otherwise), repeating from its start when the run outlasts it.
// A grid's carbon intensity by the hour, an electricity price, a spot price.
// One value is a constant. docs/performance-model.md, section 5.
#pragma once

#include <functional>
#include <vector>

namespace fleetsim {

// The mean number of nodes held over [a, b] (an autoscaled pool's), to weigh
// a series by node time.
using NodeLevel = std::function<double(double a_s, double b_s)>;

struct StepSeries {
  static constexpr double kHour = 3600.0;

  std::vector<double> values = {0.0};  // value k holds over [k, k+1) x step_s, then again a cycle later
  double step_s = kHour;

  StepSeries() = default;
  // A constant is the series of one value; implicit so that a constant
  // reads as one where a series is asked for.
  StepSeries(double constant) : values{constant} {}  // NOLINT(google-explicit-constructor)
  explicit StepSeries(std::vector<double> per_step, double step = kHour) : values(std::move(per_step)), step_s(step) {}

  bool is_constant() const { return values.size() <= 1; }
  // The value of a constant series (the first value of any other).
  double first() const { return values.empty() ? 0.0 : values.front(); }
  // The value at simulated time t_s (times before 0 read step 0).
  double at(double t_s) const;
  // The integral over [t0_s, t1_s], value x seconds: whole cycles at once,
  // the rest step by step, each step's value times the time spent in it.
  double integral(double t0_s, double t1_s) const;
  // The mean over [t0_s, t1_s]; the value at t0_s for an empty interval.
  double mean(double t0_s, double t1_s) const;
  // The mean over one cycle: what an hour costs where no time is given.
  double cycle_mean() const;
  // The integral of level(a, b) x value over [t0_s, t1_s], cut at the steps
  // (value x level x seconds); a non-finite or negative level counts as 0.
  double level_weighted_integral(double t0_s, double t1_s, const NodeLevel& level) const;
  // Where step k ends: the next step boundary after t_s.
  double step_end_after(double t_s) const;
};

}  // namespace fleetsim
