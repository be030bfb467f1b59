// What a replica's work is counted as: busy time, batch, energy and KV
// occupancy within the measured window, the time series' levels, and the
// slices --trace-events records.
#include <algorithm>

#include "fleetsim/core/continuous_batcher.hpp"

namespace fleetsim {

void ContinuousBatcher::touch(double now) {
  if (now <= last_touch_s_) return;
  const double from = std::max(last_touch_s_, window_start_s_);
  if (now > from) stats_.kv_block_seconds += static_cast<double>(kv_blocks_used()) * (now - from);
  last_touch_s_ = now;
}

void ContinuousBatcher::settle(double now) { touch(now); }

void ContinuousBatcher::report_levels(double now) {
  const auto waiting = static_cast<long>(waiting_.size()), running = static_cast<long>(running_.size());
  const long blocks = kv_blocks_used();
  series_->levels(series_pool_, now, waiting - reported_waiting_, running - reported_running_,
                  blocks - reported_blocks_);
  reported_waiting_ = waiting;
  reported_running_ = running;
  reported_blocks_ = blocks;
}

void ContinuousBatcher::account(const PowerModel& power, double start_s, double end_s, double compute_s,
                                double memory_s, double host_s, double batch,
                                const std::vector<double>& workload_tokens, double tokens) {
  const double duration = end_s - start_s;
  const double energy = power.dynamic_energy_j(duration, compute_s, memory_s);
  if (timeline_ != nullptr) timeline_->add(start_s, end_s, energy);
  if (series_) series_->busy(series_pool_, start_s, end_s, energy);
  double in_window = 0.0;
  if (duration > 0.0)
    in_window = std::clamp((end_s - std::max(start_s, window_start_s_)) / duration, 0.0, 1.0);
  if (in_window <= 0.0) return;
  stats_.busy_s += duration * in_window;
  stats_.batch_seconds += batch * duration * in_window;
  stats_.host_s += host_s * in_window;
  stats_.dynamic_energy_j += energy * in_window;
  if (tokens > 0)
    for (std::size_t w = 0; w < workload_tokens.size(); ++w)
      stats_.busy_s_by_workload[w] += duration * in_window * workload_tokens[w] / tokens;
}

// The larger of the plan's two draws as account() integrates them: its first
// iteration (a prefill is near compute-bound power) and the decode run after
// it (or a decode run alone). A cap that reserves the larger for the whole
// plan holds at every instant account() can see.
double ContinuousBatcher::plan_power_w(const BatchPlan& plan) const {
  if (plan.kind == BatchPlan::Kind::idle || plan.duration_s <= 0.0) return 0.0;
  const PowerModel& power = power_at(plan.clock);
  double watts = 0.0;
  double run_s = plan.duration_s;
  if (plan.kind == BatchPlan::Kind::iteration) {
    const double head = head_s(plan);
    if (head > 0.0) watts = power.dynamic_energy_j(head, plan.cost.compute_s, plan.cost.memory_s) / head;
    run_s -= head;
  }
  if (plan.run_iterations > 0 && run_s > 0.0) {
    double compute = 0.0, memory = 0.0;
    plan.run_terms.components(plan.run_iterations, compute, memory);
    watts = std::max(watts, power.dynamic_energy_j(run_s, compute, memory) / run_s);
  }
  return watts;
}

void ContinuousBatcher::account_unfinished(const BatchPlan& plan, double start_s, double end_s) {
  if (plan.kind == BatchPlan::Kind::idle || end_s <= start_s) return;
  // Scale the plan's roofline terms to the part that ran.
  const double fraction = plan.duration_s > 0 ? std::min(1.0, (end_s - start_s) / plan.duration_s) : 0.0;
  double compute = plan.cost.compute_s, memory = plan.cost.memory_s;
  double host = plan.kind == BatchPlan::Kind::iteration ? plan.cost.host_s() : 0.0;
  host += plan.run_terms.host_time(plan.run_iterations);
  if (plan.run_iterations > 0) {
    double run_compute = 0.0, run_memory = 0.0;
    plan.run_terms.components(plan.run_iterations, run_compute, run_memory);
    if (plan.kind == BatchPlan::Kind::decode_run) compute = memory = 0.0;
    compute += run_compute;
    memory += run_memory;
  }
  // Each running sequence counts one token, as its workload's.
  const auto batch = static_cast<double>(running_sequences());
  account(power_at(plan.clock), start_s, end_s, compute * fraction, memory * fraction, host * fraction, batch,
          running_workload_tokens(), batch);
  // The part that ran, as the end of the run cut it.
  if (slices_)
    slices_->push_back({start_s, end_s, iterations_done(plan, end_s - start_s), batch,
                        batch, plan.kind == BatchPlan::Kind::iteration, compute * fraction, memory * fraction});
}

}  // namespace fleetsim
