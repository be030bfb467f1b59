// A pool's energy placed in time and weighed by a series that changes with
// time: its grid carbon (carbon.hpp) and its electricity cost at a price
// that follows a series. docs/performance-model.md, sections 5 and 5.1.
#pragma once

#include "fleetsim/core/step_series.hpp"

namespace fleetsim {

class PowerTimeline;

// The sum over time of energy x series, in J x the series' unit: the
// baseline energy spread evenly over [t0_s, t1_s] (or, for an autoscaled
// pool, in proportion to `nodes` step by step), the dynamic energy placed by
// `dynamic`'s bins (a bin that straddles a step is split in proportion to
// the time on each side). Each part is its energy times the series' mean
// over where it fell, so the totals are the pool's own.
double series_weighted_energy(double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                              const StepSeries& series, double t0_s, double t1_s, const NodeLevel& nodes = {});

// The cost of `energy_j` (= baseline_j + dynamic_j) of IT energy over
// [t0_s, t1_s] at a price per kWh of facility energy (x PUE). A constant
// price is energy x PUE x price, as it always was; a series, the integral
// over time of facility power x price(t).
double energy_cost_usd(double energy_j, double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                       const StepSeries& price_per_kwh, double pue, double t0_s, double t1_s,
                       const NodeLevel& nodes = {});

}  // namespace fleetsim
