// Energy of a node pool binned in time, to report peak power as the highest
// mean power over any bin rather than only the mean over the run.
#pragma once

#include <cstddef>
#include <vector>

namespace fleetsim {

class PowerTimeline {
 public:
  // Bins of `bin_s` seconds from `start_s` on; the timeline grows as needed.
  PowerTimeline(double start_s, double bin_s);

  // Spreads `energy_j` uniformly over [t0, t1); parts before the start are dropped.
  void add(double t0, double t1, double energy_j);
  // Highest mean power of any bin up to end_s, plus a constant baseline.
  double peak_power_w(double baseline_w, double end_s) const;
  double bin_s() const { return bin_s_; }
  // Calls f(bin_start, bin_end, energy_j) for each bin that starts before
  // end_s, the last one cut at end_s.
  template <typename F>
  void for_each_bin(double end_s, F&& f) const {
    for (std::size_t i = 0; i < energy_j_.size(); ++i) {
      const double bin_start = start_s_ + bin_s_ * static_cast<double>(i);
      if (bin_start >= end_s) break;
      f(bin_start, bin_start + bin_s_ < end_s ? bin_start + bin_s_ : end_s, energy_j_[i]);
    }
  }

 private:
  double start_s_;
  double bin_s_;
  std::vector<double> energy_j_;
};

}  // namespace fleetsim
