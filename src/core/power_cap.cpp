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
      wanted_w_(replicas, 0.0),
      wait_start_(replicas, -1.0) {}

double PowerCapGate::in_window(double from, double to) const {
  return std::max(0.0, to - std::max(from, window_start_s_));
}

void PowerCapGate::draw(std::uint32_t replica, double watts) {
  drawing_w_[replica] = watts;
  in_use_w_ += watts;
  stats_.peak_dynamic_w = std::max(stats_.peak_dynamic_w, in_use_w_);
}

bool PowerCapGate::admit(std::uint32_t replica, double watts, double now) {
  if (queue_.empty() && in_use_w_ + watts <= budget_w_ + kSlackW) {
    draw(replica, watts);
    return true;
  }
  wanted_w_[replica] = watts;
  start_wait(replica, now);
  return false;
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
  wanted_w_[replica] = 0.0;
  if (queue_.empty()) stats_.time_at_cap_s += in_window(queue_since_, now);
}

const std::vector<std::uint32_t>& PowerCapGate::end(std::uint32_t replica, double now) {
  in_use_w_ = std::max(0.0, in_use_w_ - drawing_w_[replica]);
  drawing_w_[replica] = 0.0;
  released_.clear();
  // First come first served: the head of the queue starts when it fits; the
  // ones behind it wait for it even if they would fit now.
  while (!queue_.empty() && in_use_w_ + wanted_w_[queue_.front()] <= budget_w_ + kSlackW) {
    const std::uint32_t next = queue_.front();
    queue_.pop_front();
    const double watts = wanted_w_[next];
    stop_wait(next, now);
    draw(next, watts);
    released_.push_back(next);
  }
  return released_;
}

void PowerCapGate::withdraw(std::uint32_t replica, double now) {
  const auto it = std::find(queue_.begin(), queue_.end(), replica);
  if (it == queue_.end()) return;
  queue_.erase(it);
  stop_wait(replica, now);
}

void PowerCapGate::settle(double now) {
  for (const std::uint32_t r : queue_) stats_.held_replica_s += in_window(wait_start_[r], now);
  if (!queue_.empty()) stats_.time_at_cap_s += in_window(queue_since_, now);
  queue_.clear();
  std::fill(wait_start_.begin(), wait_start_.end(), -1.0);
}

}  // namespace fleetsim
