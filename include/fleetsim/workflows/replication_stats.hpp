// Mean and 95% confidence interval of a figure over replications (the same
// sweep point run with seeds s, s+1, ...).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace fleetsim {

// The 0.975 quantile of Student's t distribution with `df` degrees of
// freedom (df >= 1): the multiplier of a two-sided 95% interval.
double student_t_975(std::size_t df);

struct MeanInterval {
  std::optional<double> mean;        // nullopt when there is no value
  std::optional<double> half_width;  // t(0.975, n-1) * s / sqrt(n); nullopt for n < 2
  std::size_t n = 0;                 // values that had one (nulls are left out)
};

// Mean and half-width of the 95% interval of the values that are set.
MeanInterval mean_interval(const std::vector<std::optional<double>>& values);

}  // namespace fleetsim
