#include "fleetsim/core/step_series.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fleetsim {

double StepSeries::at(double t_s) const {
  if (values.empty()) return 0.0;
  if (values.size() == 1) return values.front();
  const double step = std::floor(std::max(0.0, t_s) / step_s);
  const auto index = static_cast<std::size_t>(std::fmod(step, static_cast<double>(values.size())));
  return values[index];
}

double StepSeries::step_end_after(double t_s) const { return (std::floor(t_s / step_s) + 1.0) * step_s; }

double StepSeries::integral(double t0_s, double t1_s) const {
  if (values.empty() || !(t1_s > t0_s)) return 0.0;
  if (values.size() == 1) return values.front() * (t1_s - t0_s);
  // Whole cycles at once, then the rest step by step. The operations are
  // those of the 24-hour profile this generalizes, so its figures stay put.
  const double cycle_s = step_s * static_cast<double>(values.size());
  const double cycles = std::floor((t1_s - t0_s) / cycle_s);
  double sum = cycles * step_s * std::accumulate(values.begin(), values.end(), 0.0);
  for (double t = t0_s + cycles * cycle_s; t < t1_s;) {
    const double end = std::min(step_end_after(t), t1_s);
    sum += at(t) * (end - t);
    t = end;
  }
  return sum;
}

double StepSeries::mean(double t0_s, double t1_s) const {
  if (is_constant()) return first();
  if (!(t1_s > t0_s)) return at(t0_s);
  return integral(t0_s, t1_s) / (t1_s - t0_s);
}

double StepSeries::cycle_mean() const {
  if (values.empty()) return 0.0;
  if (values.size() == 1) return values.front();
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double StepSeries::level_weighted_integral(double t0_s, double t1_s, const NodeLevel& level) const {
  double sum = 0.0;
  for (double t = t0_s; t < t1_s;) {
    const double end = std::min(step_end_after(t), t1_s);
    const double l = level(t, end);
    if (std::isfinite(l) && l > 0.0) sum += l * (end - t) * at(t);
    t = end;
  }
  return sum;
}

}  // namespace fleetsim
