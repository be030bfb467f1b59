// Carbon of a run: operational (facility energy x grid intensity, step by
// step when the intensity is a series) and embodied (each node's manufacture
// spread over its life). docs/performance-model.md, section 5.1.
#pragma once

#include "fleetsim/core/step_series.hpp"
#include "fleetsim/core/units.hpp"  // kHoursPerYear

namespace fleetsim {

class PowerTimeline;

// Default grid intensity: US utility-scale net generation in 2023 emitted
// 1,532 million metric tons of CO2 for 4,183,271 million kWh, 366 g/kWh
// (EIA, "How much carbon dioxide is produced per kilowatthour of U.S.
// electricity generation?", FAQ 74, data of 2023). CO2 only, at the plant.
inline constexpr double kDefaultGridIntensityGPerKwh = 366.0;

// Operational carbon in grams of a pool over [t0_s, t1_s]: its baseline
// energy, spread evenly over the interval (or, for an autoscaled pool, in
// proportion to `nodes` step by step), and its dynamic energy, placed in
// time by `dynamic` (one-second bins), both times PUE and the intensity of
// the step they fall in (energy_over_time.hpp).
double operational_carbon_g(double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                            const StepSeries& intensity, double pue, double t0_s, double t1_s,
                            const NodeLevel& nodes = {});

// Embodied carbon in grams of `nodes` nodes held for `seconds`; 0 when the
// node has no embodied figure or life.
double embodied_carbon_g(int nodes, double embodied_kgco2e, double life_years, double seconds);

}  // namespace fleetsim
