#include "fleetsim/core/serving_stack.hpp"

namespace fleetsim {

EngineSettings engine_defaults(const ServingStack& stack) {
  EngineSettings e;
  e.stack = stack.name;
  e.overhead = stack.overhead;
  e.overlapped_host = stack.overlapped_host;
  e.request_path = stack.request_path;
  if (stack.chunked_prefill) e.chunked_prefill = *stack.chunked_prefill;
  if (stack.mixed_batches) e.mixed_batches = *stack.mixed_batches;
  if (stack.max_batched_tokens) e.max_batched_tokens = *stack.max_batched_tokens;
  if (stack.max_batch_size) e.max_batch_size = *stack.max_batch_size;
  if (stack.kv_admission) e.kv_admission = *stack.kv_admission;
  if (stack.kv_layout) e.kv_layout = *stack.kv_layout;
  if (stack.scheduler_steps) e.scheduler_steps = *stack.scheduler_steps;
  e.kernels_per_layer = stack.kernels_per_layer;
  e.sync_points_per_layer = stack.sync_points_per_layer;
  e.serial_fraction = stack.serial_fraction;
  e.attention_flops_per_cycle = stack.attention_flops_per_cycle;
  e.format_efficiency = stack.format_efficiency;
  e.format_core_bandwidth = stack.format_core_bandwidth;
  e.dot_product_formats = stack.dot_product_formats;
  e.dequant_kernel_rows = stack.dequant_kernel_rows;
  if (stack.expert_token_passes) e.expert_token_passes = *stack.expert_token_passes;
  if (stack.attention_score_bytes) e.attention_score_bytes = *stack.attention_score_bytes;
  e.kernel_efficiency = stack.kernel_efficiency;
  return e;
}

}  // namespace fleetsim
