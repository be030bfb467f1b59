// A validated scenario: everything one simulation run needs, resolved against
// the catalog and in SI base units. ScenarioLoader builds it from YAML; the
// engine and the report read it and never see the file.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/autoscale_spec.hpp"
#include "fleetsim/core/failure_spec.hpp"
#include "fleetsim/core/carbon.hpp"
#include "fleetsim/core/step_series.hpp"
#include "fleetsim/core/distribution.hpp"
#include "fleetsim/core/hardware.hpp"
#include "fleetsim/core/iteration_overhead.hpp"
#include "fleetsim/core/model_evidence.hpp"
#include "fleetsim/core/model_spec.hpp"
#include "fleetsim/core/power_cap_spec.hpp"
#include "fleetsim/core/network_spec.hpp"
#include "fleetsim/core/request_path.hpp"
#include "fleetsim/core/request_trace.hpp"

namespace fleetsim {

// How a replica's KV cache is laid out for attention (docs/performance-model.md,
// "The KV cache's layout").
enum class KvLayout {
  per_sequence,  // every sequence attends over its own cells only (paged attention)
  unified,       // one buffer for all sequences: every token's attention spans every
                 // used cell, the other sequences' masked out (llama.cpp before 2025-07)
  slots,         // a fixed cache of kv_slot_tokens per decode slot (max_batch_size of
                 // them), every slot's whole cache read and attended by each decode
                 // step, used or not (JetStream's fixed-shape generate step)
};

// How much of the hardware's calibrated rates a serving stack's kernels
// reach: the hardware entry's efficiency.memory and efficiency.compute are
// fitted per device class on the runs of the stacks that fix its group, and
// another stack's decode and matrix kernels can reach less (an eager PyTorch
// loop's unfused kernels) or more. Each multiplies its efficiency; the
// product stops at the device's peak. 1: the hardware's own figures.
struct KernelEfficiency {
  double memory = 1.0;
  double compute = 1.0;
  // KV reads and writes (attention's cache traffic) beside `memory`: a
  // paged-attention kernel gathers blocks where a matrix kernel streams one
  // contiguous tensor, and reaches another share of the bandwidth.
  double kv = 1.0;
  bool operator==(const KernelEfficiency&) const = default;
};

struct EngineSettings {
  int tensor_parallel = 1;    // devices per replica
  // CPU only: cores a replica runs on (llama.cpp's --threads), spread evenly
  // over its devices; 0 means every core of its devices.
  int threads = 0;
  int replicas_per_node = 0;  // 0: devices / tensor_parallel
  int max_batch_size = 256;   // running sequences per replica
  int max_batched_tokens = 8192;  // tokens (prefill + decode) per iteration
  bool chunked_prefill = true;
  // Without chunked prefill: whether whole prompts join the decoding
  // sequences' iteration (TensorRT-LLM's in-flight batching, first come first
  // served while the token budget holds them) or run in iterations of their
  // own while the decoding sequences wait (vLLM v0, SGLang). Chunked prefill
  // always mixes (docs/performance-model.md, "3. Continuous batching").
  bool mixed_batches = false;
  // Decode iterations between two runs of the scheduler (vLLM's
  // --num-scheduler-steps): a call that arrives while a batch decodes waits
  // for the end of the batch's window of this many iterations before it is
  // admitted (docs/performance-model.md, "Multi-step scheduling"). 1: the
  // scheduler runs before every iteration.
  int scheduler_steps = 1;
  // Fraction of the replica's device memory the engine may use for weights,
  // activations and KV cache (vLLM's gpu_memory_utilization).
  double memory_fraction = 0.9;
  // Memory per device held back for activations and runtime buffers.
  double activation_reserve_bytes = 0.0;
  int kv_block_tokens = 16;  // paged-attention block size
  // Beside the scalars above, which a replica reads every plan.
  KvLayout kv_layout = KvLayout::per_sequence;
  // What a replica keeps of a session's KV cache when its call ends, and when
  // a waiting call may join the batch (docs/performance-model.md, §3): names
  // in the KV policy registries (kv_policy.hpp).
  std::string kv_retention = "lru";
  std::string kv_admission = "on_demand";
  long kv_slot_tokens = 0;  // KvLayout::slots: the cache length of each slot
  double kv_ttl_s = 0.0;
  // Tiers of the node's `kv_tiers` that hold caches evicted from device
  // memory, in the order a cache moves down (docs/performance-model.md, "KV
  // tiers below device memory"). Empty: a cache leaving device memory is
  // dropped, as before tiers existed.
  struct KvTierUse {
    std::string tier;  // a name in HardwareSpec::kv_tiers, or a remote store's name
    double ttl_s = std::numeric_limits<double>::infinity();  // time a cache may stay in the tier
    // A remote KV store (`{store: NAME}`, last in the list): its index in
    // Scenario::kv_stores once resolved; -1 for the node's own tiers.
    bool remote_store = false;
    int store = -1;
  };
  std::vector<KvTierUse> kv_tiers;
  // The serving stack the pool names (src/catalog/stacks.yaml); empty when
  // none. `overhead` is the stack's host cost per iteration; nullopt means
  // the hardware's iteration_overhead alone, as before stacks existed.
  std::string stack;
  std::optional<IterationOverhead> overhead;
  // An overlap scheduler's host work per iteration: the scheduling, input
  // preparation and result handling that run on the host while the device
  // computes the iteration before, so an iteration lasts at least this long
  // (docs/performance-model.md, "A host loop beside the device"). All zero
  // (the default): the host keeps ahead of the device, or the stack's host
  // work is all in `overhead`, on the critical path.
  IterationOverhead overlapped_host;
  // The stack's request path before the engine (HTTP, tokenization); none
  // unless the stack or the pool prices one.
  RequestPath request_path;
  // Kernels per transformer layer that do no matrix or attention work
  // (normalization, rotary embedding, activation, residual adds, cache
  // writes): each costs the hardware's kernel_floor, whatever its size. 0
  // where a calibrated efficiency already holds them (every stack but one
  // that names its count).
  double kernels_per_layer = 0.0;
  // CPU only: points per transformer layer where all the replica's threads
  // wait for each other (ggml's barrier after every graph node); each costs
  // a barrier over the threads priced from the hardware's core-to-core
  // latency (docs/performance-model.md, "Thread barriers on CPUs"). 0 for
  // stacks whose synchronization the calibrated efficiencies hold.
  double sync_points_per_layer = 0.0;
  // CPU only: the share of an iteration's math that does not spread over
  // the replica's threads (Amdahl's serial fraction): n threads compute
  // n / (1 + serial_fraction * (n - 1)) times one thread's rate
  // (docs/performance-model.md, "Threads that do not all compute"). 0 for
  // stacks that name none.
  double serial_fraction = 0.0;
  // CPU only: the FLOP one core does per cycle in the stack's attention
  // kernels (the products of queries with cached keys and values), which
  // the kernels' instruction stream sets rather than the core's vector
  // width (docs/performance-model.md, "Attention on CPUs"); 0 prices
  // attention at the hardware's peak in the cache's type times its compute
  // efficiency, as the matrices.
  double attention_flops_per_cycle = 0.0;
  // CPU only: how fast the stack's matrix kernels for a weight format run,
  // relative to the hardware's compute efficiency (1 when the format is not
  // listed), keyed by the format's catalog name (ModelSpec::weight_format):
  // llama.cpp's repacked Q4_0 kernels against its dot products, for example
  // (docs/performance-model.md, "Kernels by weight format").
  std::map<std::string, double> format_efficiency;
  // CPU only: how fast one core streams a weight format's bytes in the
  // stack's kernels, relative to the hardware's per-core rate
  // (HardwareSpec::core_bandwidth_bps; 1 when the format is not listed):
  // a kernel's loads, not the memory channels, set what one core pulls
  // (docs/performance-model.md, "CPU threads and bandwidth").
  std::map<std::string, double> format_core_bandwidth;
  // CPU only: the weight formats whose products of two or more rows (a
  // prompt, a decode step of several sequences) the stack's kernels run
  // through the core's dot-product instructions, at the hardware's
  // int8_dot_share of its int8 peak, not through its matrix instructions:
  // llama.cpp's Arm builds of 2024 (docs/performance-model.md, "Kernels by
  // weight format"). A one-row product is priced at the int8 peak whatever
  // the stack: the fitted decode figures carry what its kernel reaches.
  std::vector<std::string> dot_product_formats;
  // Tokens one weight pass of the stack's dequantizing matrix kernel serves,
  // where the device has no matrix units for the weights' type (FP8 weights
  // on an A100 run as 16-bit math on weights dequantized in registers): an
  // iteration of T tokens streams the weights ceil(T / rows) times (vLLM's
  // Marlin kernels run 64 rows per pass; docs/performance-model.md, "Weights
  // the device cannot multiply"). 0: once per iteration, as a native kernel.
  int dequant_kernel_rows = 0;
  // A mixture of experts only: the kernels of an expert layer's own that
  // each move every token's k expert rows and its own row of activations
  // (docs/performance-model.md, "The expert layer's token copies"): the sum
  // of the k expert outputs back into one row, in every engine (1), and
  // TensorRT-LLM's copy of each token to its k experts before the first
  // product (2). Every tensor-parallel device does them whole.
  double expert_token_passes = 1.0;
  // Bytes an attention that is not one fused kernel moves per score, a
  // (query, cached key) pair of one head: it writes the scores of the first
  // product, the softmax reads them and writes the probabilities, and the
  // second product reads those, 8 bytes with 16-bit scores; it also computes
  // the whole rectangle of a prompt's pairs, masking the future instead of
  // skipping it (docs/performance-model.md, "Attention that keeps its
  // scores in memory"). 0 (the default): a fused (flash) kernel keeps its
  // scores on chip.
  double attention_score_bytes = 0.0;
  // The share of the hardware's calibrated rates the stack's kernels reach
  // (docs/performance-model.md, "A stack's kernels"): 1, 1 unless the stack
  // or the pool says otherwise.
  KernelEfficiency kernel_efficiency;
};

// What a pool's replicas do with a call (docs/disaggregation.md): all of it,
// or one phase of prefill/decode disaggregation. A model served by prefill
// pools is prefilled there; its KV cache then moves over the network to a
// replica of a decode pool, which generates the output.
enum class PoolRole : std::uint8_t { unified, prefill, decode };

struct Pool {
  std::string name;
  PoolRole role = PoolRole::unified;
  HardwareSpec hardware;  // resolved copy, overrides applied, at the pool's pstate
  // The frequency state the pool's devices run at (power_state.hpp), one of
  // hardware.pstates; empty: the nominal state, as the entry describes it.
  std::string pstate;
  // The validation suite's evidence for the pool's hardware class and stack
  // (model_evidence.hpp): reported, never an input of the simulation.
  PoolEvidence evidence;
  int count = 0;          // nodes
  // Models served; replica r of a node serves models[r % models.size()].
  std::vector<std::string> models;
  EngineSettings engine;
  // How the nodes are bought (purchase.hpp); on-demand unless the pool says.
  PoolPurchase purchase;
  // Nodes added and removed as the load changes (pool_autoscaler.hpp);
  // absent: `count` nodes for the whole run. With it, `count` nodes serve
  // at the start.
  std::optional<AutoscaleSpec> autoscale;
  // Nodes fail and are repaired during the run (docs/failures.md); none
  // fail without it.
  std::optional<FailureSpec> failures;

  // Nodes that exist in the run: `count`, or the autoscaler's maximum.
  int max_nodes() const { return autoscale ? std::max(count, autoscale->max_nodes) : count; }

  bool serves(const std::string& model) const {
    return std::find(models.begin(), models.end(), model) != models.end();
  }

  int replicas_per_node() const {
    return engine.replicas_per_node > 0 ? engine.replicas_per_node
                                        : hardware.devices / engine.tensor_parallel;
  }
  // The Scenario::kv_stores index of the remote store the engine names; -1: none.
  int kv_store() const {
    return !engine.kv_tiers.empty() && engine.kv_tiers.back().remote_store ? engine.kv_tiers.back().store : -1;
  }
};

// The network bandwidth one replica of the pool can send or receive at
// (docs/disaggregation.md): a GPU node's NICs sit beside its devices, so a
// replica has its devices' share of them; a CPU node's sockets share one NIC.
inline double replica_network_bps(const Pool& pool) {
  return pool.hardware.kind == DeviceKind::cpu ? pool.hardware.network_bandwidth_bps
                                               : pool.hardware.network_bandwidth_bps / pool.replicas_per_node();
}

// A pool of CPU nodes that runs tool calls (sandboxes, code execution,
// retrieval, the agent harness): the CPU work of agents, which model pools do
// not see. A tool step that names the pool holds cores and memory of one node
// for its duration (tool_pool.hpp); docs/scenario-format.md, "tool_pools".
// How a tool pool's node shares its cores among its calls.
enum class ToolDiscipline : std::uint8_t {
  fifo,               // a call holds its cores; one that does not fit waits, first come first served
  processor_sharing,  // every call runs at once; oversubscribed cores slow all of them alike
};

struct ToolPoolSpec {
  std::string name;
  HardwareSpec hardware;  // a CPU node type, resolved copy
  int count = 0;          // nodes
  // Speed of one core relative to the reference core a tool step's `work` is
  // measured on: a call of work w runs w / core_speed seconds.
  double core_speed = 1.0;
  ToolDiscipline discipline = ToolDiscipline::fifo;
  // Nodes that fail and come back (docs/failures.md, "Tool pools"): whole
  // nodes, without notice. Empty: they never fail.
  std::optional<FailureSpec> failures;

  int cores_per_node() const { return hardware.devices * hardware.cores_per_device; }
  double memory_per_node_bytes() const { return hardware.devices * hardware.memory_capacity_bytes; }
};

// A remote KV store (kv_store.hpp; docs/performance-model.md, "A remote KV
// store"): nodes of the fleet, for example memory-optimized CPU instances,
// whose memory holds the session caches the replicas of the pools naming it
// let go of. Its nodes are priced and powered like a tool pool's.
struct KvStoreSpec {
  std::string name;
  HardwareSpec hardware;             // a CPU node type, resolved copy
  int count = 0;                     // nodes
  double memory_per_node_bytes = 0;  // of each node's memory, what holds KV caches

  double capacity_bytes() const { return count * memory_per_node_bytes; }
};

struct Route {
  std::string model;
  std::vector<std::string> pools;  // candidate pools, in preference order
  // The routing policy's registered name (routing_policy.hpp); the reader
  // accepts only registered names.
  std::string policy = "least_outstanding";
  // session_affinity: stay on the replica holding the session's KV while its
  // waiting queue is shorter than this; otherwise fall back to least outstanding.
  int affinity_max_queue = 8;
  // Send a call to `overflow_pool` when the replica chosen above has at least
  // `overflow_queue_threshold` waiting calls. Empty: no overflow.
  std::string overflow_pool;
  int overflow_queue_threshold = 0;
  // A disaggregated route: a call that adds at most this many tokens to its
  // session's context is prefilled by its decode replica itself, the rest on
  // a prefill pool (conditional disaggregation, docs/disaggregation.md).
  // -1: every call goes through a prefill pool.
  long prefill_above = -1;
};

struct ArrivalProcess {
  // trace: the sessions of a recorded trace, which also gives their calls.
  enum class Kind { poisson, constant, piecewise, diurnal, trace };
  Kind kind = Kind::poisson;
  double rate_per_s = 0.0;  // poisson, constant; diurnal: mean rate
  // piecewise: Poisson at `rate_per_s` from `start_s` until the next piece.
  struct Piece {
    double start_s = 0.0;
    double rate_per_s = 0.0;
  };
  std::vector<Piece> pieces;
  // diurnal: rate(t) = rate * (1 + amplitude * cos(2 pi (t - peak_s) / period_s))
  //                    * weekly[day of t] * (1 + growth_per_week)^(t / 1 week)
  double amplitude = 0.0;
  double period_s = 86400.0;
  double peak_s = 0.0;
  // Relative rate of each day of the week, day 0 starting at t = 0, scaled
  // to a mean of 1 so that `rate_per_s` stays the mean rate; empty: every day alike.
  std::vector<double> weekly;
  // Compound growth (or decline, down to > -1) of the rate per week.
  double growth_per_week = 0.0;
  // trace: shared, because scenarios are copied (variants, sweeps) and a
  // trace can hold millions of calls.
  std::shared_ptr<const RequestTrace> trace;
};

// One step of a workload. llm and tool steps are calls; the others shape the
// graph of calls (docs/scenario-format.md, "Agent graphs"): loop repeats a
// body, choose runs one of several branches, parallel runs branches at once
// and joins them, agent runs a sub-agent with its own context.
struct Step {
  enum class Kind { llm, tool, loop, choose, parallel, agent };
  Kind kind = Kind::llm;
  // llm
  std::string model;
  Distribution prompt_tokens;  // new tokens this step adds to the context
  Distribution output_tokens;  // by each sequence the call decodes
  // Sequences decoded from the one prompt: parallel sampling's n (all
  // returned) or beam search's width (the best returned); 1: neither.
  static constexpr int kMaxSequences = 64;
  int sequences = 1;  // in [1, kMaxSequences]
  bool best_sequence_only = false;
  // tool
  Distribution latency_s;      // an external tool (no pool): its whole duration
  Distribution result_tokens;  // tokens the tool's result adds to the context
  // A tool on a pool: Scenario::tool_pools index (-1: an external tool), the
  // cores and memory one call holds, and its work in seconds on a reference
  // core (the pool's core_speed scales it).
  int tool_pool = -1;
  std::string pool;
  int cores = 1;
  double memory_bytes = 0.0;
  Distribution work_s;
  // loop; agent: the sub-agent's steps
  Distribution repeat;
  std::vector<Step> body;
  // loop: after each round but the last, the loop ends early with this
  // probability (0: it always runs its drawn number of rounds).
  double exit_probability = 0.0;
  // choose: branch i runs with probability branch_p[i] (they sum to 1).
  // parallel: every branch runs at once from the parent's context, and the
  // step ends when `join_k` of them have ended (all: the branch count).
  std::vector<std::vector<Step>> branches;
  std::vector<double> branch_p;
  int join_k = 0;
  // agent: the sub-agent's context starts at `prompt_tokens` (its own system
  // prompt and task), after the parent's whole context if inherit_context.
  // When it ends, result_tokens (when result_from_last_call is false) or its
  // last LLM call's output tokens are appended to the parent's context.
  bool inherit_context = false;
  bool result_from_last_call = false;
};

// Whether `steps` use any step kind beyond llm, tool and plain loops: a
// workload that does is an agent graph, and its report gains a section.
bool uses_graph_steps(const std::vector<Step>& steps);

// A target is met by a workload when the given percentile of the metric is
// at or below the bound. Unset bounds are not checked.
struct Slo {
  double percentile = 95.0;
  std::optional<double> ttft_s;
  std::optional<double> tpot_s;
  std::optional<double> session_s;
};

struct Workload {
  std::string name;
  ArrivalProcess arrivals;
  Distribution initial_context_tokens;  // system prompt + task, before step 1
  // Tokens every session of the workload begins with, the same in all (a
  // system prompt, tool definitions), ahead of its own context: a replica
  // that holds them serves them to every session's calls from its cache
  // (docs/performance-model.md, "Prefixes shared across sessions"). 0: none.
  long shared_prefix_tokens = 0;
  // Workloads that give their prefix one name share it: a replica holds it
  // once and serves it to all of them. Empty: the workload's own.
  std::string shared_prefix_name;
  std::vector<Step> steps;
  // The agent harness's CPU work before each LLM call (building the prompt,
  // parsing the last answer), as a tool step on a tool pool; none: free.
  std::optional<Step> orchestrator;
  Slo slo;
  // Empirical agents: sessions arrive by `arrivals` and each replays one of
  // this trace's recorded sessions, drawn at random (docs/scenario-format.md,
  // "Empirical agents"). Null for every other workload.
  std::shared_ptr<const RequestTrace> session_templates;

  // The trace whose sessions this workload replays, one after another or as
  // templates; nullptr for a workload of steps.
  const RequestTrace* replayed_trace() const {
    return arrivals.trace ? arrivals.trace.get() : session_templates.get();
  }
};

enum class Pricing {
  cloud,  // hourly price includes power; energy cost is reported, not added
  owned,  // hourly price is amortized capital; energy cost is added
};

struct Costs {
  Pricing pricing = Pricing::cloud;
  // USD per kWh of facility energy: one price, or a series by the hour (or
  // another step) that repeats past its end (docs/performance-model.md, 5).
  StepSeries electricity_usd_per_kwh = 0.08;
  double pue = 1.14;
  // Grid carbon intensity in gCO2/kWh: one value for the whole run, or a
  // series, entry floor(t / step) mod its length at simulated time t (24
  // hourly values: hour h of the day; docs/performance-model.md, 5.1).
  StepSeries carbon_intensity_g_per_kwh = kDefaultGridIntensityGPerKwh;
};

struct SimulationSettings {
  std::optional<double> duration_s;       // stop arrivals and the run here
  std::optional<std::int64_t> sessions;   // or: stop arrivals after N sessions, then drain
  double warmup_s = 0.0;                  // excluded from statistics
  std::uint64_t seed = 1;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string source_file;
  std::vector<ModelSpec> models;  // only the models the scenario uses
  std::vector<Pool> pools;
  std::vector<ToolPoolSpec> tool_pools;
  std::vector<KvStoreSpec> kv_stores;  // remote KV stores; usually none
  // The site's power budget over the model pools' IT power (power_cap.hpp);
  // no steps: none, and nothing is counted, delayed or slowed.
  PowerCapSpec power_cap;
  NetworkSpec network;  // the KV network's topology (fleet.network); a star unless declared
  std::vector<Route> routes;      // exactly one per served model
  std::vector<Workload> workloads;
  Costs costs;
  SimulationSettings simulation;

  const ModelSpec* find_model(const std::string& name) const;
  const Pool* find_pool(const std::string& name) const;
  const ToolPoolSpec* find_tool_pool(const std::string& name) const;
  const Route* find_route(const std::string& model) const;
};

}  // namespace fleetsim
