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

double ModelSpec::expert_row_elements_per_token() const {
  if (routed_expert_params() <= 0.0) return 0.0;
  return (experts_per_token + 1.0) * hidden_size * layers;
}

void ModelSpec::store_as(DataType dtype) {
  weight_dtype = dtype;
  weight_format.clear();
  bits_per_weight = 0.0;
  vocab_dtype.reset();
  head_storage.reset();
}

double ModelSpec::weight_bytes() const {
  const double layers_params = params_total - head_params() - lookup_params();
  return layers_params * bytes_per_weight() + lookup_params() * vocab_bytes_per_weight() +
         head_params() * head_bytes_per_weight();
}

double ModelSpec::body_bytes_read(double tokens) const {
  const double routed = routed_expert_params();
  const double shared = shared_body_params();
  if (routed <= 0.0) return shared * bytes_per_weight();
  const double missed = std::pow(1.0 - static_cast<double>(experts_per_token) / experts, std::max(tokens, 1.0));
  return (shared + routed * (1.0 - missed)) * bytes_per_weight();
}

}  // namespace fleetsim
