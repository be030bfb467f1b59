// An LLM's architecture, as far as serving cost depends on it.
#pragma once

#include <map>
#include <string>

#include "fleetsim/precision.hpp"

namespace fleetsim {

struct ModelSpec {
  std::string name;
  std::string description;
  double params_total = 0.0;   // all weights (bytes read per iteration)
  double params_active = 0.0;  // weights used per token (FLOPs); < total for MoE
  int layers = 0;
  int hidden_size = 0;
  int attention_heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  DataType weight_dtype = DataType::bf16;
  DataType kv_dtype = DataType::bf16;
  std::map<std::string, std::string> sources;  // field name -> public source

  double weight_bytes() const { return params_total * bytes_per_element(weight_dtype); }
  // K and V, every layer, every KV head: 2 * L * n_kv * d_head * bytes.
  double kv_bytes_per_token() const {
    return 2.0 * layers * kv_heads * head_dim * bytes_per_element(kv_dtype);
  }
  // Width of the attention computation (query heads * head dim).
  double attention_width() const { return static_cast<double>(attention_heads) * head_dim; }
};

}  // namespace fleetsim
