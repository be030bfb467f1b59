#include "fleetsim/core/power_timeline.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim {

PowerTimeline::PowerTimeline(double start_s, double bin_s) : start_s_(start_s), bin_s_(bin_s) {}

void PowerTimeline::add(double t0, double t1, double energy_j) {
  const double a = std::max(t0, start_s_);
  if (t1 <= a) return;
  const double rate = energy_j / (t1 - t0);
  auto i = static_cast<std::size_t>((a - start_s_) / bin_s_);
  const auto last = static_cast<std::size_t>(std::ceil((t1 - start_s_) / bin_s_));
  if (energy_j_.size() < last) energy_j_.resize(last, 0.0);
  for (double t = a; t < t1 && i < energy_j_.size(); ++i) {
    const double bin_end = std::min(t1, start_s_ + bin_s_ * static_cast<double>(i + 1));
    energy_j_[i] += rate * (bin_end - t);
    t = bin_end;
  }
}

double PowerTimeline::peak_power_w(double baseline_w, double end_s) const {
  double peak = 0.0;
  for (std::size_t i = 0; i < energy_j_.size(); ++i) {
    const double bin_start = start_s_ + bin_s_ * static_cast<double>(i);
    const double width = std::min(bin_s_, end_s - bin_start);
    // A sliver of a bin at the end would turn a few joules into a huge "peak".
    if (width >= 0.5 * bin_s_) peak = std::max(peak, energy_j_[i] / width);
  }
  return baseline_w + peak;
}

}  // namespace fleetsim
