// Session arrival times for one workload, from its arrival process
// (arrival_pattern.hpp: one class per process, one registry).
#pragma once

#include <memory>

#include "fleetsim/core/arrival_pattern.hpp"
#include "fleetsim/core/rng.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

class ArrivalGenerator {
 public:
  ArrivalGenerator(const ArrivalProcess& process, Rng rng) : pattern_(make_arrival_pattern(process)), rng_(rng) {}

  // The next arrival strictly after `t`; infinity when no more will come.
  // A trace is the exception: its sessions start at their recorded times, in
  // order, whatever `t`, and several may share one instant.
  double next_after(double t) { return pattern_->next_after(t, rng_); }

  // The instantaneous rate at time t (sessions per second); 0 for a trace,
  // which has times, not a rate.
  double rate_at(double t) const { return pattern_->rate_at(t); }

 private:
  std::unique_ptr<ArrivalPattern> pattern_;
  Rng rng_;
};

// The highest rate the process reaches (sessions per second); 0 when it
// never starts a session, and for a trace, which has times, not a rate. A
// diurnal process with growth is taken at its first week's scale: its peak
// rises without bound when the rate grows (a lower bound, as the work
// estimate needs).
double peak_rate_per_s(const ArrivalProcess& process);

// Sessions the process is expected to start in [t0_s, t1_s]: the integral of
// its rate (numerical for a rate that changes); rate x span for a steady
// one; 0 for a trace, which has times, not a rate.
double expected_arrivals_between(const ArrivalProcess& process, double t0_s, double t1_s);

// The diurnal process's growth over [0, t]: (1 + growth_per_week)^(t / week).
double growth_factor(const ArrivalProcess& process, double t);
// Its mean over [0, horizon]: the expected sessions are rate x horizon x this.
double mean_growth_factor(const ArrivalProcess& process, double horizon_s);

// Seconds in a week: the period of `weekly` factors and of growth_per_week.
inline constexpr double kSecondsPerWeek = 7 * 86400.0;

}  // namespace fleetsim
