#include "fleetsim/core/carbon.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "fleetsim/core/power_timeline.hpp"

namespace fleetsim {
namespace {

constexpr double kSecondsPerHour = 3600.0;
constexpr double kSecondsPerDay = 24.0 * kSecondsPerHour;
constexpr double kJoulesPerKwh = 3.6e6;

}  // namespace

double grid_intensity_at(const std::vector<double>& profile, double t_s) {
  if (profile.empty()) return 0.0;
  if (profile.size() == 1) return profile.front();
  const double hour = std::floor(std::max(0.0, t_s) / kSecondsPerHour);
  const auto index = static_cast<std::size_t>(std::fmod(hour, static_cast<double>(profile.size())));
  return profile[index];
}

double grid_intensity_integral(const std::vector<double>& profile, double t0_s, double t1_s) {
  if (profile.empty() || !(t1_s > t0_s)) return 0.0;
  if (profile.size() == 1) return profile.front() * (t1_s - t0_s);
  // Whole days at once, then the rest hour by hour.
  const double days = std::floor((t1_s - t0_s) / kSecondsPerDay);
  double sum = days * kSecondsPerHour * std::accumulate(profile.begin(), profile.end(), 0.0);
  for (double t = t0_s + days * kSecondsPerDay; t < t1_s;) {
    const double hour_end = (std::floor(t / kSecondsPerHour) + 1.0) * kSecondsPerHour;
    const double end = std::min(hour_end, t1_s);
    sum += grid_intensity_at(profile, t) * (end - t);
    t = end;
  }
  return sum;
}

namespace {

// The intensity a baseline drawn by a varying number of nodes saw: each
// hour's intensity weighted by the node-seconds held in it.
double node_weighted_intensity(const std::vector<double>& profile, double t0_s, double t1_s, const NodeLevel& nodes,
                               double otherwise) {
  double weighted = 0.0, node_s = 0.0;
  for (double t = t0_s; t < t1_s;) {
    const double end = std::min((std::floor(t / kSecondsPerHour) + 1.0) * kSecondsPerHour, t1_s);
    const double level = nodes(t, end);
    if (std::isfinite(level) && level > 0.0) {
      weighted += level * (end - t) * grid_intensity_at(profile, t);
      node_s += level * (end - t);
    }
    t = end;
  }
  return node_s > 0.0 ? weighted / node_s : otherwise;
}

}  // namespace

double operational_carbon_g(double baseline_j, double dynamic_j, const PowerTimeline& dynamic,
                            const std::vector<double>& profile, double pue, double t0_s, double t1_s,
                            const NodeLevel& nodes) {
  const double window = t1_s - t0_s;
  if (!(window > 0.0)) return 0.0;
  const double mean_intensity = grid_intensity_integral(profile, t0_s, t1_s) / window;
  // One intensity all day needs no placing in time.
  const double baseline_intensity = nodes && profile.size() > 1
                                        ? node_weighted_intensity(profile, t0_s, t1_s, nodes, mean_intensity)
                                        : mean_intensity;
  // The dynamic energy at the intensity its bins saw; the timeline only
  // places it in time, the total is the pool's own.
  double binned = 0.0;
  double weighted = 0.0;
  dynamic.for_each_bin(t1_s, [&](double bin_start, double bin_end, double energy_j) {
    binned += energy_j;
    weighted += energy_j * grid_intensity_at(profile, 0.5 * (bin_start + bin_end));
  });
  const double dynamic_intensity = binned > 0.0 ? weighted / binned : mean_intensity;
  return pue / kJoulesPerKwh * (baseline_j * baseline_intensity + dynamic_j * dynamic_intensity);
}

double embodied_carbon_g(int nodes, double embodied_kgco2e, double life_years, double seconds) {
  if (!(embodied_kgco2e > 0.0) || !(life_years > 0.0) || !(seconds > 0.0)) return 0.0;
  const double node_hours = nodes * seconds / kSecondsPerHour;
  return node_hours * embodied_kgco2e * 1e3 / (life_years * kHoursPerYear);
}

}  // namespace fleetsim
