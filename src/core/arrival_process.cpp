#include "fleetsim/core/arrival_process.hpp"

#include <cmath>

namespace fleetsim {

double growth_factor(const ArrivalProcess& process, double t) {
  if (process.growth_per_week == 0.0) return 1.0;
  return std::pow(1.0 + process.growth_per_week, t / kSecondsPerWeek);
}

double mean_growth_factor(const ArrivalProcess& process, double horizon_s) {
  const double g = process.growth_per_week;
  if (g == 0.0 || horizon_s <= 0.0) return 1.0;
  // (1/H) * integral_0^H (1+g)^(t/W) dt = W ((1+g)^(H/W) - 1) / (H ln(1+g))
  const double log_growth = std::log1p(g);
  return kSecondsPerWeek * std::expm1(log_growth * horizon_s / kSecondsPerWeek) / (horizon_s * log_growth);
}

double expected_arrivals_between(const ArrivalProcess& process, double t0, double t1) {
  return make_arrival_pattern(process)->expected_between(t0, t1);
}

double peak_rate_per_s(const ArrivalProcess& process) { return make_arrival_pattern(process)->peak_rate(); }

}  // namespace fleetsim
