#include "fleetsim/core/energy_over_time.hpp"

#include "fleetsim/core/power_timeline.hpp"
#include "fleetsim/core/units.hpp"

namespace fleetsim {
namespace {

// The series' mean over the node time a varying number of nodes held: each
// step's value weighted by the node-seconds in it.
double node_weighted_mean(const StepSeries& series, double t0_s, double t1_s, const NodeLevel& nodes,
                          double otherwise) {
  const double weighted = series.level_weighted_integral(t0_s, t1_s, nodes);
  const double node_s = StepSeries({1.0}, series.step_s).level_weighted_integral(t0_s, t1_s, nodes);
  return node_s > 0.0 ? weighted / node_s : otherwise;
}

// The series' mean over one bin of the dynamic timeline: its value when the
// bin lies within a step, else the integral across the steps it straddles.
double bin_mean(const StepSeries& series, double bin_start, double bin_end) {
  if (series.is_constant()) return series.first();
  if (series.step_end_after(bin_start) >= bin_end) return series.at(0.5 * (bin_start + bin_end));
  return series.integral(bin_start, bin_end) / (bin_end - bin_start);
}

}  // namespace

double series_weighted_energy(double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                              const StepSeries& series, double t0_s, double t1_s, const NodeLevel& nodes) {
  const double window = t1_s - t0_s;
  if (!(window > 0.0)) return 0.0;
  const double mean_value = series.integral(t0_s, t1_s) / window;
  // One value all along needs no placing in time.
  const double baseline_value =
      nodes && !series.is_constant() ? node_weighted_mean(series, t0_s, t1_s, nodes, mean_value) : mean_value;
  // The dynamic energy at the values its bins saw; the timeline only places
  // it in time, the total is the pool's own.
  double binned = 0.0;
  double weighted = 0.0;
  dynamic.for_each_bin(t1_s, [&](double bin_start, double bin_end, double energy_j) {
    binned += energy_j;
    weighted += energy_j * bin_mean(series, bin_start, bin_end);
  });
  const double dynamic_value = binned > 0.0 ? weighted / binned : mean_value;
  return baseline_j * baseline_value + dynamic_j * dynamic_value;
}

double energy_cost_usd(double energy_j, double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                       const StepSeries& price_per_kwh, double pue, double t0_s, double t1_s, const NodeLevel& nodes) {
  if (price_per_kwh.is_constant()) return energy_j * pue / kJoulesPerKwh * price_per_kwh.first();
  return pue / kJoulesPerKwh *
         series_weighted_energy(baseline_j, dynamic_j, dynamic, price_per_kwh, t0_s, t1_s, nodes);
}

}  // namespace fleetsim
