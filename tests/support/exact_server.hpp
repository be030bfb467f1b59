// The hardware and model sections of a GPU server whose iterations take a
// time known by hand: compute made negligible and no overheads, so every
// iteration streams the model's 10 GB of bf16 weights at 1 TB/s (10 ms)
// plus a few bytes of KV. Shared by the engine's checks against queueing
// theory and against hand-computed timelines.
#pragma once

#include <string>

#include <fmt/format.h>

namespace fleetsim::testing {

inline std::string exact_server_sections(int devices = 1) {
  return fmt::format(R"(hardware:
  toy-gpu:
    kind: gpu
    devices: {}
    peak_flops: {{bf16: 1000000TFLOPS}}
    memory_bandwidth: 1TB/s
    memory_capacity: 80GB
    interconnect_bandwidth: 100GB/s
    interconnect_latency: 0us
    efficiency: {{compute: 1.0, memory: 1.0}}
    iteration_overhead: 0ms
    power: {{idle: 100W, memory_bound: 300W, compute_bound: 500W, host: 0W}}
    price_per_hour: 1.0
models:
  toy-model:
    params_total: 5e9
    layers: 16
    hidden_size: 2048
    attention_heads: 16
    kv_heads: 4
    head_dim: 128
    weight_dtype: bf16
    kv_dtype: bf16
)",
                     devices);
}

}  // namespace fleetsim::testing
