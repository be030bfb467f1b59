#include "fleetsim/workflows/replication_stats.hpp"

#include <cmath>

namespace fleetsim {

double student_t_975(std::size_t df) {
  // Exact to the printed digits for small df, where the interval is widest
  // and a formula would be least accurate.
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return NAN;
  if (df <= 30) return table[df - 1];
  // Above 30: the Cornish-Fisher expansion around the normal quantile, good
  // to 1e-4 there.
  const double z = 1.959963984540054;
  const double v = static_cast<double>(df);
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v);
}

MeanInterval mean_interval(const std::vector<std::optional<double>>& values) {
  MeanInterval r;
  double sum = 0.0;
  for (const auto& v : values)
    if (v && std::isfinite(*v)) {
      sum += *v;
      ++r.n;
    }
  if (r.n == 0) return r;
  const double mean = sum / static_cast<double>(r.n);
  r.mean = mean;
  if (r.n < 2) return r;
  double squares = 0.0;
  for (const auto& v : values)
    if (v && std::isfinite(*v)) squares += (*v - mean) * (*v - mean);
  const double stddev = std::sqrt(squares / static_cast<double>(r.n - 1));
  r.half_width = student_t_975(r.n - 1) * stddev / std::sqrt(static_cast<double>(r.n));
  return r;
}

}  // namespace fleetsim
