// Streaming quantiles with a relative error bound, in constant memory.
//
// Values are counted in logarithmic buckets: bucket i holds (g^(i-1), g^i]
// with g = (1 + a) / (1 - a). Reporting a bucket's midpoint 2 g^i / (g + 1)
// is within a relative error `a` of every value in it (the DDSketch scheme of
// Masson, Rim and Lee, VLDB 2019). With a = 0.5% the latency percentiles are
// exact to 0.5% whatever the sample count, and memory depends only on the
// dynamic range. Sketches with the same accuracy merge by adding counts.
#pragma once

#include <cstdint>
#include <vector>

namespace fleetsim {

class QuantileSketch {
 public:
  explicit QuantileSketch(double relative_accuracy = 0.005);

  void add(double value);
  void merge(const QuantileSketch& other);

  std::uint64_t count() const { return count_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double max() const { return max_; }
  double min() const { return min_; }
  // q in [0, 1]; the value of rank ceil(q * count) (nearest rank), within the accuracy.
  double quantile(double q) const;
  // Fraction of values <= bound, exact up to the bucket that holds the bound.
  double fraction_at_most(double bound) const;
  double relative_accuracy() const { return accuracy_; }

  // Everything the sketch holds, so that it can be written out and read back
  // (a cell's side output, docs/cells.md) and merged elsewhere exactly:
  // bucket offset + i of counts[i] holds (g^(offset+i-1), g^(offset+i)].
  struct State {
    double relative_accuracy = 0.005;
    std::uint64_t count = 0;
    std::uint64_t zeros = 0;  // values at or below a nanosecond
    double sum = 0.0;
    double min = 0.0;
    double max = 0.0;
    int offset = 0;
    std::vector<std::uint64_t> counts;
  };
  State state() const;
  // Trusts `s` to be a sketch's own state (zeros plus counts summing to
  // count); a reader of untrusted text checks that first.
  static QuantileSketch from_state(const State& s);

 private:
  int bucket_of(double value) const;
  double bucket_value(int index) const;

  double accuracy_;
  double gamma_;
  double log_gamma_;
  std::uint64_t count_ = 0;
  std::uint64_t zeros_ = 0;  // values <= kMinPositive
  double sum_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
  int offset_ = 0;  // bucket index of counts_[0]
  std::vector<std::uint64_t> counts_;
};

}  // namespace fleetsim
