#include "fleetsim/core/power_cap.hpp"

#include <algorithm>

namespace fleetsim {

namespace {
// Draws are sums of products of watts; a plan that fits exactly must not be
// refused for the last bits of a rounding.
constexpr double kSlackW = 1e-6;
}  // namespace

PowerCapGate::PowerCapGate(double budget_w, std::size_t replicas, double window_start_s)
    : budget_w_(budget_w),
      window_start_s_(window_start_s),
      drawing_w_(replicas, 0.0),
      wanted_w_(replicas),
      wait_start_(replicas, -1.0),
      granted_(replicas, 0) {}

double PowerCapGate::in_window(double from, double to) const {
  return std::max(0.0, to - std::max(from, window_start_s_));
}

// The time since the last change over the cap, with the draws as they were
// (call before each change of baseline, draws or cap).
void PowerCapGate::count_over_cap(double now) {
  if (cap_w_ >= 0.0 && now > over_since_s_) {
    const double span = in_window(over_since_s_, now);
    if (baseline_w_ + in_use_w_ > cap_w_ + kSlackW) stats_.over_cap_s += span;
    if (baseline_w_ > cap_w_ + kSlackW) stats_.baseline_over_cap_s += span;
  }
  over_since_s_ = std::max(over_since_s_, now);
}

void PowerCapGate::draw(std::uint32_t replica, double watts, int clock, double now) {
  count_over_cap(now);
  drawing_w_[replica] = watts;
  in_use_w_ += watts;
  granted_[replica] = clock;
  stats_.peak_dynamic_w = std::max(stats_.peak_dynamic_w, in_use_w_);
  stats_.peak_power_w = std::max(stats_.peak_power_w, baseline_w_ + in_use_w_);
  if (clock > 0 && now >= window_start_s_) ++stats_.lowered_plans;
}

bool PowerCapGate::fits(double watts) const { return queue_.empty() && in_use_w_ + watts <= budget_w_ + kSlackW; }

// The fastest clock whose draw fits the budget left; -1 when none does.
int PowerCapGate::first_fitting(std::span<const double> draws) const {
  for (std::size_t c = 0; c < draws.size(); ++c)
    if (in_use_w_ + draws[c] <= budget_w_ + kSlackW) return static_cast<int>(c);
  return -1;
}

bool PowerCapGate::admit(std::uint32_t replica, double watts, double now) {
  return admit(replica, std::span<const double>(&watts, 1), now) == 0;
}

int PowerCapGate::admit(std::uint32_t replica, std::span<const double> draws, double now) {
  if (queue_.empty()) {
    if (const int clock = first_fitting(draws); clock >= 0) {
      draw(replica, draws[static_cast<std::size_t>(clock)], clock, now);
      return clock;
    }
  }
  wanted_w_[replica].assign(draws.begin(), draws.end());
  start_wait(replica, now);
  return -1;
}

void PowerCapGate::start_wait(std::uint32_t replica, double now) {
  if (queue_.empty()) queue_since_ = now;
  queue_.push_back(replica);
  wait_start_[replica] = now;
  if (now >= window_start_s_) ++stats_.held_plans;
}

void PowerCapGate::stop_wait(std::uint32_t replica, double now) {
  stats_.held_replica_s += in_window(wait_start_[replica], now);
  wait_start_[replica] = -1.0;
  wanted_w_[replica].clear();
  if (queue_.empty()) stats_.time_at_cap_s += in_window(queue_since_, now);
}

// First come first served: the head of the queue starts when one of its
// clocks fits; the ones behind it wait for it even if they would fit now.
const std::vector<std::uint32_t>& PowerCapGate::release(double now) {
  released_.clear();
  while (!queue_.empty()) {
    const std::uint32_t next = queue_.front();
    const int clock = first_fitting(wanted_w_[next]);
    if (clock < 0) break;
    queue_.pop_front();
    const double watts = wanted_w_[next][static_cast<std::size_t>(clock)];
    stop_wait(next, now);
    draw(next, watts, clock, now);
    released_.push_back(next);
  }
  return released_;
}

const std::vector<std::uint32_t>& PowerCapGate::end(std::uint32_t replica, double now) {
  count_over_cap(now);
  in_use_w_ = std::max(0.0, in_use_w_ - drawing_w_[replica]);
  drawing_w_[replica] = 0.0;
  return release(now);
}

void PowerCapGate::set_cap(double cap_w, double now) {
  count_over_cap(now);
  cap_w_ = cap_w;
}

void PowerCapGate::set_baseline(double baseline_w, double now) {
  count_over_cap(now);
  baseline_w_ = baseline_w;
  stats_.peak_power_w = std::max(stats_.peak_power_w, baseline_w_ + in_use_w_);
}

const std::vector<std::uint32_t>& PowerCapGate::set_budget(double budget_w, double now) {
  budget_w_ = budget_w;
  return release(now);
}

void PowerCapGate::withdraw(std::uint32_t replica, double now) {
  const auto it = std::find(queue_.begin(), queue_.end(), replica);
  if (it == queue_.end()) return;
  queue_.erase(it);
  stop_wait(replica, now);
}

void PowerCapGate::settle(double now) {
  count_over_cap(now);
  for (const std::uint32_t r : queue_) stats_.held_replica_s += in_window(wait_start_[r], now);
  if (!queue_.empty()) stats_.time_at_cap_s += in_window(queue_since_, now);
  queue_.clear();
  std::fill(wait_start_.begin(), wait_start_.end(), -1.0);
}

void PowerCapGate::ran_lowered(double start_s, double end_s, double extra_s) {
  if (end_s <= start_s) return;
  const double share = in_window(start_s, end_s) / (end_s - start_s);
  stats_.lowered_busy_s += (end_s - start_s) * share;
  stats_.lowered_extra_s += extra_s * share;
}

}  // namespace fleetsim
