// Time of one engine iteration on one replica, from first principles. An
// iteration runs two kinds of kernels one after the other in every layer:
// the weight matrices (F_lin FLOPs over the weights' B_w bytes) and attention
// over the KV cache (F_att FLOPs over B_kv bytes). Each is bound by its own
// roofline, so
//
//   t = join_p(F_lin / C, B_w / W) + t_mm + max(F_att / C_att, B_kv / W) + t_comm + t_overhead + t_k + t_sync
//
// with C = n * peak * eff_c, W = n * achieved bandwidth, and join_p(a, b) =
// (a^p + b^p)^(1/p) the matrices' roofline with a rounded knee
// (HardwareSpec::matmul_knee; max(a, b) when the hardware gives none). A large decode
// batch is compute bound in its matrices and memory bound in attention: the
// two add, where one max over the totals would hide the KV reads under the
// matrix math. t_mm charges each weight-matrix product the device's
// matmul_floor (launch, pipeline fill, last wave) on every device. t_k =
// L * k * t_floor charges the stack's k kernels per layer that neither term
// prices (normalization, rotary embedding, residual adds)
// at the device's shortest kernel time; t_sync = L * s * (n + 1) * t_line the
// stack's s thread barriers per layer on a CPU replica of n threads, each
// passing a cache line through every thread. An attention that is not one
// fused kernel (EngineSettings::attention_score_bytes) adds its scores'
// bytes to B_kv and its masked pairs' FLOPs to F_att. An overlap scheduler's
// host work t_h (EngineSettings::overlapped_host) runs beside the device, so
// an iteration lasts max(t - t_overhead, t_h) + t_overhead.
// docs/performance-model.md derives every term.
#pragma once

#include <cstddef>
#include <vector>

#include "fleetsim/core/hardware.hpp"
#include "fleetsim/core/model_spec.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

// What one iteration processes, aggregated over its sequences.
struct IterationShape {
  double decode_seqs = 0.0;     // sequences producing one token each
  double decode_context = 0.0;  // sum of their contexts already in KV (tokens)
  double prefill_tokens = 0.0;  // prompt tokens computed this iteration (all chunks)
  // Sum over chunks of the (query, key) pairs its attention computes:
  // a chunk of m new tokens after p cached ones attends m*p + m(m+1)/2 pairs.
  double prefill_attention_pairs = 0.0;
  double prefill_context = 0.0;  // sum over chunks of p: cached prefix KV read
  // Sum over chunks of m(m - 1)/2: the pairs above the causal diagonal,
  // which a fused kernel skips and an unfused one computes and masks
  // (EngineSettings::attention_score_bytes).
  double prefill_masked_pairs = 0.0;
  double prefill_seqs = 0.0;     // prompts with a chunk in this iteration
  double prefill_outputs = 0.0;  // of them, those whose last chunk ran (they sample a token)
  // Cells in the replica's KV cache before the iteration: every running
  // sequence's tokens, those sitting this iteration out included. Read, and
  // filled in by the batcher, only under KvLayout::unified, where attention
  // spans all of them.
  double cache_cells = 0.0;

  double tokens() const { return decode_seqs + prefill_tokens; }
  // What the stack's per-sequence and per-token overheads count (IterationOverhead).
  double sequences() const { return decode_seqs + prefill_seqs; }
  double output_tokens() const { return decode_seqs + prefill_outputs; }
};

// The time of a weight-matrix phase whose math alone takes `compute_s` and
// whose weight reads alone take `memory_s`: (t_c^p + t_m^p)^(1/p) with p =
// `knee`, or the larger of the two when knee <= 0.
double matmul_time(double compute_s, double memory_s, double knee);

struct IterationCost {
  double linear_compute_s = 0.0;     // F_lin / C: the weight matrices' math
  double linear_memory_s = 0.0;      // B_w / W: streaming the weights, plus the products' floors
  double linear_s = 0.0;             // matmul_time of the two, plus the products' floors: the matrices' time
  double attention_compute_s = 0.0;  // F_att / C_att
  double attention_memory_s = 0.0;   // B_kv / W: reading and writing the KV cache (and an unfused attention's scores)
  double compute_s = 0.0;            // both phases' compute time (for power)
  double memory_s = 0.0;             // both phases' memory time, the products' floors included (for power)
  double comm_s = 0.0;               // tensor-parallel all-reduces
  double overhead_s = 0.0;           // host overhead (IterationOverhead::time_s)
  double layer_kernels_s = 0.0;      // t_k: kernels the rooflines do not price
  double thread_sync_s = 0.0;        // t_sync: CPU threads waiting at barriers
  double overlapped_host_s = 0.0;    // t_h: an overlap scheduler's host work beside the device (§2.16)
  double flops = 0.0;
  double bytes = 0.0;
  // The device's kernels and the exposed overhead, as the roofline adds them.
  double device_time_s() const {
    return linear_s + (attention_compute_s > attention_memory_s ? attention_compute_s : attention_memory_s) + comm_s +
           overhead_s + layer_kernels_s + thread_sync_s;
  }
  // An overlap scheduler's host work for the next iteration runs while the
  // device computes this one: the iteration lasts the longer of the two,
  // with the exposed overhead after either. With no such work this is
  // device_time_s() to the bit.
  double time_s() const {
    const double t = device_time_s();
    return overlapped_host_s > 0.0 && overlapped_host_s + overhead_s > t ? overlapped_host_s + overhead_s : t;
  }
  // Of time_s(), the host's: the exposed overhead and the device's wait for
  // the overlapped host work (ReplicaStats::host_s).
  double host_s() const { return overlapped_host_s > 0.0 ? overhead_s + (time_s() - device_time_s()) : overhead_s; }
};

// What one device of a replica delivers. A GPU replica uses its devices
// whole: W * memory_efficiency. A CPU replica runs on `threads` cores of each
// socket: it gets that share of the socket's peak FLOP/s (divided by Amdahl's
// 1 + s (N - 1) for the stack's serial fraction s over all N threads of the
// replica), and the bandwidth
// its cores reach against the socket's (HardwareSpec::core_bandwidth_bps; the
// core-proportional share of W * memory_efficiency when the hardware gives no
// per-core rate). A core streams a weight format at the per-core rate times
// the stack's factor for it (EngineSettings::format_core_bandwidth; 1 for
// an empty or unlisted format).
struct DeviceShare {
  double compute_fraction = 1.0;
  double achieved_bandwidth_bps = 0.0;  // memory efficiency included
  double cores = 0.0;                   // CPU cores used per device (0 for a GPU)
};
DeviceShare device_share(const HardwareSpec& hardware, const EngineSettings& engine,
                         const std::string& weight_format = {});

// CPU replicas that share each of a replica's sockets: replicas_per_node x
// tensor_parallel over the node's sockets, when a pool runs more replicas
// than it has sockets (several llama.cpp processes pinned to disjoint cores
// of one socket, `threads` each); 1 otherwise, and always for accelerators.
// They split the socket's memory and its bandwidth limit, and each draws its
// share of the socket's power (docs/performance-model.md §1, §2.3, §5).
int replicas_per_device(const HardwareSpec& hardware, const EngineSettings& engine);

// Time of one barrier across all threads of a CPU replica: each of its n
// threads takes the barrier counter's cache line in turn, then the last
// one's release reaches the spinning others, (n + 1) line transfers at the
// hardware's core-to-core latency (the mean over the sockets spanned when
// the replica spans several). 0 for one thread, a GPU, or hardware that
// gives no latency.
double barrier_time(const HardwareSpec& hardware, const EngineSettings& engine);

class RooflineModel {
 public:
  RooflineModel(const ModelSpec& model, const HardwareSpec& hardware, const EngineSettings& engine);

  IterationCost cost(const IterationShape& shape) const;

  // A run of decode-only iterations with a fixed batch of `seqs` sequences
  // whose contexts sum to `context` at the first one and grow by one token per
  // sequence per iteration. Times are exact sums of cost() over the run,
  // computed in O(1): both F and B are linear in the iteration index, so the
  // max() switches side at most once.
  struct DecodeRun {
    double seqs = 0.0;
    double context = 0.0;
  };
  // cost() of iteration j of a decode run: the matrices' time is the same
  // every iteration (the batch does not change), attention's compute and
  // memory grow linearly with j (every sequence's context grows by one).
  struct DecodeTerms {
    double linear_compute = 0.0, linear_memory = 0.0;
    double linear = 0.0;          // matmul_time of the two (constant over the run)
    double a_c = 0.0, b_c = 0.0;  // attention compute: a_c + b_c * j
    double a_m = 0.0, b_m = 0.0;  // attention memory:  a_m + b_m * j
    double fixed = 0.0;           // communication, overhead and layer kernels
    double overhead = 0.0;        // of `fixed`, the serving stack's host work per iteration
    // An iteration's least time, the overlapped host work plus the exposed
    // overhead (IterationCost::time_s); 0 without overlapped host work. The
    // device's time grows with j, so the floor holds the run's first
    // iterations, up to the one crossing.
    double floor = 0.0;

    // Whether attention's compute side is the larger at j = 0 (it stays so
    // until the one crossing, if any).
    bool compute_leads() const {
      const double da = a_c - a_m, db = b_c - b_m;
      return da > 0.0 || (da == 0.0 && db > 0.0);
    }
    // Total time of the first k iterations.
    double time(long k) const { return floor > 0.0 ? floored_time(k) : device_time(k); }
    // The same with no floor: the device's kernels and the exposed overhead.
    double device_time(long k) const;
    // Of time(k), the wait for the overlapped host work: time(k) - device_time(k).
    double host_wait(long k) const { return floor > 0.0 ? floored_wait(k) : 0.0; }
    // Of time(k), the host's: the exposed overhead and the wait
    // (IterationCost::host_s, for a run; ReplicaStats::host_s).
    double host_time(long k) const { return overhead * static_cast<double>(k) + host_wait(k); }
    // How many of the run's first iterations the floor holds (those whose
    // device time is below it), at most k.
    long floored_iterations(long k) const;
    double floored_time(long k) const;
    double floored_wait(long k) const;
    // Sum over the first k iterations of compute_s and memory_s (for power).
    void components(long k, double& compute_s, double& memory_s) const;
    // Largest k <= limit whose iterations all end by `elapsed` seconds.
    long iterations_within(long limit, double elapsed) const;
  };
  // The run's terms: one cost() of its first iteration. A caller that asks
  // about the same run several times (the batcher: plan, progress, energy)
  // keeps them and asks them, which then costs a few flops.
  DecodeTerms decode_terms(const DecodeRun& run) const;
  double decode_run_time(const DecodeRun& run, long k) const { return decode_terms(run).time(k); }
  void decode_run_components(const DecodeRun& run, long k, double& compute_s, double& memory_s) const {
    decode_terms(run).components(k, compute_s, memory_s);
  }
  long decode_iterations_within(const DecodeRun& run, long limit, double elapsed) const {
    return decode_terms(run).iterations_within(limit, elapsed);
  }

  const ModelSpec& model() const { return model_; }
  const HardwareSpec& hardware() const { return hardware_; }
  int tensor_parallel() const { return tp_; }
  double peak_flops() const { return peak_flops_; }

 private:
  // (query, key) pairs attention computes, and KV cells it reads and writes,
  // in an iteration of this shape under the replica's KV layout.
  double attention_pairs(const IterationShape& s) const;
  double kv_cells_moved(const IterationShape& s) const;
  // The pairs attention's kernels compute: an unfused attention (one with
  // score bytes) also computes the pairs above the causal diagonal of each
  // prompt chunk (of the iteration's tokens, under KvLayout::unified) and
  // masks them.
  double computed_pairs(const IterationShape& s) const {
    const double pairs = attention_pairs(s);
    if (score_bytes_per_pair_ <= 0.0) return pairs;
    const double t = s.tokens();
    return pairs + (unified_kv_ ? t * (t - 1.0) / 2.0 : s.prefill_masked_pairs);
  }
  // Attention's bytes in such an iteration of `pairs` computed pairs: the KV
  // cache's, and an unfused kernel's scores (none for a fused one). cost()
  // and decode_terms() both read them here, so their figures agree to the bit.
  double attention_bytes(const IterationShape& s, double pairs) const {
    return kv_bytes_per_token_ * kv_cells_moved(s) + score_bytes_per_pair_ * pairs;
  }

  ModelSpec model_;
  HardwareSpec hardware_;
  int tp_;
  double peak_flops_;        // per device, for the model's compute type
  double flops_per_second_;  // n * peak * eff_c
  double attention_flops_per_second_;  // the same for the KV cache's compute type
  double head_flops_per_second_;       // the output head's: flops_per_second_, or its own type's (ModelSpec::head_dtype)
  // The same two for products of two or more rows, which a stack may run
  // through dot-product instructions (EngineSettings::dot_product_formats).
  double rows_flops_per_second_;
  double head_rows_flops_per_second_;
  double bytes_per_second_;  // n * achieved bandwidth per device
  double kv_bytes_per_second_;  // the same for KV reads and writes (KernelEfficiency::kv)
  // Per-model constants of cost(), computed once: it runs for every plan.
  double flops_per_token_;     // 2 * P_body: the matrices every token multiplies
  double head_flops_per_row_;  // 2 * V * d: the output head, per row that samples
  double flops_per_pair_;      // 4 * L * d_attn
  double kv_bytes_per_token_;
  double body_bytes_;         // the body's weights; a dense model reads them every iteration
  double head_bytes_;           // the output head's, read by every iteration that samples
  // Tokens per weight pass of a dequantizing kernel (EngineSettings::
  // dequant_kernel_rows) when the device cannot multiply the weights' type
  // itself and the model is dense; 0: the weights stream once per iteration.
  double dequant_rows_ = 0.0;
  double head_dequant_rows_ = 0.0;  // the same for the output head, in its own type
  bool mixture_of_experts_;    // reads depend on the tokens routed (ModelSpec::weight_bytes_read)
  double expert_copy_bytes_per_token_ = 0.0;  // a mixture's token copies, per device (§2.2)
  double expert_copy_s_per_token_ = 0.0;      // the same at one device's streaming rate
  bool unified_kv_;            // KvLayout::unified: attention spans every cell of the cache
  // An unfused attention's scores per pair: EngineSettings::
  // attention_score_bytes x heads x layers; 0 for a fused kernel.
  double score_bytes_per_pair_ = 0.0;
  bool paged_kv_;              // KvLayout::per_sequence (or slots of no length): the common case, tested first
  double slot_cells_ = 0.0;    // KvLayout::slots: every slot's cells, which each decode step reads
  double comm_s_per_token_;    // tensor-parallel all-reduce bandwidth term
  double comm_s_fixed_;        // its latency term
  double layer_kernels_s_;     // L * kernels_per_layer * kernel_floor
  double body_floor_s_ = 0.0;  // the layers' matrix products' floors (HardwareSpec::matmul_floor)
  double head_floor_s_ = 0.0;  // the output head's, when an iteration samples
  double thread_sync_s_;       // L * sync_points_per_layer * barrier_time
  IterationOverhead overhead_;  // the stack's, else the hardware's fixed iteration_overhead
  IterationOverhead overlapped_host_;  // the stack's host work beside the device (§2.16); zero for none

  // The matrices' time, matmul_time() of the compute and weight-read terms,
  // depends on the iteration's token count alone, and its two pow() calls
  // were the largest single cost of an iteration: it is computed once per
  // whole token count below kLinearMemoTokens and read back after (the same
  // double, so results are bit for bit those of computing it every time).
  // One model is shared by its pool's replicas on one simulation thread.
  // The output head's matrix is a product of its own, over the rows that
  // sample (ModelSpec::vocab_size): its time is memoized the same way, by
  // rows, in a memo of its own.
  // The hit is inline: two lookups per iteration cost a call each otherwise.
  double matrix_time(std::vector<double>& memo, double rows, double compute_s, double memory_s) const {
    if (rows >= 0.0 && rows < static_cast<double>(memo.size())) {
      const auto k = static_cast<std::size_t>(rows);
      if (static_cast<double>(k) == rows && memo[k] >= 0.0) return memo[k];
    }
    return matrix_time_miss(memo, rows, compute_s, memory_s);
  }
  double matrix_time_miss(std::vector<double>& memo, double rows, double compute_s, double memory_s) const;
  static constexpr std::size_t kLinearMemoTokens = 1u << 16;
  mutable std::vector<double> linear_memo_;  // by tokens; < 0: not computed yet
  mutable std::vector<double> head_memo_;    // by sampling rows; < 0: not computed yet
  // decode_terms() by batch: the terms that do not depend on the context.
  DecodeTerms decode_terms_of(const DecodeRun& run, const IterationShape& first) const;
  struct DecodeMemo {
    DecodeTerms terms;
    bool known = false;
  };
  static constexpr std::size_t kDecodeMemoSeqs = 1u << 16;
  mutable std::vector<DecodeMemo> decode_memo_;
};

// KV-cache capacity of one replica, in tokens and in paged blocks:
//   usable = n * (capacity * memory_fraction - activation_reserve) - weights
struct KvCapacity {
  double usable_bytes = 0.0;
  double weight_bytes = 0.0;
  double kv_bytes = 0.0;
  long blocks = 0;
  long tokens = 0;
};
KvCapacity kv_capacity(const ModelSpec& model, const HardwareSpec& hardware, const EngineSettings& engine);

}  // namespace fleetsim
