// A site power cap (docs/performance-model.md, section 5.3): the fleet's IT
// power may not exceed `cap` watts. The nodes' baseline (host and idle
// devices) is drawn whatever they do; what is left, the budget, is shared
// by the replicas' plans. A plan draws its mean power above idle (its
// dynamic energy over its duration) from the moment it starts until it
// ends or is cut short. A replica whose next plan does not fit waits, in
// first-come order behind any replica already waiting, until plans that
// end free enough of the budget: admission is delayed, clocks are not
// lowered. The loader makes sure one replica's largest draw fits the budget
// alone, so a waiting replica always gets to run once the others stop.
//
// Pure bookkeeping: the engine asks, the gate answers and counts.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

namespace fleetsim {

// What the gate counted over the measured window (from `window_start_s`).
struct PowerCapStats {
  double time_at_cap_s = 0.0;     // time with at least one replica waiting for power
  double held_replica_s = 0.0;    // sum over waits of their length
  long held_plans = 0;            // waits that began in the window
  double peak_dynamic_w = 0.0;    // highest sum of the running plans' draws
};

class PowerCapGate {
 public:
  // `budget_w`: the cap less the fleet's baseline; `replicas`: how many ask.
  PowerCapGate(double budget_w, std::size_t replicas, double window_start_s);

  // A replica's plan drawing `watts` asks to start now: true, and its draw
  // is counted, when it fits and no replica waits before it; false, and the
  // replica waits (its plan keeps, with its draw), otherwise.
  bool admit(std::uint32_t replica, double watts, double now);
  // The replica's plan ended (or was cut short): its draw is freed. Returns
  // the waiting replicas that now fit, in order, their draws already
  // counted: each starts its plan now.
  const std::vector<std::uint32_t>& end(std::uint32_t replica, double now);
  // The replica stops waiting without running (its node failed).
  void withdraw(std::uint32_t replica, double now);
  // Closes the waits still open at the end of the run.
  void settle(double now);

  double budget_w() const { return budget_w_; }
  double in_use_w() const { return in_use_w_; }
  bool waiting(std::uint32_t replica) const { return wait_start_[replica] >= 0.0; }
  const PowerCapStats& stats() const { return stats_; }

 private:
  void start_wait(std::uint32_t replica, double now);
  void stop_wait(std::uint32_t replica, double now);
  void draw(std::uint32_t replica, double watts);
  double in_window(double from, double to) const;

  double budget_w_;
  double window_start_s_;
  double in_use_w_ = 0.0;
  std::vector<double> drawing_w_;     // by replica: its running plan's draw, 0 when none
  std::vector<double> wanted_w_;      // by replica: a waiting plan's draw
  std::vector<double> wait_start_;    // by replica: when its wait began, -1 when not waiting
  std::deque<std::uint32_t> queue_;   // waiting replicas, first come first
  double queue_since_ = -1.0;         // when the queue last became non-empty
  std::vector<std::uint32_t> released_;
  PowerCapStats stats_;
};

}  // namespace fleetsim
