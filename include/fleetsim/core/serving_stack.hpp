// A serving stack (vLLM, SGLang, TensorRT-LLM, llama.cpp server, ...): the
// software side of a replica. Its host overhead per iteration enters the
// performance model; its scheduling defaults are the engine settings a pool
// that names it does not set itself. Entries live in src/catalog/stacks.yaml;
// docs/catalog.md sources every figure.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "fleetsim/core/iteration_overhead.hpp"
#include "fleetsim/core/request_path.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

struct ServingStack {
  std::string name;
  std::string description;
  IterationOverhead overhead;
  // Host work an overlap scheduler does beside the device's iteration
  // (EngineSettings::overlapped_host); zero for a stack whose host work is
  // all on the critical path or keeps ahead of the device.
  IterationOverhead overlapped_host;
  // Front end: HTTP and tokenization before the engine's queue; zero where
  // the stack's harness calls the engine in-process or nothing is measured.
  RequestPath request_path;
  // Scheduling defaults; nullopt leaves fleetsim's own EngineSettings default.
  std::optional<bool> chunked_prefill;
  std::optional<bool> mixed_batches;  // EngineSettings::mixed_batches
  std::optional<int> max_batched_tokens;
  std::optional<int> max_batch_size;
  std::optional<std::string> kv_admission;  // a KV admission policy's name (kv_policy.hpp)
  std::optional<KvLayout> kv_layout;
  std::optional<int> scheduler_steps;  // EngineSettings::scheduler_steps
  // Device side: kernels per layer the roofline does not price
  // (EngineSettings::kernels_per_layer); 0 when the stack's kernels are
  // inside the calibrated efficiencies.
  double kernels_per_layer = 0.0;
  // CPU side: thread barriers per layer (EngineSettings::sync_points_per_layer).
  double sync_points_per_layer = 0.0;
  // CPU side: Amdahl's serial fraction of the math (EngineSettings::serial_fraction).
  double serial_fraction = 0.0;
  // CPU side: FLOP per core and cycle of the attention kernels
  // (EngineSettings::attention_flops_per_cycle); 0 for the hardware's rate.
  double attention_flops_per_cycle = 0.0;
  // CPU side: matrix kernel speed by weight format (EngineSettings::format_efficiency).
  std::map<std::string, double> format_efficiency;
  // CPU side: one core's weight streaming by format (EngineSettings::format_core_bandwidth).
  std::map<std::string, double> format_core_bandwidth;
  // CPU side: formats whose many-row products run on dot-product
  // instructions (EngineSettings::dot_product_formats).
  std::vector<std::string> dot_product_formats;
  // Device side: rows one weight pass of the stack's dequantizing kernel
  // serves (EngineSettings::dequant_kernel_rows); 0 for none.
  int dequant_kernel_rows = 0;
  // Device side: a mixture's token-copy kernels per expert layer
  // (EngineSettings::expert_token_passes); nullopt keeps the default (1).
  std::optional<double> expert_token_passes;
  // Device side: bytes an unfused attention moves per score
  // (EngineSettings::attention_score_bytes); nullopt keeps the default (0, fused).
  std::optional<double> attention_score_bytes;
  // Device side: the share of the hardware's calibrated bandwidth and
  // compute rates the stack's kernels reach (EngineSettings::kernel_efficiency).
  KernelEfficiency kernel_efficiency;
  // Documentation only: CUDA graphs remove kernel-launch gaps, which the
  // calibrated efficiencies and `overhead` already contain; the model reads
  // nothing from this flag.
  bool cuda_graphs = false;
  std::map<std::string, std::string> sources;
};

// The engine settings a pool naming `stack` starts from: fleetsim's defaults
// with the stack's scheduling defaults laid over them, `stack` set to its
// name and `overhead` to its overhead. A pool's own keys are read over this.
EngineSettings engine_defaults(const ServingStack& stack);

}  // namespace fleetsim
