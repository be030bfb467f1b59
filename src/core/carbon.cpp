#include "fleetsim/core/carbon.hpp"

#include "fleetsim/core/energy_over_time.hpp"
#include "fleetsim/core/units.hpp"

namespace fleetsim {

double operational_carbon_g(double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                            const StepSeries& intensity, double pue, double t0_s, double t1_s,
                            const NodeLevel& nodes) {
  if (!(t1_s - t0_s > 0.0)) return 0.0;
  return pue / kJoulesPerKwh * series_weighted_energy(baseline_j, dynamic_j, dynamic, intensity, t0_s, t1_s, nodes);
}

double embodied_carbon_g(int nodes, double embodied_kgco2e, double life_years, double seconds) {
  if (!(embodied_kgco2e > 0.0) || !(life_years > 0.0) || !(seconds > 0.0)) return 0.0;
  const double node_hours = nodes * seconds / kSecondsPerHour;
  return node_hours * embodied_kgco2e * 1e3 / (life_years * kHoursPerYear);
}

}  // namespace fleetsim
