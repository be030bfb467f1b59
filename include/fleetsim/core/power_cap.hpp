// A site power cap (docs/performance-model.md, section 5.3): the fleet's IT
// power may not exceed the cap. The nodes' baseline (host and idle devices)
// is drawn whatever they do; what is left, the budget, is shared by the
// replicas' plans. A plan draws its mean power above idle (its dynamic
// energy over its duration) from the moment it starts until it ends or is
// cut short. A replica whose next plan does not fit waits, in first-come
// order behind any replica already waiting, until plans that end (or a cap
// that rises) free enough of the budget. The loader makes sure one
// replica's largest draw fits the lowest budget alone, so a waiting replica
// always gets to run once the others stop.
//
// A replica may offer its plan at several clocks (PowerCapResponse::
// lower_clocks): its draw at its pool's state first, then at each lower
// frequency state, fastest first. It then runs at the first clock that
// fits, and waits only when none does; the gate says which clock it granted.
// With one draw offered (the default response) admission is delayed and
// clocks are not lowered.
//
// Pure bookkeeping: the engine asks, the gate answers and counts.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace fleetsim {

// What the gate counted over the measured window (from `window_start_s`).
struct PowerCapStats {
  double time_at_cap_s = 0.0;     // time with at least one replica waiting for power
  double held_replica_s = 0.0;    // sum over waits of their length
  long held_plans = 0;            // waits that began in the window
  double peak_dynamic_w = 0.0;    // highest sum of the running plans' draws
  double peak_power_w = 0.0;      // highest baseline plus the running plans' draws
  long lowered_plans = 0;         // plans granted a lower clock, started in the window
  double lowered_busy_s = 0.0;    // the time those plans ran (in the window)
  double lowered_extra_s = 0.0;   // of which more than at their pool's state
  // With the cap set (set_cap): time the baseline plus the running plans'
  // draws exceeded it, and time the baseline alone did.
  double over_cap_s = 0.0;
  double baseline_over_cap_s = 0.0;
};

class PowerCapGate {
 public:
  // `budget_w`: the cap less the fleet's baseline; `replicas`: how many ask.
  PowerCapGate(double budget_w, std::size_t replicas, double window_start_s);

  // A replica's plan drawing `watts` asks to start now: true, and its draw
  // is counted, when it fits and no replica waits before it; false, and the
  // replica waits (its plan keeps, with its draw), otherwise.
  bool admit(std::uint32_t replica, double watts, double now);
  // The same with the plan's draw at each clock the replica may run it at,
  // its pool's state first: the clock granted (an index into `draws`), its
  // draw counted, or -1 when the replica waits.
  int admit(std::uint32_t replica, std::span<const double> draws, double now);
  // Whether a plan drawing `watts` would start now (nothing counted).
  bool fits(double watts) const;
  // The replica's plan ended (or was cut short): its draw is freed. Returns
  // the waiting replicas that now fit, in order, their draws already
  // counted: each starts its plan now, at granted(replica).
  const std::vector<std::uint32_t>& end(std::uint32_t replica, double now);
  // The cap changed: the budget is now `budget_w`. Plans running over it
  // finish; nothing starts until it fits. Returns the waiting replicas that
  // now fit, as end() does.
  const std::vector<std::uint32_t>& set_budget(double budget_w, double now);
  // The baseline the budget was left after (what the nodes draw idle),
  // for the peak it counts: set it with each budget. It changes when an
  // autoscaled pool starts a node or turns one off.
  void set_baseline(double baseline_w, double now);
  // The cap in force, for the time over it the gate counts (the baseline
  // it is compared with is set_baseline's, which may be more than the one
  // the budget was left after: nodes given back to the cap draw until
  // their calls finish). Not set: nothing is counted.
  void set_cap(double cap_w, double now);
  // The replica stops waiting without running (its node failed).
  void withdraw(std::uint32_t replica, double now);
  // Closes the waits still open at the end of the run.
  void settle(double now);
  // A plan run at a lower clock ran from `start_s` to `end_s`, `extra_s` of
  // it more than at its pool's state: counted for the part in the window.
  void ran_lowered(double start_s, double end_s, double extra_s);

  double budget_w() const { return budget_w_; }
  double in_use_w() const { return in_use_w_; }
  bool waiting(std::uint32_t replica) const { return wait_start_[replica] >= 0.0; }
  // The clock granted to the replica's last plan (0: its pool's state).
  int granted(std::uint32_t replica) const { return granted_[replica]; }
  const PowerCapStats& stats() const { return stats_; }

 private:
  int first_fitting(std::span<const double> draws) const;
  void start_wait(std::uint32_t replica, double now);
  void stop_wait(std::uint32_t replica, double now);
  void draw(std::uint32_t replica, double watts, int clock, double now);
  const std::vector<std::uint32_t>& release(double now);
  double in_window(double from, double to) const;
  void count_over_cap(double now);

  double cap_w_ = -1.0;  // set_cap's; negative: not counted
  double over_since_s_ = 0.0;  // the last time count_over_cap ran

  double budget_w_;
  double baseline_w_ = 0.0;
  double window_start_s_;
  double in_use_w_ = 0.0;
  std::vector<double> drawing_w_;             // by replica: its running plan's draw, 0 when none
  std::vector<std::vector<double>> wanted_w_; // by replica: a waiting plan's draws, by clock
  std::vector<double> wait_start_;            // by replica: when its wait began, -1 when not waiting
  std::vector<int> granted_;                  // by replica: the clock of its last plan
  std::deque<std::uint32_t> queue_;           // waiting replicas, first come first
  double queue_since_ = -1.0;                 // when the queue last became non-empty
  std::vector<std::uint32_t> released_;
  PowerCapStats stats_;
};

}  // namespace fleetsim
