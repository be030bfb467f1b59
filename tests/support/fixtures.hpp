// Hand-made hardware and models for unit tests: the figures are fixed here so
// that hand computations in the tests stay valid when the catalog changes.
#pragma once

#include <cstdint>

#include "fleetsim/core/hardware.hpp"
#include "fleetsim/core/model_spec.hpp"
#include "fleetsim/core/retained_kv.hpp"
#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/io/catalog.hpp"

namespace fleetsim::testing {

inline ModelSpec llama_8b() {
  ModelSpec m;
  m.name = "llama-3.1-8b";
  m.params_total = m.params_active = 8.03e9;
  m.layers = 32;
  m.hidden_size = 4096;
  m.attention_heads = 32;
  m.kv_heads = 8;
  m.head_dim = 128;
  m.weight_dtype = m.kv_dtype = DataType::bf16;
  return m;
}

inline HardwareSpec h100_node() {
  HardwareSpec h;
  h.name = "h100";
  h.kind = DeviceKind::gpu;
  h.devices = 8;
  h.peak_flops[DataType::bf16] = 989e12;
  h.peak_flops[DataType::fp8] = 1979e12;
  h.memory_bandwidth_bps = 3.35e12;
  h.memory_capacity_bytes = 80e9;
  h.interconnect_bandwidth_bps = 450e9;
  h.interconnect_latency_s = 5e-6;
  h.compute_efficiency = 0.6;
  h.memory_efficiency = 0.8;
  h.iteration_overhead_s = 1e-3;
  h.device_power = {140.0, 380.0, 700.0};
  h.host_power_w = 1500.0;
  h.price_per_hour_usd = 55.04;
  return h;
}

inline HardwareSpec graviton_socket() {
  HardwareSpec h;
  h.name = "graviton";
  h.kind = DeviceKind::cpu;
  h.devices = 2;
  h.cores_per_device = 96;
  h.clock_hz = 2.7e9;
  h.peak_flops[DataType::bf16] = 16.6e12;
  h.peak_flops[DataType::int8] = 33.2e12;
  h.memory_bandwidth_bps = 537.6e9;
  h.memory_capacity_bytes = 192e9;
  h.compute_efficiency = 0.5;
  h.memory_efficiency = 0.4;
  h.iteration_overhead_s = 0.0;
  h.device_power = {40.0, 100.0, 120.0};
  h.host_power_w = 100.0;
  h.price_per_hour_usd = 7.65696;
  return h;
}

// One whole prompt of `tokens` in one iteration, causal attention, its one
// output token sampled.
inline IterationShape one_prompt(double tokens) {
  IterationShape s;
  s.prefill_tokens = tokens;
  s.prefill_attention_pairs = tokens * (tokens + 1) / 2.0;
  s.prefill_seqs = 1;
  s.prefill_outputs = 1;
  return s;
}

// Shared here because several test files used the same definitions, and they
// now compile as one translation unit (unity build).

// Llama-3.1-8B in bf16: 2 x 32 layers x 8 KV heads x 128 x 2 B = 131,072 B
// of KV per token; a 16-token block is 2,097,152 B (2 MiB).
inline constexpr double kKvBytesPerToken = 131072.0;
inline constexpr double kBlockBytes = 16 * kKvBytesPerToken;

// A session's retained cache of `blocks` 16-token blocks.
inline RetainedKv::Entry cache(std::uint64_t session, long blocks) { return {session, blocks, blocks * 16, 0.0}; }

// A GPU node "gpu" (h100_node), a CPU node "cpu" (graviton_socket, two
// sockets of 96 cores) and llama_8b.
inline const Catalog& catalog() {
  static const Catalog c = [] {
    HardwareSpec gpu = h100_node();
    gpu.name = "gpu";
    HardwareSpec cpu = graviton_socket();
    cpu.name = "cpu";
    return Catalog({gpu, cpu}, {llama_8b()});
  }();
  return c;
}

}  // namespace fleetsim::testing
