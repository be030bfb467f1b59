// The result of one run, in plain numbers: what the writers print. Every figure
// covers the measured window [window_start_s, window_end_s] (after warm-up).
// Field names carry their units; docs/report-format.md documents each one.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/model_evidence.hpp"
#include "fleetsim/core/workload_report.hpp"

namespace fleetsim {

// A pool whose nodes fail (docs/failures.md), over the window.
struct FailureReport {
  std::string scope = "node";          // what fails: "node", or "replica" (one replica alone)
  std::int64_t node_failures = 0;      // units that failed: nodes, or replicas with scope replica
  std::int64_t calls_retried = 0;      // taken back from failed nodes and routed again
  // What those calls had computed, lost with them and computed again on retry.
  std::int64_t prefill_tokens_lost = 0;
  std::int64_t output_tokens_lost = 0;
  double down_node_hours = 0.0;        // node time spent failed
  double availability = 0.0;           // 1 - down node time / (nodes x window)
  double expected_availability = 0.0;  // mttf / (mttf + notice + mttr)
  double notice_s = 0.0;               // the warning before a failure (spot); 0: none
};

// An autoscaled pool's nodes over the window (docs/autoscaling.md). Its
// pool's cost, baseline energy and embodied carbon count these node-hours
// instead of `nodes` for the whole window.
struct AutoscaleReport {
  std::string policy;
  int min_nodes = 0;
  int max_nodes = 0;
  double node_hours = 0.0;       // paid for: starting, serving or draining
  double mean_nodes = 0.0;       // node_hours over the window
  int peak_nodes = 0;            // most nodes paid for at once, over the whole run
  std::int64_t nodes_started = 0;  // over the whole run
  std::int64_t nodes_drained = 0;
  double provisioning_s = 0.0;   // start to serving, per node
  // Over the whole run, summed over evaluations: starts the site power cap
  // held back (docs/autoscaling.md, "Under a power cap"); only under a
  // power cap.
  std::optional<std::int64_t> starts_held_by_power_cap;
  // Over the whole run: nodes given back because the cap in force fell below
  // their baseline (idle ones off at once, busy ones drained); likewise
  // only under a power cap.
  std::optional<std::int64_t> nodes_stopped_by_power_cap;
};

// What a pool's nodes cost and emit over the window, alike for model pools,
// tool pools and remote KV stores; the JSON has these members in this order.
struct CostAndCarbon {
  double compute_cost_usd = 0.0;  // node-hours x price, as bought
  double energy_cost_usd = 0.0;   // facility energy x electricity price
  double cost_usd = 0.0;          // what counts toward the total, by pricing mode
  // Carbon (docs/performance-model.md, 5.1): operational is facility energy
  // x grid intensity, embodied the nodes' share of their manufacture. Per
  // session and per million tokens are this pool's part of the fleet's
  // figures (over the fleet's sessions and tokens), so pools add up to it.
  double carbon_operational_g = 0.0;
  double carbon_embodied_g = 0.0;
  double carbon_g = 0.0;
  double carbon_per_session_g = 0.0;
  double carbon_per_million_tokens_g = 0.0;
};

// One KV tier below device memory of a pool's replicas, summed over them
// (docs/performance-model.md, "KV tiers below device memory").
struct KvTierReport {
  std::string name;
  std::string kind;               // "host_dram", "cxl", "nvme" or "remote_store"
  double capacity_bytes = 0.0;    // all replicas' shares together; a remote store's whole memory
  std::int64_t hits = 0;          // calls that found their session's cache here
  double bytes_reloaded = 0.0;
  double bytes_offloaded = 0.0;
  double reload_time_s = 0.0;     // transfer time of the reloads, on their calls' TTFT
  double recompute_avoided_tokens = 0.0;  // prompt tokens the reloads spared from prefill
  std::int64_t caches_dropped = 0;  // left this tier with no tier below to go to
};

// A remote KV store (scenario fleet.kv_stores): its memory held over the
// window, and its nodes priced and powered as a tool pool's
// (docs/performance-model.md, "A remote KV store"). The pools' kv_tiers
// entries of kind "remote_store" give the hits, bytes and time by pool.
struct KvStoreReport : CostAndCarbon {
  std::string name;
  std::string hardware;
  std::string instance;
  int nodes = 0;
  double capacity_bytes = 0.0;        // nodes x memory given to KV caches
  double memory_utilization = 0.0;    // time-averaged bytes held / capacity
  double peak_memory_utilization = 0.0;
  std::int64_t caches_stored = 0;     // in the window
  std::int64_t caches_evicted = 0;    // least recently stored, to make room (or too large)
  std::int64_t hits = 0;              // caches reloaded by replicas
  double node_hours = 0.0;
  double mean_power_w = 0.0;          // IT power, whole store
  double peak_power_w = 0.0;
  double energy_j = 0.0;
};

struct PoolReport : CostAndCarbon {
  std::string name;
  std::string hardware;
  std::string instance;
  std::string kind;  // "cpu", "gpu" or "accelerator"
  std::string role;  // "unified", "prefill" or "decode"
  std::string models;  // comma-separated
  int nodes = 0;
  int replicas = 0;
  double utilization = 0.0;          // fraction of replica-time with a batch running
  double mean_batch_size = 0.0;      // sequences per iteration, time-weighted over busy time
  // Of busy time, the serving stack's host work per iteration. Always set;
  // optional so that reports written before it existed still read.
  std::optional<double> host_share;
  double kv_cache_occupancy = 0.0;   // time-averaged fraction of KV blocks in use (incl. retained)
  double queueing_delay_mean_s = 0.0;  // arrival at the replica to first scheduled
  double queueing_delay_p95_s = 0.0;
  std::int64_t llm_calls = 0;
  std::int64_t preemptions = 0;
  double output_tokens = 0.0;
  double mean_power_w = 0.0;  // IT power, whole pool
  double peak_power_w = 0.0;  // highest whole-pool IT power over any iteration
  double energy_j = 0.0;      // IT energy
  std::string purchase = "on_demand";  // how the nodes are bought (purchase.hpp, describe)
  std::string pstate;  // the devices' frequency state; empty: nominal
  // Mean calls at the pool (waiting or running) over the first and the second
  // half of the window: a backlog that grows from one to the other is a pool
  // that does not keep up (stability.hpp).
  double calls_in_flight_first_half = 0.0;
  double calls_in_flight_second_half = 0.0;
  std::vector<KvTierReport> kv_tiers;  // empty when the pool's engine uses none
  std::optional<AutoscaleReport> autoscale;  // only for an autoscaled pool
  std::optional<FailureReport> failures;     // only for a pool whose nodes fail
  // How far the model was checked on the pool's hardware class and stack
  // (model_evidence.hpp). Always set; optional so that reports written
  // before it existed still read.
  std::optional<PoolEvidence> evidence;
};

// The whole fleet's cost had every pool bought its nodes one way (purchase.hpp):
// the same simulated traffic, priced per option, side by side.
struct PurchaseOptionReport {
  std::string option;
  double cost_usd = 0.0;  // every pool and tool pool, the window's total
  double cost_per_session_usd = 0.0;
  double cost_per_million_tokens_usd = 0.0;
  // Pools whose node type has no such option, priced on demand instead.
  std::vector<std::string> pools_on_demand;
};

// A tool pool whose nodes fail (docs/failures.md, "Tool pools"), over the
// window: a model pool's failure figures, with the core time lost for tokens.
struct ToolFailureReport {
  std::int64_t node_failures = 0;
  std::int64_t calls_retried = 0;      // running or waiting on a failed node: started over elsewhere
  double core_seconds_lost = 0.0;      // what the running ones had done, done again
  double down_node_hours = 0.0;
  double availability = 0.0;           // 1 - down node time / (nodes x window)
  double expected_availability = 0.0;  // mttf / (mttf + mttr)
};

// A pool of CPU nodes that runs tool calls (scenario fleet.tool_pools).
struct ToolPoolReport : CostAndCarbon {
  std::string name;
  std::string hardware;
  std::string instance;
  int nodes = 0;
  int cores = 0;                      // all nodes together
  double core_speed = 0.0;            // relative to the reference core tool work is given for
  bool processor_sharing = false;     // its nodes share their cores among all their calls (else FIFO)
  double utilization = 0.0;           // core-seconds held by calls / (cores x window)
  double queueing_delay_mean_s = 0.0;  // arrival at the pool to start, calls started in the window
  double queueing_delay_p95_s = 0.0;
  double queueing_delay_p99_s = 0.0;
  std::int64_t tool_calls = 0;        // finished in the window
  double node_hours = 0.0;            // nodes x window
  double mean_power_w = 0.0;          // IT power, whole pool
  double peak_power_w = 0.0;          // highest one-second mean
  double energy_j = 0.0;              // IT energy
  double calls_in_flight_first_half = 0.0;  // calls waiting or running
  double calls_in_flight_second_half = 0.0;
  std::optional<ToolFailureReport> failures;  // only for a pool whose nodes fail
};

// A site power cap's effect (power_cap.hpp, docs/performance-model.md 5.3).
// Throughput lost is not a figure of one run: docs/report-format.md says how
// to read it against the same scenario without the cap.
// Plans a power cap ran at a lower frequency state (response lower_clocks).
struct LoweredClocksReport {
  std::int64_t plans = 0;          // started below their pool's state
  double busy_s = 0.0;             // replica time those plans ran
  double extra_busy_s = 0.0;       // of which beyond their time at the pool's state
  double capacity_lost_fraction = 0.0;  // extra_busy_s / the model pools' busy time
};

struct PowerCapReport {
  double cap_w = 0.0;             // with steps in time, the lowest
  std::optional<double> highest_cap_w;  // only with steps in time
  double baseline_w = 0.0;        // model pools' nodes: host + idle devices
  double peak_power_w = 0.0;      // baseline + the highest sum of running plans' draws
  double time_at_cap_s = 0.0;     // time some replica waited for power
  double time_at_cap_fraction = 0.0;  // of the window
  std::int64_t held_plans = 0;    // plans that waited
  double held_replica_s = 0.0;    // their waits, summed
  double mean_hold_s = 0.0;
  // Only with an autoscaled pool (the only fleets whose baseline can come to
  // exceed the cap): time the baseline plus the running plans' draws was
  // above the cap in force, and time the baseline alone was.
  std::optional<double> over_cap_s;
  std::optional<double> baseline_over_cap_s;
  std::optional<LoweredClocksReport> lowered_clocks;  // only with response lower_clocks
};

struct FleetReport {
  int nodes = 0;
  double total_cost_usd = 0.0;
  double compute_cost_usd = 0.0;
  double energy_cost_usd = 0.0;
  double cost_per_session_usd = 0.0;
  double cost_per_llm_call_usd = 0.0;
  double cost_per_million_output_tokens_usd = 0.0;
  double cost_per_million_tokens_usd = 0.0;  // prompt + output tokens
  double carbon_operational_g = 0.0;  // facility energy x grid intensity
  double carbon_embodied_g = 0.0;     // nodes' embodied carbon over their life
  double carbon_g = 0.0;
  double carbon_per_session_g = 0.0;
  double carbon_per_million_tokens_g = 0.0;  // prompt + output tokens
  double it_energy_j = 0.0;
  double facility_energy_j = 0.0;
  double energy_per_session_j = 0.0;  // facility energy / completed sessions
  double output_tokens_per_joule = 0.0;  // per facility joule
  double mean_it_power_w = 0.0;
  double peak_it_power_w = 0.0;  // upper bound: sum of the pools' peaks
  double mean_facility_power_w = 0.0;
  double sessions_per_s = 0.0;
  double llm_calls_per_s = 0.0;
  double output_tokens_per_s = 0.0;
  std::optional<PowerCapReport> power_cap;  // only with a power cap
};

// Little's law, L = lambda * W, measured on the sessions in the window.
struct LittleLawCheck {
  double mean_sessions_in_system = 0.0;  // L, time-averaged
  double arrival_rate_per_s = 0.0;       // lambda
  double mean_session_time_s = 0.0;      // W
  double relative_error = 0.0;           // |L - lambda W| / L
};

// One sign that the run is not in a steady state: docs/report-format.md,
// "Stability", lists the kinds and what to do about each.
struct StabilityFinding {
  // "pool_backlog_growing", "tool_pool_backlog_growing", "sessions_accumulating" or "no_session_completed"
  std::string kind;
  std::string pool;      // the pool concerned; empty when none is singled out
  std::string workload;  // the workload concerned; empty unless one is
  double utilization = std::numeric_limits<double>::quiet_NaN();  // of `pool`
  std::string figure;    // what grows: "calls_in_flight" (of the pool) or "sessions_in_system" (of the workload)
  double first_half = std::numeric_limits<double>::quiet_NaN();   // its mean over each half of the window
  double second_half = std::numeric_limits<double>::quiet_NaN();
  // What the arrivals alone would make of first_half: the expected arrivals'
  // ratio, second half over first (1 for steady traffic).
  double arrival_ratio = 1.0;
  std::string hint;
};

struct StabilityCheck {
  bool stable = true;  // no findings
  std::vector<StabilityFinding> findings;
};

struct RunInfo {
  std::string scenario;
  std::string fleetsim_version;
  std::uint64_t seed = 0;
  double window_start_s = 0.0;
  double window_end_s = 0.0;
  double simulated_end_s = 0.0;
  std::int64_t engine_events = 0;  // replica iterations/spans + arrivals + tool completions
  std::string pricing;             // "cloud" or "owned"
  double pue = 0.0;
  double electricity_usd_per_kwh = 0.0;
  double carbon_intensity_g_per_kwh = 0.0;  // mean over the window (of the hourly profile, if any)
};

// The KV network's links over the measured window (docs/disaggregation.md,
// "Link utilization"): bytes the engine's transfers carried, and the mean
// utilization, bytes / (bandwidth x window), of each direction.
struct NicGroupReport {
  std::string name;   // the pool's or the KV store's
  std::string kind;   // "pool" or "kv_store"
  int nics = 0;       // the nodes the pool may hold, or the store's
  double bandwidth_bytes_per_s = 0.0;  // their NICs' together, each way
  double bytes_sent = 0.0;
  double bytes_received = 0.0;
  double utilization_sent = 0.0;
  double utilization_received = 0.0;
};

struct UplinkReport {
  int rack = 0;
  int nodes = 0;
  double bandwidth_bytes_per_s = 0.0;  // each way: the rack's NICs / oversubscription
  double bytes_up = 0.0;               // out of the rack, to the spine
  double bytes_down = 0.0;
  double utilization_up = 0.0;
  double utilization_down = 0.0;
};

struct NetworkReport {
  std::string topology;  // "star" or "two_level"
  int nodes_per_rack = 0;          // two_level only (0 on a star)
  double oversubscription = 0.0;   // two_level only (0 on a star)
  std::vector<NicGroupReport> nics;
  std::vector<UplinkReport> uplinks;  // by rack; empty on a star
};

struct Report;

// One cell of a report merged from cells (docs/cells.md): its name, its
// traffic and seed, and its own whole report.
struct CellReport {
  std::string name;
  double traffic_scale = 1.0;
  std::uint64_t seed = 0;
  std::shared_ptr<const Report> report;
};

struct Report {
  RunInfo run;
  std::vector<WorkloadReport> workloads;
  std::vector<PoolReport> pools;
  std::vector<ToolPoolReport> tool_pools;  // empty unless the scenario declares some
  std::vector<KvStoreReport> kv_stores;    // empty unless the scenario declares some
  std::optional<NetworkReport> network;    // only when the scenario declares fleet.network
  // Empty unless a node type of the fleet lists purchase options.
  std::vector<PurchaseOptionReport> purchase_options;
  FleetReport fleet;
  LittleLawCheck little_law;
  StabilityCheck stability;
  // Only in a report merged from cells (cell_merge.hpp): each cell's own
  // report, in the scenario's order. Empty otherwise, so plain reports keep
  // their bytes.
  std::vector<CellReport> cells;
};

}  // namespace fleetsim
