#include "fleetsim/core/roofline_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

namespace fleetsim {
namespace {

// Activations exchanged by tensor-parallel all-reduces are 16-bit.
constexpr double kActivationBytes = 2.0;
// Two all-reduces per transformer layer (after attention and after the MLP).
constexpr double kAllReducesPerLayer = 2.0;
// Weight-matrix products per transformer layer as the serving engines run
// them: the fused query-key-value projection, the output projection, the
// fused gate and up projections, the down projection (vLLM's
// QKVParallelLinear and MergedColumnParallelLinear, TensorRT-LLM's fused QKV
// and gated MLP, fleetsim's own GPU script). A mixture's fused expert kernels
// count as the last two.
constexpr double kMatrixProductsPerLayer = 4.0;

// Sum of (a + b*j) for j in [j0, j1).
double sum_linear(double a, double b, long j0, long j1) {
  if (j1 <= j0) return 0.0;
  const double n = static_cast<double>(j1 - j0);
  return n * a + b * n * (static_cast<double>(j0) + static_cast<double>(j1) - 1.0) / 2.0;
}

// A stack's factor for a weight format's CPU kernels (format_efficiency,
// format_core_bandwidth): 1 for a format it does not list.
double format_factor(const std::map<std::string, double>& factors, const std::string& format) {
  const auto it = factors.find(format);
  return it != factors.end() ? it->second : 1.0;
}

}  // namespace

double matmul_time(double compute_s, double memory_s, double knee) {
  const double high = std::max(compute_s, memory_s);
  if (knee <= 0.0 || high <= 0.0) return high;
  // Written around the larger term so that a large knee cannot overflow.
  const double low = std::min(compute_s, memory_s);
  return high * std::pow(1.0 + std::pow(low / high, knee), 1.0 / knee);
}

int replicas_per_device(const HardwareSpec& hardware, const EngineSettings& engine) {
  const int tp = std::max(1, engine.tensor_parallel);
  if (hardware.kind != DeviceKind::cpu || engine.replicas_per_node <= 0 || hardware.devices <= 0) return 1;
  return std::max(1, engine.replicas_per_node * tp / hardware.devices);
}

DeviceShare device_share(const HardwareSpec& hardware, const EngineSettings& engine,
                         const std::string& weight_format) {
  DeviceShare share;
  const double socket = hardware.memory_bandwidth_bps * hardware.memory_efficiency;
  share.achieved_bandwidth_bps = socket;
  const double cores = hardware.cores_per_device;
  if (hardware.kind != DeviceKind::cpu || cores <= 0) return share;
  const double tp = std::max(1, engine.tensor_parallel);
  const double threads = engine.threads > 0 ? std::min(cores, engine.threads / tp) : cores;
  share.cores = threads;
  // Amdahl: of one thread's time t on the math, a share s runs on one
  // thread while the others wait, so the replica's N = threads * tp threads
  // take t * (s + (1 - s) / N), a speed-up of N / (1 + s (N - 1)) over one.
  // The chip scales the stack's serial share (HardwareSpec::serial_fraction_scale).
  const double all_threads = threads * tp;
  const double serial = engine.serial_fraction * hardware.serial_fraction_scale;
  share.compute_fraction = threads / cores / (1.0 + serial * (all_threads - 1.0));
  if (hardware.core_bandwidth_bps <= 0) {
    share.achieved_bandwidth_bps = socket * threads / cores;
  } else {
    // A smooth minimum of what the cores reach and what the socket gives,
    // (a^-p + b^-p)^(-1/p), written around the smaller so it cannot overflow.
    // Replicas sharing the socket stream at once when all are busy: each
    // gets at most its part of what the socket gives.
    // What one core pulls is set by its kernel's loads in flight, so a
    // stack's kernel for a format can stream faster or slower per core.
    const double per_core = hardware.core_bandwidth_bps * format_factor(engine.format_core_bandwidth, weight_format);
    const double p = hardware.bandwidth_knee;
    const double reach = threads * per_core;
    const double part = socket / replicas_per_device(hardware, engine);
    const double low = std::min(reach, part), high = std::max(reach, part);
    share.achieved_bandwidth_bps = low * std::pow(1.0 + std::pow(low / high, p), -1.0 / p);
  }
  return share;
}

double barrier_time(const HardwareSpec& hardware, const EngineSettings& engine) {
  if (hardware.kind != DeviceKind::cpu || hardware.core_to_core_latency_s <= 0) return 0.0;
  const int sockets = std::max(1, engine.tensor_parallel);
  const double threads = device_share(hardware, engine).cores * sockets;
  if (threads < 2) return 0.0;
  // Spread over s sockets, a line's next holder is on another socket for
  // (s - 1) / s of the transfers.
  const double across = hardware.socket_to_socket_latency_s > 0 ? hardware.socket_to_socket_latency_s
                                                                 : hardware.core_to_core_latency_s;
  const double crossing = (sockets - 1.0) / sockets;
  const double line = hardware.core_to_core_latency_s * (1.0 - crossing) + across * crossing;
  return (threads + 1.0) * line;
}

RooflineModel::RooflineModel(const ModelSpec& model, const HardwareSpec& hardware,
                             const EngineSettings& engine)
    : model_(model), hardware_(hardware), tp_(std::max(1, engine.tensor_parallel)) {
  const DeviceShare share = device_share(hardware_, engine, model_.weight_format);
  // What a replica's devices reach on matrix units of a given peak: their
  // share of the cores at the class's compute efficiency, times the share of
  // it the stack's kernels reach, never more than the peak (KernelEfficiency).
  const double compute_efficiency = std::min(1.0, hardware_.compute_efficiency * engine.kernel_efficiency.compute);
  const auto rate = [&](double peak) { return tp_ * peak * share.compute_fraction * compute_efficiency; };
  peak_flops_ = hardware_.peak_flops_for(compute_type_for(model_.weight_dtype)).value_or(0.0);
  // A CPU stack's matrix kernels differ by weight format more than by chip
  // (§2.10); attention keeps the hardware's rate.
  const auto kernel_factor = [&](const std::string& format) {
    return hardware_.kind == DeviceKind::cpu ? format_factor(engine.format_efficiency, format) : 1.0;
  };
  flops_per_second_ = rate(peak_flops_) * kernel_factor(model_.weight_format);
  // A stack that multiplies a format's rows through the core's int8 dot
  // products instead of its matrix instructions reaches the hardware's
  // int8_dot_share of the int8 peak in products of two or more rows (§2.10).
  // One row is a dot product in every build, and the fitted decode figures
  // carry what it reaches: it keeps the class's rate.
  const auto dot_share = [&](const std::string& format, DataType compute) {
    const auto& listed = engine.dot_product_formats;
    const bool dot = hardware_.kind == DeviceKind::cpu && compute == DataType::int8 &&
                     std::find(listed.begin(), listed.end(), format) != listed.end();
    return dot ? hardware_.int8_dot_share : 1.0;
  };
  rows_flops_per_second_ = flops_per_second_ * dot_share(model_.weight_format, compute_type_for(model_.weight_dtype));
  // Attention multiplies queries by cached keys and values: it runs in the
  // KV cache's type (FP8 attention for an FP8 cache, else 16-bit), or in the
  // weights' type on a device that lists no peak for the cache's.
  const double attention_peak = hardware_.peak_flops_for(compute_type_for(model_.kv_dtype)).value_or(peak_flops_);
  attention_flops_per_second_ = rate(attention_peak);
  // A CPU stack may give its attention kernels' own rate per core and cycle:
  // llama.cpp's f16 products of queries with cached keys and values reach
  // about the same FLOP per cycle on cores with two or four vector pipes
  // (§2.14). The replica's share of the cores and Amdahl's serial fraction
  // apply as to the matrices; never more than the peak.
  if (hardware_.kind == DeviceKind::cpu && engine.attention_flops_per_cycle > 0.0 && hardware_.clock_hz > 0.0 &&
      hardware_.cores_per_device > 0) {
    const double per_device = hardware_.cores_per_device * hardware_.clock_hz * engine.attention_flops_per_cycle;
    attention_flops_per_second_ = tp_ * std::min(per_device, attention_peak) * share.compute_fraction;
  }
  // What the devices stream at a stack's share of their achieved bandwidth,
  // never more than the peak; attention's cache traffic at its own share
  // beside the weights' (§2.12).
  const auto stream = [&](double kernel_share) {
    return tp_ * std::min(share.achieved_bandwidth_bps * kernel_share, hardware_.memory_bandwidth_bps);
  };
  bytes_per_second_ = stream(engine.kernel_efficiency.memory);
  kv_bytes_per_second_ = stream(engine.kernel_efficiency.memory * engine.kernel_efficiency.kv);
  overhead_ = engine.overhead.value_or(IterationOverhead{hardware_.iteration_overhead_s, 0.0, 0.0});
  overlapped_host_ = engine.overlapped_host;
  flops_per_token_ = 2.0 * model_.body_params_active();
  head_flops_per_row_ = 2.0 * model_.head_params();
  flops_per_pair_ = 4.0 * model_.layers * model_.attention_width();
  kv_bytes_per_token_ = model_.kv_bytes_per_token();
  body_bytes_ = model_.body_bytes_read(1.0);  // a dense model's body: all of it, whatever the tokens
  head_bytes_ = model_.head_bytes();
  mixture_of_experts_ = model_.routed_expert_params() > 0.0;
  // A device without matrix units for the weights' type runs the stack's
  // dequantizing kernel, which widens a tile of weights in registers for a
  // fixed number of activation rows and streams the weights again for the
  // next rows (§2.11). An expert's rows are its routed tokens, not the
  // iteration's, which this term does not follow: mixtures keep one pass.
  const auto dequant_rows_for = [&](DataType compute) {
    const bool widened = engine.dequant_kernel_rows > 0 && !mixture_of_experts_ && !hardware_.has_matrix_units_for(compute);
    return widened ? static_cast<double>(engine.dequant_kernel_rows) : 0.0;
  };
  dequant_rows_ = dequant_rows_for(compute_type_for(model_.weight_dtype));
  // An output head stored apart from the layers (ModelSpec::vocab_dtype,
  // ModelSpec::head_storage) runs as a matrix of its own type: that type's
  // peak, the kernel of its own format where the stack lists one (not the
  // layers'), and a dequantizing pass only where the device lacks its units.
  head_flops_per_second_ = flops_per_second_;
  head_rows_flops_per_second_ = rows_flops_per_second_;
  head_dequant_rows_ = dequant_rows_;
  if (const auto stored = model_.head_dtype()) {
    const DataType head_type = compute_type_for(*stored);
    head_flops_per_second_ = rate(hardware_.peak_flops_for(head_type).value_or(peak_flops_)) *
                             (model_.head_storage ? kernel_factor(model_.head_storage->format) : 1.0);
    head_rows_flops_per_second_ =
        head_flops_per_second_ * (model_.head_storage ? dot_share(model_.head_storage->format, head_type) : 1.0);
    head_dequant_rows_ = dequant_rows_for(head_type);
  }
  unified_kv_ = engine.kv_layout == KvLayout::unified;
  if (engine.kv_layout == KvLayout::slots)
    slot_cells_ = static_cast<double>(engine.max_batch_size) * static_cast<double>(engine.kv_slot_tokens);
  paged_kv_ = !unified_kv_ && slot_cells_ <= 0.0;
  // An attention that is not one fused kernel writes every score of every
  // head to memory and reads it back, through the softmax and into the
  // second product (§2.15).
  score_bytes_per_pair_ = engine.attention_score_bytes * model_.attention_heads * model_.layers;
  // Every device of a tensor-parallel replica runs every layer's kernels.
  layer_kernels_s_ = model_.layers * engine.kernels_per_layer * hardware_.kernel_floor_s;
  // A mixture's expert layer copies each token's activations to its k
  // experts and sums their k outputs back, in kernels of their own that
  // stream and do no math (§2.2). Every device of a tensor-parallel replica
  // holds a slice of every expert and so copies every token whole: the
  // copies do not shrink with the degree as the weights do.
  expert_copy_bytes_per_token_ = engine.expert_token_passes * model_.expert_row_elements_per_token() * kActivationBytes;
  if (expert_copy_bytes_per_token_ > 0.0 && bytes_per_second_ > 0.0)
    expert_copy_s_per_token_ = expert_copy_bytes_per_token_ * tp_ / bytes_per_second_;
  // Each weight-matrix product's floor (§2.13), on every device, for its
  // share of the matrix: the whole floor from matmul_floor_bytes up, in
  // proportion below. The body's products are taken at their mean size.
  const auto product_floor = [&](double bytes_per_device) {
    const double whole = hardware_.matmul_floor_s, from = hardware_.matmul_floor_bytes;
    return from > 0.0 && bytes_per_device < from ? whole * bytes_per_device / from : whole;
  };
  const double products = kMatrixProductsPerLayer * model_.layers;
  if (hardware_.matmul_floor_s > 0.0 && products > 0.0) {
    body_floor_s_ = products * product_floor(body_bytes_ / (products * tp_));
    if (head_bytes_ > 0.0) head_floor_s_ = product_floor(head_bytes_ / tp_);
  }
  thread_sync_s_ = model_.layers * engine.sync_points_per_layer * barrier_time(hardware_, engine);
  comm_s_per_token_ = 0.0;
  comm_s_fixed_ = 0.0;
  if (tp_ > 1) {
    // Per all-reduce, a ring moves 2(n-1)/n of the message per device in 2(n-1) steps.
    const double n = tp_;
    const double all_reduces = model_.layers * kAllReducesPerLayer;
    comm_s_per_token_ = all_reduces * 2.0 * (n - 1.0) / n * model_.hidden_size * kActivationBytes /
                        (hardware_.interconnect_bandwidth_for_group(tp_) * hardware_.interconnect_efficiency);
    comm_s_fixed_ = all_reduces * 2.0 * (n - 1.0) * hardware_.interconnect_latency_s;
  }
}

double RooflineModel::attention_pairs(const IterationShape& s) const {
  if (paged_kv_) return s.decode_context + s.decode_seqs + s.prefill_attention_pairs;
  // Fixed slots: a decode step attends over every slot's whole cache.
  if (!unified_kv_) return (s.decode_seqs > 0.0 ? slot_cells_ : 0.0) + s.prefill_attention_pairs;
  // One buffer for every sequence: the iteration's T new tokens attend as
  // one sequence would after the C cells already cached, T*C + T(T+1)/2
  // pairs, the other sequences' cells masked out after being computed.
  const double t = s.tokens();
  return t * s.cache_cells + t * (t + 1.0) / 2.0;
}

double RooflineModel::kv_cells_moved(const IterationShape& s) const {
  // Per sequence: each attending sequence reads its own cells. Unified:
  // the kernels read the whole used buffer once.
  double read;
  if (paged_kv_)
    read = s.decode_context + s.prefill_context;
  else if (unified_kv_)
    read = s.cache_cells;
  else  // fixed slots: a decode step reads every slot's whole cache, used or not
    read = (s.decode_seqs > 0.0 ? slot_cells_ : 0.0) + s.prefill_context;
  return read + s.tokens();  // and write the new tokens' keys and values
}

IterationCost RooflineModel::cost(const IterationShape& s) const {
  IterationCost c;
  const double tokens = s.tokens();
  const double linear_flops = flops_per_token_ * tokens;
  const double pairs = computed_pairs(s);
  const double attention_flops = flops_per_pair_ * pairs;
  double weights = mixture_of_experts_ ? model_.body_bytes_read(tokens) : body_bytes_;
  if (dequant_rows_ > 0.0 && tokens > dequant_rows_) weights *= std::ceil(tokens / dequant_rows_);
  const double attention_traffic = attention_bytes(s, pairs);  // the KV cache's, and an unfused kernel's scores
  const double body_compute_s = linear_flops / (tokens >= 2.0 ? rows_flops_per_second_ : flops_per_second_);
  const double body_memory_s = weights / bytes_per_second_;
  c.linear_s = matrix_time(linear_memo_, tokens, body_compute_s, body_memory_s);
  double floors = tokens > 0.0 ? body_floor_s_ : 0.0;
  double head_flops = 0.0, head_weights = 0.0, head_compute_s = 0.0;
  if (head_bytes_ > 0.0) {
    // The head multiplies only the rows that sample a token (every decode
    // sequence, each prompt's last chunk), and only then is it read.
    const double rows = s.output_tokens();
    const double head_rate = rows >= 2.0 ? head_rows_flops_per_second_ : head_flops_per_second_;
    head_flops = head_flops_per_row_ * rows;
    head_compute_s = head_flops / head_rate;
    head_weights = rows > 0.0 ? head_bytes_ : 0.0;
    if (head_dequant_rows_ > 0.0 && rows > head_dequant_rows_) head_weights *= std::ceil(rows / head_dequant_rows_);
    c.linear_s += matrix_time(head_memo_, rows, head_compute_s, head_weights / bytes_per_second_);
    if (rows > 0.0) floors += head_floor_s_;
  }
  c.linear_s += floors;
  c.flops = linear_flops + head_flops + attention_flops;
  c.bytes = weights + head_weights + attention_traffic;
  c.linear_compute_s = body_compute_s + head_compute_s;
  // A product's floor is time its kernel runs on the device, streaming
  // below its rate: power counts it with the streaming (§2.13).
  c.linear_memory_s = body_memory_s + head_weights / bytes_per_second_ + floors;
  if (expert_copy_s_per_token_ > 0.0 && tokens > 0.0) {
    // A mixture's token copies (§2.2): streaming kernels between the products.
    const double copies_s = expert_copy_s_per_token_ * tokens;
    c.linear_s += copies_s;
    c.linear_memory_s += copies_s;
    c.bytes += expert_copy_bytes_per_token_ * tokens * tp_;
  }
  c.attention_compute_s = attention_flops / attention_flops_per_second_;
  c.attention_memory_s = attention_traffic / kv_bytes_per_second_;
  c.compute_s = c.linear_compute_s + c.attention_compute_s;
  c.memory_s = c.linear_memory_s + c.attention_memory_s;
  if (tp_ > 1 && tokens > 0) c.comm_s = comm_s_per_token_ * tokens + comm_s_fixed_;
  c.overhead_s = overhead_.time_s(s.sequences(), s.output_tokens());
  c.overlapped_host_s = overlapped_host_.time_s(s.sequences(), s.output_tokens());  // 0 without such a loop
  if (tokens > 0) {
    c.layer_kernels_s = layer_kernels_s_;
    c.thread_sync_s = thread_sync_s_;
  }
  return c;
}

double RooflineModel::matrix_time_miss(std::vector<double>& memo, double rows, double compute_s,
                                       double memory_s) const {
  const auto k = static_cast<std::size_t>(rows);
  if (!(rows >= 0.0) || static_cast<double>(k) != rows || k >= kLinearMemoTokens)
    return matmul_time(compute_s, memory_s, hardware_.matmul_knee);
  if (k >= memo.size()) memo.resize(std::min(kLinearMemoTokens, std::max(2 * k, k + 64)), -1.0);
  double& t = memo[k];
  if (t < 0.0) t = matmul_time(compute_s, memory_s, hardware_.matmul_knee);
  return t;
}

RooflineModel::DecodeTerms RooflineModel::decode_terms(const DecodeRun& run) const {
  IterationShape first;
  first.decode_seqs = run.seqs;
  first.decode_context = run.context;
  first.cache_cells = run.context;  // every running sequence decodes
  // Only attention's two terms at j = 0 depend on the context; the rest is
  // the same for every run of as many sequences, and a replica asks for a
  // run at every plan. So the rest is kept by batch, and attention's terms
  // come from the same expressions as cost()'s, to the same bits.
  const auto seqs = static_cast<std::size_t>(run.seqs);
  if (!(run.seqs >= 0.0) || static_cast<double>(seqs) != run.seqs || seqs >= kDecodeMemoSeqs)
    return decode_terms_of(run, first);
  if (seqs >= decode_memo_.size()) decode_memo_.resize(std::min(kDecodeMemoSeqs, std::max(2 * seqs, seqs + 64)));
  DecodeMemo& memo = decode_memo_[seqs];
  if (!memo.known) {
    memo.terms = decode_terms_of(run, first);
    memo.known = true;
  }
  DecodeTerms t = memo.terms;
  const double pairs = computed_pairs(first);
  t.a_c = flops_per_pair_ * pairs / attention_flops_per_second_;
  t.a_m = attention_bytes(first, pairs) / kv_bytes_per_second_;
  return t;
}

RooflineModel::DecodeTerms RooflineModel::decode_terms_of(const DecodeRun& run, const IterationShape& first) const {
  const IterationCost c0 = cost(first);
  DecodeTerms t;
  t.linear_compute = c0.linear_compute_s;
  t.linear_memory = c0.linear_memory_s;
  t.linear = c0.linear_s;
  // Each iteration adds `seqs` tokens of context: attention FLOPs and KV
  // bytes read grow; the matrices do not change.
  t.a_c = c0.attention_compute_s;
  // Per sequence, the pairs grow by one per sequence; unified, each of the
  // B tokens sees B more cells every iteration.
  t.b_c = flops_per_pair_ * run.seqs * (unified_kv_ ? run.seqs : 1.0) / attention_flops_per_second_;
  t.a_m = c0.attention_memory_s;
  t.b_m = kv_bytes_per_token_ * run.seqs / kv_bytes_per_second_;
  // An unfused attention's scores grow with its pairs (§2.15).
  if (score_bytes_per_pair_ > 0.0)
    t.b_m += score_bytes_per_pair_ * run.seqs * (unified_kv_ ? run.seqs : 1.0) / kv_bytes_per_second_;
  if (slot_cells_ > 0.0) t.b_c = t.b_m = 0.0;  // fixed slots: the same cells every step
  // The overhead's per-sequence and per-token terms are constant at a fixed batch.
  t.fixed = c0.comm_s + c0.overhead_s + c0.layer_kernels_s + c0.thread_sync_s;
  t.overhead = c0.overhead_s;
  // The host's work for a step of `seqs` sequences is the same every step.
  if (c0.overlapped_host_s > 0.0) t.floor = c0.overlapped_host_s + c0.overhead_s;
  return t;
}

// sum over j < k of max(c_j, floor) = device_time(k) + sum over the
// floored j of (floor - c_j); the floored iterations come first (c_j grows
// with j), so that sum, the wait, is floor * n - device_time(n).
double RooflineModel::DecodeTerms::floored_time(long k) const { return device_time(k) + floored_wait(k); }

double RooflineModel::DecodeTerms::floored_wait(long k) const {
  if (k <= 0) return 0.0;
  const long n = floored_iterations(k);
  return n > 0 ? floor * static_cast<double>(n) - device_time(n) : 0.0;
}

long RooflineModel::DecodeTerms::floored_iterations(long k) const {
  if (floor <= 0.0 || k <= 0) return 0;
  // c_j < floor exactly when both attention sides stay below x = floor -
  // (linear + fixed); a side a + b j reaches x at j = ceil((x - a) / b).
  const double x = floor - (linear + fixed);
  const auto below = [&](double a, double b) -> double {
    if (a >= x) return 0.0;
    if (b <= 0.0) return static_cast<double>(k);
    return std::ceil((x - a) / b);
  };
  const double n = std::min({below(a_c, b_c), below(a_m, b_m), static_cast<double>(k)});
  return n > 0.0 ? static_cast<long>(n) : 0;
}

double RooflineModel::DecodeTerms::device_time(long k) const {
  if (k <= 0) return 0.0;
  const DecodeTerms& t = *this;
  // attention compute_j - memory_j = (a_c - a_m) + (b_c - b_m) j changes sign at most once.
  const double da = t.a_c - t.a_m, db = t.b_c - t.b_m;
  long split = k;  // iterations [0, split) use the side that wins at j = 0
  if (db != 0.0) {
    const double crossing = -da / db;
    if (crossing > 0.0 && crossing < static_cast<double>(k))
      split = static_cast<long>(std::ceil(crossing));
  }
  const bool compute_first = compute_leads();
  double attention;
  if (compute_first)
    attention = sum_linear(t.a_c, t.b_c, 0, split) + sum_linear(t.a_m, t.b_m, split, k);
  else
    attention = sum_linear(t.a_m, t.b_m, 0, split) + sum_linear(t.a_c, t.b_c, split, k);
  return attention + (t.linear + t.fixed) * static_cast<double>(k);
}

void RooflineModel::DecodeTerms::components(long k, double& compute_s, double& memory_s) const {
  const DecodeTerms& t = *this;
  const double n = static_cast<double>(std::max(0L, k));
  compute_s = t.linear_compute * n + sum_linear(t.a_c, t.b_c, 0, k);
  memory_s = t.linear_memory * n + sum_linear(t.a_m, t.b_m, 0, k);
}

long RooflineModel::DecodeTerms::iterations_within(long limit, double elapsed) const {
  if (limit <= 0 || time(1) > elapsed) return 0;
  // A guess from the attention side that leads at j = 0 alone: with c the
  // first iteration's time on that side and b its growth per iteration,
  // T(k) = c k + b k (k - 1) / 2 is at most the real time, so the guess is at
  // or past the answer; a gallop from it then brackets the answer, and the
  // bisection below finds exactly what a bisection over [0, limit] would, in
  // a few calls of time().
  const bool compute_first = compute_leads();
  const double c = linear + fixed + (compute_first ? a_c : a_m), b = compute_first ? b_c : b_m;
  const double p = c - b / 2.0;
  double guess = b > 0.0 ? (std::sqrt(p * p + 2.0 * b * elapsed) - p) / b : (c > 0.0 ? elapsed / c : 1e300);
  // Every iteration also lasts at least the floor: T(k) >= floor k.
  if (floor > 0.0) guess = std::min(guess, elapsed / floor);
  long k = 1;  // also when the guess is not a number
  if (guess >= static_cast<double>(limit))
    k = limit;
  else if (guess > 1.0)
    k = static_cast<long>(guess);
  long lo, hi;  // invariant: time(lo) <= elapsed, and time(hi + 1) > elapsed or hi == limit
  if (time(k) <= elapsed) {
    lo = k;
    long step = 1;
    while (lo + step <= limit && time(lo + step) <= elapsed) {
      lo += step;
      step *= 2;
    }
    hi = std::min(limit, lo + step - 1);
  } else {
    hi = k - 1;
    long step = 1;
    while (hi - step >= 1 && time(hi - step + 1) > elapsed) {
      hi -= step;
      step *= 2;
    }
    lo = std::max(1L, hi - step + 1);
  }
  while (lo < hi) {
    const long mid = lo + (hi - lo + 1) / 2;
    if (time(mid) <= elapsed)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

KvCapacity kv_capacity(const ModelSpec& model, const HardwareSpec& hardware, const EngineSettings& engine) {
  KvCapacity k;
  const double n = std::max(1, engine.tensor_parallel);
  // Replicas sharing a socket each hold their own weights in its memory.
  const double device_bytes = hardware.memory_capacity_bytes / replicas_per_device(hardware, engine);
  k.usable_bytes = n * (device_bytes * engine.memory_fraction - engine.activation_reserve_bytes);
  k.weight_bytes = model.weight_bytes();
  k.kv_bytes = std::max(0.0, k.usable_bytes - k.weight_bytes);
  const double block_bytes = model.kv_bytes_per_token() * engine.kv_block_tokens;
  k.blocks = block_bytes > 0 ? static_cast<long>(std::floor(k.kv_bytes / block_bytes)) : 0;
  k.tokens = k.blocks * engine.kv_block_tokens;
  return k;
}

}  // namespace fleetsim
