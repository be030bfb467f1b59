// What a run records beside its report when asked (fleetsim run
// --timeseries, --calls, --trace-events): nothing is recorded otherwise.
#include <algorithm>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/report_builder.hpp"  // node_baseline_power_w

namespace fleetsim {

void FleetModel::record_replica_trace(ReplicaTrace* trace, const std::vector<std::size_t>& replicas) {
  trace->fleet_replicas = replicas_.size();
  for (const std::size_t r : replicas)
    if (r < replicas_.size())
      trace->tracks.push_back({r, scenario_.pools[placements_[r].pool].name, placements_[r].model, {}});
  // Pointers into the tracks once they no longer move.
  for (ReplicaTrack& track : trace->tracks) replicas_[track.replica].record_slices(&track.slices);
}

void FleetModel::record_calls(CallLog* log) {
  call_log_ = log;
  for (const Workload& w : scenario_.workloads) log->workload_names.push_back(w.name);
  for (const Pool& p : scenario_.pools) log->pool_names.push_back(p.name);
  for (const ReplicaPlacement& placement : placements_) {
    auto it = std::find(log->model_names.begin(), log->model_names.end(), placement.model);
    if (it == log->model_names.end()) it = log->model_names.insert(it, placement.model);
    replica_model_.push_back(static_cast<std::uint32_t>(it - log->model_names.begin()));
  }
}

void FleetModel::record_time_series(double bin_s) {
  std::vector<TimeSeriesPool> pools(scenario_.pools.size());
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const Pool& pool = scenario_.pools[p];
    pools[p].name = pool.name;
    pools[p].nodes = pool.count;
    pools[p].baseline_w = pool.count * node_baseline_power_w(pool);
    pools[p].autoscaled = pool.autoscale.has_value();
  }
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    // An autoscaled pool's figures are given for its starting nodes.
    if (placements_[r].node >= static_cast<std::size_t>(scenario_.pools[placements_[r].pool].count)) continue;
    TimeSeriesPool& pool = pools[placements_[r].pool];
    ++pool.replicas;
    pool.kv_blocks += replicas_[r].kv_blocks_total();
  }
  std::vector<std::string> workloads;
  for (const Workload& w : scenario_.workloads) workloads.push_back(w.name);
  series_ = std::make_unique<TimeSeries>(scenario_.simulation.warmup_s, bin_s, std::move(pools), std::move(workloads));
  for (std::size_t r = 0; r < replicas_.size(); ++r) replicas_[r].record_series(series_.get(), placements_[r].pool);
}

}  // namespace fleetsim
