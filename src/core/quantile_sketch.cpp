#include "fleetsim/core/quantile_sketch.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim {
namespace {
// Latencies below a nanosecond are counted as zero.
constexpr double kMinPositive = 1e-9;
}  // namespace

QuantileSketch::QuantileSketch(double relative_accuracy)
    : accuracy_(relative_accuracy),
      gamma_((1.0 + relative_accuracy) / (1.0 - relative_accuracy)),
      log_gamma_(std::log(gamma_)) {}

int QuantileSketch::bucket_of(double value) const {
  return static_cast<int>(std::ceil(std::log(value) / log_gamma_));
}

double QuantileSketch::bucket_value(int index) const {
  return 2.0 * std::pow(gamma_, index) / (gamma_ + 1.0);
}

void QuantileSketch::add(double value) {
  if (!(value >= 0.0)) value = 0.0;  // negative or NaN: a modelling bug upstream; never poison the sketch
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  ++count_;
  sum_ += value;
  if (value <= kMinPositive) {
    ++zeros_;
    return;
  }
  const int b = bucket_of(value);
  if (counts_.empty()) {
    offset_ = b;
    counts_.assign(1, 0);
  } else if (b < offset_) {
    counts_.insert(counts_.begin(), static_cast<std::size_t>(offset_ - b), 0);
    offset_ = b;
  } else if (b >= offset_ + static_cast<int>(counts_.size())) {
    counts_.resize(static_cast<std::size_t>(b - offset_ + 1), 0);
  }
  ++counts_[static_cast<std::size_t>(b - offset_)];
}

void QuantileSketch::merge(const QuantileSketch& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  zeros_ += other.zeros_;
  sum_ += other.sum_;
  if (other.counts_.empty()) return;
  if (counts_.empty()) {
    counts_ = other.counts_;
    offset_ = other.offset_;
    return;
  }
  const int lo = std::min(offset_, other.offset_);
  const int hi = std::max(offset_ + static_cast<int>(counts_.size()),
                          other.offset_ + static_cast<int>(other.counts_.size()));
  std::vector<std::uint64_t> merged(static_cast<std::size_t>(hi - lo), 0);
  for (std::size_t i = 0; i < counts_.size(); ++i) merged[i + static_cast<std::size_t>(offset_ - lo)] += counts_[i];
  for (std::size_t i = 0; i < other.counts_.size(); ++i)
    merged[i + static_cast<std::size_t>(other.offset_ - lo)] += other.counts_[i];
  counts_ = std::move(merged);
  offset_ = lo;
}

double QuantileSketch::quantile(double q) const {
  if (count_ == 0) return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  if (rank <= zeros_) return 0.0;
  std::uint64_t seen = zeros_;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(bucket_value(offset_ + static_cast<int>(i)), min_, max_);
  }
  return max_;
}

double QuantileSketch::fraction_at_most(double bound) const {
  if (count_ == 0) return 1.0;
  if (bound >= max_) return 1.0;
  std::uint64_t at_most = zeros_;
  if (bound > kMinPositive) {
    const int b = bucket_of(bound);
    for (std::size_t i = 0; i < counts_.size() && offset_ + static_cast<int>(i) <= b; ++i) at_most += counts_[i];
  }
  return static_cast<double>(at_most) / static_cast<double>(count_);
}

QuantileSketch::State QuantileSketch::state() const {
  return {accuracy_, count_, zeros_, sum_, min_, max_, offset_, counts_};
}

QuantileSketch QuantileSketch::from_state(const State& s) {
  QuantileSketch sketch(s.relative_accuracy);
  sketch.count_ = s.count;
  sketch.zeros_ = s.zeros;
  sketch.sum_ = s.sum;
  sketch.min_ = s.min;
  sketch.max_ = s.max;
  sketch.offset_ = s.offset;
  sketch.counts_ = s.counts;
  return sketch;
}

}  // namespace fleetsim
