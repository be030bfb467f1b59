// Prefill/decode disaggregation (docs/disaggregation.md): a call routed to a
// prefill replica computes its prompt's KV there, the cache crosses the
// network to a decode replica, and the decode replica generates the output.
// The session sees one call: its time to first token runs from issue to the
// decode replica's first token, transfer included.
#include <algorithm>

#include "fleetsim/core/fleet_model.hpp"

namespace fleetsim {

void FleetModel::prefilled(const CallOutcome& out) {
  const auto slot = static_cast<std::uint32_t>(out.request.call_id);
  Session& s = sessions_[slot];
  const auto from = static_cast<std::size_t>(s.last_replica);
  KvTransfer& t = transfers_[slot];
  if (out.failed) {  // its prompt fits no cache of the prefill replica: the call fails whole, there
    CallOutcome whole = out;
    whole.request = t.call;
    whole.generated_tokens = 0;
    return call_done(slot, from, whole, out.scheduled_s - out.request.enqueue_s);
  }
  const double now = driver_->now();
  call_left(from, now);
  PoolMetrics& prefill_pool = metrics_.pools[placements_[from].pool];
  if (in_window(now)) {
    ++prefill_pool.llm_calls;
    prefill_pool.queueing_delay_s.add(out.scheduled_s - out.request.enqueue_s);
  }
  t.prefill_scheduled_s = out.scheduled_s;
  t.computed_tokens = out.computed_tokens;
  t.cached_tokens = out.cached_tokens;
  t.shared_prefix_cached_tokens = out.shared_prefix_cached_tokens;
  t.preemptions = out.preemptions;
  // The destination is chosen now: its link sets the transfer's time, and
  // counting the call there keeps a draining node on until the call is done.
  const std::size_t to = router_->route_decode(placements_[from].model, s.last_decode_replica, replicas_);
  t.decode_replica = to;
  s.last_decode_replica = static_cast<int>(to);
  call_joined(to, now);
  // A disaggregating proxy sends the whole request to the decode server once
  // the prefill server has answered (vLLM's disaggregated-serving proxies):
  // that server's front end tokenizes it again before its engine asks for
  // the cache (docs/performance-model.md §4.1).
  const RequestPath& path = scenario_.pools[placements_[to].pool].engine.request_path;
  if (path.priced())
    return driver_->call_back_at(now + path.delay_s(t.call.prompt_tokens),
                                 fleet_timer_token(FleetTimer::decode_path, slot));
  start_kv_transfer(slot);
}

void FleetModel::start_kv_transfer(std::uint32_t slot) {
  KvTransfer& t = transfers_[slot];
  const auto from = static_cast<std::size_t>(sessions_[slot].last_replica);
  const std::size_t to = t.decode_replica;
  const Pool& src = scenario_.pools[placements_[from].pool];
  const Pool& dst = scenario_.pools[placements_[to].pool];
  // The prompt's KV the decode replica lacks (it may hold the session's
  // cache from the call before, a prefix of this prompt): every layer's keys
  // and values of those tokens, out of one node's NIC and into the other's,
  // at the slower of the two replicas' links when nothing else is sent.
  const long held = std::min(t.call.prompt_tokens, replicas_[to].held_tokens(t.call.session_key));
  t.bytes = static_cast<double>(t.call.prompt_tokens - held) * kv_bytes_per_token_[from];
  t.transfer_start_s = driver_->now();
  const double alone_s = src.hardware.network_latency_s + dst.hardware.network_latency_s +
                         t.bytes / std::min(replica_network_bps(src), replica_network_bps(dst));
  driver_->transfer(from, to, t.bytes, alone_s, fleet_timer_token(FleetTimer::kv_transfer, slot));
}

void FleetModel::kv_arrived(std::uint32_t slot) {
  KvTransfer& t = transfers_[slot];
  const double now = driver_->now();
  if (replicas_[t.decode_replica].down()) {
    // Its decode node failed while the cache was on its way: the cache goes
    // to another decode replica instead (the source still holds it; what the
    // new one would also need of the session's older tokens is not charged).
    call_left(t.decode_replica, now);
    t.decode_replica = router_->route_decode(placements_[t.decode_replica].model, -1, replicas_);
    sessions_[slot].last_decode_replica = static_cast<int>(t.decode_replica);
    call_joined(t.decode_replica, now);
  }
  if (in_window(now)) {
    const double took = now - t.transfer_start_s;
    WorkloadMetrics& m = metrics_.workloads[t.call.workload];
    ++m.kv_transfers;
    m.kv_transfer_bytes += t.bytes;
    m.kv_transfer_total_s += took;
    m.kv_transfer_max_s = std::max(m.kv_transfer_max_s, took);
  }
  CallRequest decode = t.call;
  decode.phase = CallPhase::decode;
  decode.enqueue_s = now;
  const bool interrupt = replicas_[t.decode_replica].enqueue(decode);
  driver_->wake_replica(t.decode_replica, interrupt);
}

CallOutcome FleetModel::joined(const CallOutcome& decode) const {
  const KvTransfer& t = transfers_[static_cast<std::size_t>(decode.request.call_id)];
  CallOutcome whole = decode;
  whole.request = t.call;
  whole.scheduled_s = t.prefill_scheduled_s;
  whole.cached_tokens = t.cached_tokens;
  whole.shared_prefix_cached_tokens = t.shared_prefix_cached_tokens;
  whole.computed_tokens = t.computed_tokens + decode.computed_tokens;  // plus any recompute after a preemption
  whole.preemptions = t.preemptions + decode.preemptions;
  return whole;
}

// Conditional disaggregation (docs/disaggregation.md): the decode replica
// the route picks prefills the call itself when the tokens it lacks of the
// prompt are at most the route's prefill_above, as Dynamo's decode workers
// do for a short prefill; otherwise the call goes through a prefill pool and
// the decode replica is picked again once its cache is ready.
bool FleetModel::prefill_on_decode(Session& s, const std::string& model, const CallRequest& call) {
  const long threshold = router_->prefill_above(model);
  if (threshold < 0) return false;
  const std::size_t d = router_->route_decode(model, s.last_decode_replica, replicas_);
  const long held = std::min(replicas_[d].held_tokens(s.key), call.prompt_tokens);
  if (call.prompt_tokens - held > threshold) {
    router_->call_finished(d);  // not this one after all
    return false;
  }
  s.last_decode_replica = static_cast<int>(d);
  s.whole_on_decode = true;
  call_joined(d, call.enqueue_s);
  driver_->wake_replica(d, replicas_[d].enqueue(call));
  return true;
}

}  // namespace fleetsim
