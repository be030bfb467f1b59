#include "fleetsim/core/step_integral.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fleetsim {

StepIntegral::StepIntegral(double start_s, double bin_s) : start_s_(start_s), bin_s_(bin_s), last_s_(start_s) {}

void StepIntegral::change(double now_s, double delta) {
  settle(now_s);
  value_ += delta;
}

void StepIntegral::settle(double end_s) {
  if (end_s > last_s_) {
    accumulate(last_s_, end_s);
    last_s_ = end_s;
  }
}

void StepIntegral::widen() {
  std::vector<double> merged((area_.size() + 1) / 2, 0.0);
  for (std::size_t i = 0; i < area_.size(); ++i) merged[i / 2] += area_[i];
  area_ = std::move(merged);
  bin_s_ *= 2.0;
}

void StepIntegral::accumulate(double t0, double t1) {
  while (t1 > start_s_ + bin_s_ * static_cast<double>(kMaxBins)) widen();
  const auto last = static_cast<std::size_t>(std::ceil((t1 - start_s_) / bin_s_));
  if (area_.size() < last) area_.resize(std::min(last, kMaxBins), 0.0);
  if (value_ == 0.0) return;
  auto i = static_cast<std::size_t>((t0 - start_s_) / bin_s_);
  for (double t = t0; t < t1 && i < area_.size(); ++i) {
    const double bin_end = std::min(t1, start_s_ + bin_s_ * static_cast<double>(i + 1));
    area_[i] += value_ * (bin_end - t);
    t = bin_end;
  }
}

double StepIntegral::area() const {
  double total = 0.0;
  for (double a : area_) total += a;
  return total;
}

double StepIntegral::mean(double t0, double t1) const {
  t0 = std::max(t0, start_s_);
  t1 = std::min(t1, last_s_);
  if (!(t1 > t0)) return std::numeric_limits<double>::quiet_NaN();
  double area = 0.0;
  for (std::size_t i = 0; i < area_.size(); ++i) {
    const double b0 = start_s_ + bin_s_ * static_cast<double>(i);
    // The last bin may be integrated only up to last_s_.
    const double covered = std::min(b0 + bin_s_, last_s_) - b0;
    const double overlap = std::min(t1, b0 + bin_s_) - std::max(t0, b0);
    if (overlap > 0.0 && covered > 0.0) area += area_[i] * overlap / covered;
  }
  return area / (t1 - t0);
}

}  // namespace fleetsim
