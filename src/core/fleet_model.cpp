#include "fleetsim/core/fleet_model.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "fleetsim/core/report_builder.hpp"

namespace fleetsim {
namespace {

std::uint64_t session_stream(const std::string& workload, std::uint64_t index) {
  return stable_hash(workload) ^ (index * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
}

}  // namespace

void FleetModel::attach(FleetDriver* driver) {
  driver_ = driver;
  for (std::size_t i = 0; i < scaled_.size(); ++i)
    driver_->call_back_at(scaled_[i].scaler.interval_s(), fleet_timer_token(FleetTimer::evaluate, i));
  // Every node of a failing pool starts new: its first failure from time 0.
  // An autoscaled pool's nodes that start later draw theirs when they serve.
  for (FailingPool& fp : failing_) {
    const int serving = fp.scaled >= 0 ? scenario_.pools[fp.pool].count : fp.units;
    for (int n = 0; n < serving; ++n) schedule_failure(fp, n, 0.0);
  }
  schedule_first_tool_failures();
  if (power_cap_ && scenario_.power_cap.scheduled())
    driver_->call_back_at(scenario_.power_cap.steps[1].at_s, fleet_timer_token(FleetTimer::power_cap, 1));
}

void FleetModel::timer_fired(std::uint32_t token) {
  const FleetTimer what = fleet_timer_kind(token);
  const std::size_t index = fleet_timer_index(token);
  if (what == FleetTimer::kv_transfer && !store_reloads_.empty() && store_reloads_[index].pending)
    store_reload_arrived(static_cast<std::uint32_t>(index));
  else if (what == FleetTimer::kv_transfer)
    kv_arrived(static_cast<std::uint32_t>(index));
  else if (what == FleetTimer::tool_node)
    tool_node_due(index);
  else if (what == FleetTimer::power_cap)
    power_cap_step(index);
  else if (what == FleetTimer::node_fail || what == FleetTimer::node_repair || what == FleetTimer::node_notice)
    failure_timer(what, index);
  else if (what == FleetTimer::tool_node_fail || what == FleetTimer::tool_node_repair)
    tool_failure_timer(what, index);
  else if (what == FleetTimer::request_path)
    request_path_crossed(static_cast<std::uint32_t>(index));
  else if (what == FleetTimer::decode_path)
    start_kv_transfer(static_cast<std::uint32_t>(index));
  else
    autoscale_timer(what, index);
}

void FleetModel::count_occupancy(double now, int delta) {
  OccupancyIntegral& o = metrics_.occupancy;
  const double from = std::max(o.last_s, scenario_.simulation.warmup_s);
  if (now > from) o.area += static_cast<double>(o.in_system) * (now - from);
  o.last_s = std::max(o.last_s, now);
  o.in_system += delta;
}

std::uint32_t FleetModel::take_slot() {
  if (free_slots_.empty()) {
    sessions_.emplace_back();
    slot_live_.push_back(kFree);
    return static_cast<std::uint32_t>(sessions_.size() - 1);
  }
  const std::uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  return slot;
}

void FleetModel::start_session(std::uint32_t workload) {
  const double now = driver_->now();
  const Workload& w = scenario_.workloads[workload];
  const std::uint32_t slot = take_slot();
  Session& s = sessions_[slot];
  s = Session{};
  s.key = next_session_key_++;
  s.root = slot;
  s.root_key = s.key;
  s.graph.start(now);
  s.workload = workload;
  s.start_s = now;
  s.rng = Rng(scenario_.simulation.seed, session_stream(w.name, sessions_created_[workload]++));
  s.context_tokens = static_cast<double>(w.shared_prefix_tokens + draw_tokens(w.initial_context_tokens, s.rng, 0));
  s.shared_prefix = w.shared_prefix_tokens > 0;
  s.cursor = StepCursor(&w.steps);
  if (streams_trace(workload)) {  // the session the source has read ahead
    s.trace = take_streamed_session(workload, slot);
  } else if (w.arrivals.trace) {  // the k-th session started replays the arrival generator's k-th
    const RequestTrace::SessionRef ref = *w.arrivals.trace->session(sessions_created_[workload] - 1);
    s.trace = TraceCursor(*w.arrivals.trace, ref, ref.round);
  } else if (w.session_templates) {
    // An empirical agent: a recorded session drawn at random, replayed from now.
    const RequestTrace& t = *w.session_templates;
    const double n = static_cast<double>(t.sessions());
    const auto index = static_cast<std::uint32_t>(std::min(n - 1, std::floor(s.rng.uniform01() * n)));
    s.trace = TraceCursor(t, {index, now - t.start_s({index, 0.0, 0})}, s.key + 1);
  }
  slot_live_[slot] = kRootLive;
  ++sessions_in_flight_;
  count_occupancy(now, +1);
  metrics_.workloads[workload].in_system.change(now, +1.0);
  if (series_) series_->session_started(workload, now);
  if (in_window(now)) {
    ++metrics_.workloads[workload].sessions_started;
    ++metrics_.occupancy.arrivals;
  }
  advance(slot);
}

void FleetModel::advance(std::uint32_t slot) {
  Session& s = sessions_[slot];
  if (s.trace.active()) return advance_trace(slot);
  if (s.parent != kNoStrand && !strand_wanted(s)) return end_strand(slot);  // lost its join: stop here
  const Step* step = s.cursor.next(s.rng);
  s.step = step;
  if (step == nullptr) return s.parent == kNoStrand ? end_session(slot) : end_strand(slot);
  if (step->kind == Step::Kind::llm) {
    const Workload& w = scenario_.workloads[s.workload];
    if (w.orchestrator) {  // the harness works first, on its tool pool
      s.llm_after_harness = step;
      s.step = &*w.orchestrator;
      s.call_issued_s = driver_->now();
      return submit_tool_call(slot, *s.step);
    }
    issue_call(slot, *step);
    return;
  }
  if (step->kind == Step::Kind::parallel || step->kind == Step::Kind::agent) return fork(slot, *step);
  const double now = driver_->now();
  s.call_issued_s = now;
  if (SessionGraphTally* g = tally_of(s)) {
    g->tool_call_changes(now, +1);
    ++g->tool_calls;
  }
  if (step->tool_pool >= 0) return submit_tool_call(slot, *step);
  const double latency = std::max(0.0, step->latency_s.sample(s.rng));
  driver_->call_back_after_tool(now + latency, slot);
}

void FleetModel::issue_call(std::uint32_t slot, const Step& step) {
  Session& s = sessions_[slot];
  const long added = draw_tokens(step.prompt_tokens, s.rng, 0);
  const long output = draw_tokens(step.output_tokens, s.rng, 1);
  send_call(slot, step.model, std::max(1L, static_cast<long>(s.context_tokens) + added), output, {}, &step);
}

void FleetModel::send_call(std::uint32_t slot, const std::string& model, long prompt_tokens, long output_tokens,
                           PrefixHashes prefix, const Step* step) {
  Session& s = sessions_[slot];
  CallRequest call;
  call.call_id = slot;
  call.session_key = s.key;
  call.workload = s.workload;
  call.enqueue_s = driver_->now();
  call.prompt_tokens = prompt_tokens;
  call.output_tokens = output_tokens;
  call.shared_prefix = s.shared_prefix;
  call.prefix = prefix;
  if (step) {
    call.extra_sequences = static_cast<std::uint8_t>(step->sequences - 1);
    call.best_sequence_only = step->best_sequence_only;
  }
  s.call_issued_s = call.enqueue_s;
  s.call_prompt_tokens = call.prompt_tokens;
  if (SessionGraphTally* g = tally_of(s)) {
    g->llm_call_changes(call.enqueue_s, +1);
    ++g->llm_calls;
    if (ranks_by_idleness_) call.idleness = quantize_idleness(g->tool_wait_fraction(sessions_[s.root].start_s));
  }
  if (const ModelRequestPath* path = request_path_of(model)) {
    // The call crosses its server's front end first: its time to first
    // token counts from call_issued_s, its queue wait from its arrival.
    if (on_path_.size() <= slot) on_path_.resize(sessions_.size());
    on_path_[slot] = {call, &path->model};
    driver_->call_back_at(call.enqueue_s + path->path.delay_s(call.prompt_tokens),
                          fleet_timer_token(FleetTimer::request_path, slot));
    return;
  }
  route_and_enqueue(s, model, s.last_replica, call);
}

const FleetModel::ModelRequestPath* FleetModel::request_path_of(const std::string& model) const {
  for (const ModelRequestPath& m : request_paths_)
    if (m.model == model) return &m;
  return nullptr;
}

void FleetModel::request_path_crossed(std::uint32_t slot) {
  CallOnPath& held = on_path_[slot];
  held.call.enqueue_s = driver_->now();
  Session& s = sessions_[slot];
  route_and_enqueue(s, *held.model, s.last_replica, held.call);
}

void FleetModel::route_and_enqueue(Session& s, const std::string& model, int last_replica, const CallRequest& call) {
  s.whole_on_decode = false;
  if (!kv_bytes_per_token_.empty() && prefill_on_decode(s, model, call)) return;
  const std::size_t r = router_->route(model, last_replica, replicas_, &call);
  if (frees_when_sessions_leave_ && last_replica >= 0 && static_cast<std::size_t>(last_replica) != r)
    left_replica(s.key, last_replica);
  s.last_replica = static_cast<int>(r);
  call_joined(r, call.enqueue_s);
  if (!kv_stores_.empty() && reload_from_store(r, call)) return;
  bool interrupt;
  if (scenario_.pools[placements_[r].pool].role == PoolRole::prefill) {
    // Disaggregated: the prompt here, one token's worth; the call as issued
    // waits for its decode replica.
    const auto slot = static_cast<std::size_t>(call.call_id);
    if (transfers_.size() <= slot) transfers_.resize(sessions_.size());
    transfers_[slot].call = call;
    CallRequest prefill = call;
    prefill.phase = CallPhase::prefill;
    prefill.output_tokens = 1;
    interrupt = replicas_[r].enqueue(prefill);
  } else {
    interrupt = replicas_[r].enqueue(call);
  }
  driver_->wake_replica(r, interrupt);
}

void FleetModel::call_joined(std::size_t replica, double now) {
  if (!replica_scaled_.empty()) autoscale_load(replica, +1);
  metrics_.pools[placements_[replica].pool].calls_in_flight.change(now, +1.0);
}

void FleetModel::call_left(std::size_t replica, double now) {
  router_->call_finished(replica);
  if (!replica_scaled_.empty()) autoscale_load(replica, -1);
  metrics_.pools[placements_[replica].pool].calls_in_flight.change(now, -1.0);
}

void FleetModel::on_call_finished(const CallOutcome& out) {
  const auto slot = static_cast<std::uint32_t>(out.request.call_id);
  switch (out.request.phase) {
    case CallPhase::whole: {
      const Session& s = sessions_[slot];
      const int replica = s.whole_on_decode ? s.last_decode_replica : s.last_replica;
      return call_done(slot, static_cast<std::size_t>(replica), out, out.scheduled_s - out.request.enqueue_s);
    }
    case CallPhase::prefill:
      return prefilled(out);
    case CallPhase::decode:
      return call_done(slot, transfers_[slot].decode_replica, joined(out), out.scheduled_s - out.request.enqueue_s);
  }
}

void FleetModel::call_done(std::uint32_t slot, std::size_t replica, const CallOutcome& out, double pool_wait_s) {
  Session& s = sessions_[slot];
  call_left(replica, driver_->now());
  const double ttft = out.first_token_s - s.call_issued_s;
  const double tpot = out.generated_tokens > 1
                          ? (out.finished_s - out.first_token_s) / static_cast<double>(out.generated_tokens - 1)
                          : 0.0;
  s.worst_ttft_s = std::max(s.worst_ttft_s, ttft);
  s.worst_tpot_s = std::max(s.worst_tpot_s, tpot);
  s.failed_call |= out.failed;
  if (in_window(out.finished_s)) {
    WorkloadMetrics& m = metrics_.workloads[s.workload];
    const std::size_t pool = placements_[replica].pool;
    PoolMetrics& pm = metrics_.pools[pool];
    ++m.llm_calls;
    ++pm.llm_calls;
    if (out.failed) ++m.llm_calls_failed;
    m.prompt_tokens += static_cast<double>(out.request.prompt_tokens);
    m.cached_tokens += static_cast<double>(out.cached_tokens);
    m.shared_prefix_cached_tokens += static_cast<double>(out.shared_prefix_cached_tokens);
    m.computed_tokens += static_cast<double>(out.computed_tokens);
    // Every branch's tokens for parallel sampling, the best beam's for beam search.
    const auto returned = static_cast<double>(out.request.returned_tokens(out.generated_tokens));
    m.output_tokens += returned;
    pm.output_tokens += returned;
    m.ttft_s.add(ttft);
    if (out.generated_tokens > 1) m.tpot_s.add(tpot);
    m.call_latency_s.add(out.finished_s - s.call_issued_s);
    pm.queueing_delay_s.add(pool_wait_s);
    if (call_log_)
      call_log_->offer({0, s.key, s.workload, static_cast<std::uint32_t>(pool), static_cast<std::uint32_t>(replica),
                        replica_model_[replica], s.call_issued_s, out.scheduled_s, out.first_token_s, out.finished_s, out.request.prompt_tokens,
                        out.cached_tokens, out.computed_tokens, out.request.returned_tokens(out.generated_tokens),
                        out.preemptions, out.failed, out.generated_tokens});
  }
  s.context_tokens = static_cast<double>(out.request.prompt_tokens + out.generated_tokens);
  s.last_output_tokens = out.generated_tokens;
  if (SessionGraphTally* g = tally_of(s)) {
    g->llm_call_changes(driver_->now(), -1);
    g->step_time_s += out.finished_s - s.call_issued_s;
  }
  advance(slot);
}

void FleetModel::left_replica(std::uint64_t session_key, int replica) {
  if (replica < 0) return;
  ContinuousBatcher& r = replicas_[static_cast<std::size_t>(replica)];
  if (r.frees_when_session_leaves()) r.forget_session(session_key, driver_->now());
}

void FleetModel::left_replicas(const Session& s) {
  if (!frees_when_sessions_leave_) return;
  left_replica(s.key, s.last_replica);
  if (s.last_decode_replica != s.last_replica) left_replica(s.key, s.last_decode_replica);
}

void FleetModel::end_session(std::uint32_t slot) {
  Session& s = sessions_[slot];
  const double now = driver_->now();
  left_replicas(s);
  const double duration = now - s.start_s;
  s.graph.settle(now);
  if (in_window(now)) {
    WorkloadMetrics& m = metrics_.workloads[s.workload];
    m.graph.add(s.graph, duration);
    const Slo& slo = scenario_.workloads[s.workload].slo;
    ++m.sessions_completed;
    m.session_latency_s.add(duration);
    const bool met = !s.failed_call && (!slo.ttft_s || s.worst_ttft_s <= *slo.ttft_s) &&
                     (!slo.tpot_s || s.worst_tpot_s <= *slo.tpot_s) && (!slo.session_s || duration <= *slo.session_s);
    if (met) ++m.sessions_met_slo;
    ++metrics_.occupancy.completed;
    metrics_.occupancy.completed_time_s += duration;
  }
  count_occupancy(now, -1);
  metrics_.workloads[s.workload].in_system.change(now, -1.0);
  if (series_) series_->session_ended(s.workload, now);
  slot_live_[slot] = kFree;
  free_slots_.push_back(slot);
  --sessions_in_flight_;
  driver_->session_ended();
}

std::vector<std::int64_t> FleetModel::sessions_in_flight_by_workload() const {
  std::vector<std::int64_t> counts(scenario_.workloads.size(), 0);
  for (std::size_t i = 0; i < sessions_.size(); ++i)
    if (slot_live_[i] == kRootLive) ++counts[sessions_[i].workload];
  return counts;
}

void FleetModel::settle(double end_s) {
  count_occupancy(end_s, 0);
  for (auto& w : metrics_.workloads) w.in_system.settle(end_s);
  for (auto& p : metrics_.pools) p.calls_in_flight.settle(end_s);
  for (auto& r : replicas_) r.settle(end_s);
  for (auto& t : tool_pools_) t.settle(end_s);
  for (auto& k : kv_stores_) k.settle(end_s);
  for (auto& sp : scaled_) sp.scaler.settle(end_s);
  for (auto& fp : failing_) fp.stats.nodes_down.settle(end_s);
  if (power_cap_) power_cap_->settle(end_s);
  if (series_) series_->settle(end_s);
}

}  // namespace fleetsim
