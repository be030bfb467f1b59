// Carbon of a run: operational (facility energy x grid intensity, by the hour
// when the intensity has an hourly profile) and embodied (each node's
// manufacture spread over its life). docs/performance-model.md, section 5.1.
#pragma once

#include <functional>
#include <vector>

#include "fleetsim/core/units.hpp"  // kHoursPerYear

namespace fleetsim {

class PowerTimeline;

// Default grid intensity: US utility-scale net generation in 2023 emitted
// 1,532 million metric tons of CO2 for 4,183,271 million kWh, 366 g/kWh
// (EIA, "How much carbon dioxide is produced per kilowatthour of U.S.
// electricity generation?", FAQ 74, data of 2023). CO2 only, at the plant.
inline constexpr double kDefaultGridIntensityGPerKwh = 366.0;

// The intensity at simulated time t_s: the one value, or the value of hour
// floor(t_s / 3600) mod 24 of a 24-value profile.
double grid_intensity_at(const std::vector<double>& profile, double t_s);

// Integral of the intensity over [t0_s, t1_s], in (g/kWh) x s.
double grid_intensity_integral(const std::vector<double>& profile, double t0_s, double t1_s);

// The mean number of nodes drawing the baseline over [a, b] (an autoscaled
// pool's; see operational_carbon_g).
using NodeLevel = std::function<double(double a_s, double b_s)>;

// Operational carbon in grams of a pool over [t0_s, t1_s]: its baseline
// energy, spread evenly over the interval (or, for an autoscaled pool, in
// proportion to `nodes` hour by hour), and its dynamic energy, placed in
// time by `dynamic` (one-second bins), both times PUE and the intensity of
// the hour they fall in.
double operational_carbon_g(double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                            const std::vector<double>& profile, double pue, double t0_s, double t1_s,
                            const NodeLevel& nodes = {});

// Embodied carbon in grams of `nodes` nodes held for `seconds`; 0 when the
// node has no embodied figure or life.
double embodied_carbon_g(int nodes, double embodied_kgco2e, double life_years, double seconds);

}  // namespace fleetsim
