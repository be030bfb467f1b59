#include "fleetsim/core/power_cap_spec.hpp"

#include <algorithm>

namespace fleetsim {

double PowerCapSpec::lowest_w() const {
  double w = steps.empty() ? 0.0 : steps.front().cap_w;
  for (const PowerCapStep& s : steps) w = std::min(w, s.cap_w);
  return w;
}

double PowerCapSpec::highest_w() const {
  double w = 0.0;
  for (const PowerCapStep& s : steps) w = std::max(w, s.cap_w);
  return w;
}

}  // namespace fleetsim
