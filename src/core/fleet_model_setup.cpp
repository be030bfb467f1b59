// The fleet model as a run starts: every node's replicas placed and built
// (sharing a roofline per pool and model), their shared prefixes and prefix
// caches, the router, the tool pools, autoscaling and failures.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/report_builder.hpp"  // fleet_baseline_power_w

namespace fleetsim {
namespace {

// Peak power is reported as the highest 1-second mean power.
constexpr double kPowerBinS = 1.0;

}  // namespace

FleetModel::FleetModel(const Scenario& scenario) : scenario_(scenario) {
  const double warmup = scenario.simulation.warmup_s;
  metrics_.workloads.resize(scenario.workloads.size());
  metrics_.pools.resize(scenario.pools.size());
  metrics_.occupancy.last_s = 0.0;
  for (auto& w : metrics_.workloads) w.in_system = StepIntegral(warmup);
  for (auto& p : metrics_.pools) p.calls_in_flight = StepIntegral(warmup);
  sessions_created_.assign(scenario.workloads.size(), 0);
  open_trace_feeds();
  set_up_placements();
  set_up_kv_stores();
  set_up_replicas();
  set_up_shared_prefixes();
  // Prefix block hashes (a trace's): every replica caches chunks by them.
  if (std::any_of(scenario.workloads.begin(), scenario.workloads.end(), [](const Workload& w) {
        return w.replayed_trace() != nullptr && w.replayed_trace()->hashed();
      }))
    for (auto& replica : replicas_) replica.attach_prefix_cache();
  router_ = std::make_unique<Router>(scenario, placements_);
  set_up_request_paths();
  if (std::any_of(scenario.pools.begin(), scenario.pools.end(), [](const Pool& p) { return p.role != PoolRole::unified; })) {
    kv_bytes_per_token_.reserve(placements_.size());
    for (const auto& placement : placements_)
      kv_bytes_per_token_.push_back(scenario.find_model(placement.model)->kv_bytes_per_token());
  }
  tool_pools_.reserve(scenario.tool_pools.size());
  std::size_t tool_nodes = 0;
  for (const ToolPoolSpec& spec : scenario.tool_pools) {
    tool_pools_.emplace_back(spec, warmup, scenario.workloads.size());
    tool_node_base_.push_back(tool_nodes);
    tool_nodes += static_cast<std::size_t>(std::max(0, spec.count));
  }
  set_up_autoscaling();
  set_up_failures();
  set_up_tool_failures();
  set_up_power_cap();
}

// Every node a pool may have, autoscaled ones included, is a host; each of
// its replicas serves the pool's models in turn. Each pool has its power timeline.
void FleetModel::set_up_placements() {
  const double warmup = scenario_.simulation.warmup_s;
  pool_power_.reserve(scenario_.pools.size());
  std::size_t host = 0;
  for (std::size_t p = 0; p < scenario_.pools.size(); ++p) {
    const Pool& pool = scenario_.pools[p];
    pool_power_.emplace_back(warmup, kPowerBinS);
    for (int node = 0; node < pool.max_nodes(); ++node, ++host) {
      for (int r = 0; r < pool.replicas_per_node(); ++r) {
        const std::string& model_name = pool.models[static_cast<std::size_t>(r) % pool.models.size()];
        placements_.push_back({p, static_cast<std::size_t>(node), host, model_name});
      }
    }
  }
}

// A model served by pools whose front ends differ pays the slowest one's:
// the path is crossed before the route picks a replica (fleet_model.hpp).
void FleetModel::set_up_request_paths() {
  for (const ReplicaPlacement& placement : placements_) {
    const RequestPath& path = scenario_.pools[placement.pool].engine.request_path;
    if (!path.priced()) continue;
    auto it = std::find_if(request_paths_.begin(), request_paths_.end(),
                           [&](const ModelRequestPath& m) { return m.model == placement.model; });
    if (it == request_paths_.end()) {
      request_paths_.push_back({placement.model, path});
      continue;
    }
    it->path.fixed_s = std::max(it->path.fixed_s, path.fixed_s);
    it->path.per_prompt_token_s = std::max(it->path.per_prompt_token_s, path.per_prompt_token_s);
  }
}

// One batcher per placement. Replicas of one pool and model share their
// roofline and KV capacity, computed once.
void FleetModel::set_up_replicas() {
  const double warmup = scenario_.simulation.warmup_s;
  struct Serving {
    std::shared_ptr<const RooflineModel> roofline;
    long kv_blocks = 0;
    std::vector<KvTierStack::Level> kv_tiers;  // below device memory; usually none
    double kv_block_bytes = 0.0;
  };
  std::map<std::pair<std::size_t, std::string>, Serving> serving;
  replicas_.reserve(placements_.size());
  for (const auto& placement : placements_) {
    const Pool& pool = scenario_.pools[placement.pool];
    Serving& s = serving[{placement.pool, placement.model}];
    if (!s.roofline) {
      const ModelSpec& model = *scenario_.find_model(placement.model);
      s.roofline = std::make_shared<const RooflineModel>(model, pool.hardware, pool.engine);
      s.kv_blocks = kv_capacity(model, pool.hardware, pool.engine).blocks;
      s.kv_tiers = kv_tier_levels(pool, model);
      s.kv_block_bytes = model.kv_bytes_per_token() * pool.engine.kv_block_tokens;
    }
    const PowerModel power(pool.hardware.device_power, pool.engine.tensor_parallel,
                           1.0 / replicas_per_device(pool.hardware, pool.engine));
    replicas_.emplace_back(s.roofline, pool.engine, power, s.kv_blocks, static_cast<int>(scenario_.workloads.size()),
                           warmup, &pool_power_[placement.pool]);
    const int store = pool.kv_store();
    if (!s.kv_tiers.empty() || store >= 0)
      replicas_.back().attach_kv_tiers(KvTierStack(s.kv_tiers, s.kv_block_bytes, warmup));
    if (store >= 0) replicas_.back().kv_tiers()->attach_store(&kv_stores_[static_cast<std::size_t>(store)]);
    frees_when_sessions_leave_ |= replicas_.back().frees_when_session_leaves();
    ranks_by_idleness_ |= replicas_.back().ranks_by_idleness();
  }
}

// Shared prefixes (docs/performance-model.md): the full KV blocks of each
// workload's prefix, per replica's block size; nothing without one.
void FleetModel::set_up_shared_prefixes() {
  if (std::none_of(scenario_.workloads.begin(), scenario_.workloads.end(),
                   [](const Workload& w) { return w.shared_prefix_tokens > 0; }))
    return;
  // One prefix per name, or per workload that names none; the loader has
  // checked that workloads naming one prefix give it the same tokens.
  std::vector<std::uint32_t> prefix_of;
  std::vector<long> tokens;
  std::map<std::string, std::uint32_t> named;
  for (const Workload& w : scenario_.workloads) {
    const auto fresh = static_cast<std::uint32_t>(tokens.size());
    const std::uint32_t p =
        w.shared_prefix_name.empty() ? fresh : named.emplace(w.shared_prefix_name, fresh).first->second;
    if (p == fresh) tokens.push_back(w.shared_prefix_tokens);
    prefix_of.push_back(p);
  }
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    std::vector<long> blocks;
    const long block_tokens = scenario_.pools[placements_[r].pool].engine.kv_block_tokens;
    for (const long t : tokens) blocks.push_back(t / block_tokens);
    replicas_[r].attach_shared_prefixes(std::move(blocks), prefix_of);
  }
}

}  // namespace fleetsim
