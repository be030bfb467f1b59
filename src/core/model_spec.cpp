#include "fleetsim/core/model_spec.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim {

double ModelSpec::routed_expert_params() const {
  if (experts <= 0 || experts_per_token <= 0 || experts_per_token >= experts) return 0.0;
  const double e = experts, k = experts_per_token;
  // P_total = shared + routed, P_active = shared + routed * k/E.
  return std::min(params_total, (params_total - params_active) * e / (e - k));
}

double ModelSpec::body_bytes_read(double tokens) const {
  // The head and the lookup table are part of the shared weights.
  const double outside_body = head_params() + lookup_params();
  const double routed = routed_expert_params();
  if (routed <= 0.0) return (params_total - outside_body) * bytes_per_weight();
  const double shared = params_total - routed - outside_body;
  const double missed = std::pow(1.0 - static_cast<double>(experts_per_token) / experts, std::max(tokens, 1.0));
  return (shared + routed * (1.0 - missed)) * bytes_per_weight();
}

}  // namespace fleetsim
