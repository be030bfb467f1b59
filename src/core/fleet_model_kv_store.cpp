// Remote KV stores (docs/performance-model.md, "A remote KV store"): the
// store's memory is shared by the replicas of every pool that names it; a
// call whose session's cache is there (and neither in its replica's device
// memory nor in a local tier) waits for the cache to cross the network, from
// the store node holding it to the replica's node, before it joins the
// replica's queue. The wait is on the call's time to first token.
#include <algorithm>
#include <cmath>

#include "fleetsim/core/fleet_model.hpp"

namespace fleetsim {

// One store per Scenario::kv_stores entry, its capacity in KV blocks of the
// first pool naming it (the loader has checked that every pool naming it
// serves one model with one block size).
void FleetModel::set_up_kv_stores() {
  if (scenario_.kv_stores.empty()) return;
  kv_stores_.reserve(scenario_.kv_stores.size());
  for (std::size_t k = 0; k < scenario_.kv_stores.size(); ++k) {
    const KvStoreSpec& spec = scenario_.kv_stores[k];
    double block_bytes = 0.0;
    for (const Pool& pool : scenario_.pools)
      if (pool.kv_store() == static_cast<int>(k) && block_bytes <= 0.0 && !pool.models.empty())
        block_bytes = scenario_.find_model(pool.models.front())->kv_bytes_per_token() * pool.engine.kv_block_tokens;
    const long blocks = block_bytes > 0.0 ? static_cast<long>(std::floor(spec.capacity_bytes() / block_bytes)) : 0;
    kv_stores_.emplace_back(blocks, spec.count, scenario_.simulation.warmup_s);
  }
}

bool FleetModel::reload_from_store(std::size_t r, const CallRequest& call) {
  ContinuousBatcher& replica = replicas_[r];
  KvTierStack* tiers = replica.kv_tiers();
  if (tiers == nullptr || tiers->store() == nullptr) return false;
  if (replica.holds_session(call.session_key) || tiers->holds(call.session_key)) return false;
  const double now = driver_->now();
  std::optional<RetainedKv::Entry> entry = tiers->store()->take(call.session_key, now);
  if (!entry) return false;
  const auto slot = static_cast<std::size_t>(call.call_id);
  if (store_reloads_.size() <= slot) store_reloads_.resize(std::max(sessions_.size(), slot + 1));
  StoreReload& reload = store_reloads_[slot];
  reload.call = call;
  reload.replica = r;
  reload.entry = *entry;
  reload.start_s = now;
  reload.pending = true;
  const Pool& pool = scenario_.pools[placements_[r].pool];
  const auto store = static_cast<std::size_t>(pool.kv_store());
  const KvStoreSpec& spec = scenario_.kv_stores[store];
  const ModelSpec& model = *scenario_.find_model(placements_[r].model);
  // The blocks as the replica held them: every layer's keys and values of
  // their tokens, out of the store node's NIC and into the replica's node's,
  // at the slower of the two when nothing else is sent (as a disaggregated
  // call's transfer, docs/disaggregation.md).
  const double bytes = static_cast<double>(entry->blocks) * model.kv_bytes_per_token() * pool.engine.kv_block_tokens;
  const double alone_s = spec.hardware.network_latency_s + pool.hardware.network_latency_s +
                         bytes / std::min(spec.hardware.network_bandwidth_bps, replica_network_bps(pool));
  driver_->reload_from_store(store, tiers->store()->node_of(call.session_key), r, bytes, alone_s,
                             fleet_timer_token(FleetTimer::kv_transfer, slot));
  return true;
}

void FleetModel::store_reload_arrived(std::uint32_t slot) {
  StoreReload& reload = store_reloads_[slot];
  reload.pending = false;
  const double now = driver_->now();
  ContinuousBatcher& replica = replicas_[reload.replica];
  replica.kv_tiers()->land(reload.entry, now - reload.start_s);
  // Its wait at the replica starts now: the pool's queueing delay is the
  // replica's, the transfer is the tier's reload time.
  CallRequest call = reload.call;
  call.enqueue_s = now;
  driver_->wake_replica(reload.replica, replica.enqueue(call));
}

}  // namespace fleetsim
