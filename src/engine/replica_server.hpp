// The serving loop of one replica, driven by the fleet's EventQueue.
//
// It asks its ContinuousBatcher for a plan and schedules the plan's end. A
// plan of many iterations (a decode run, possibly behind a prompt iteration)
// is one event; a new call that can join replaces it with the end of the
// iteration in progress, and the replica re-plans, so calls join at iteration
// boundaries as in a real engine. An idle replica holds no event and costs
// nothing.
//
// Events instead of one actor per replica: they run in SimGrid's kernel
// without a context switch, which made each engine event about twice as cheap
// (docs/performance.md). Everything here runs in kernel context.
#pragma once

#include <cstdint>
#include <vector>

#include "event_queue.hpp"
#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/power_cap.hpp"

namespace fleetsim {

// Its first cache line holds what every event of the replica reads (the
// state, where the plan started, its references); the plan follows, in the
// order its end reads it.
class alignas(64) ReplicaServer {
 public:
  ReplicaServer(std::uint32_t index, ContinuousBatcher& batcher, BatcherListener& listener, EventQueue& queue,
                long& event_counter, PowerCapGate* power_cap);

  void wake(bool interrupt);  // new work arrived for this replica
  void on_event();            // its scheduled event is due
  // Accounts the plan cut off by the end of the simulation.
  void account_unfinished(double end_s);
  // Its node failed: the plan in progress is cut short now (its busy time and
  // energy so far accounted, its results lost) and no event stays pending.
  void halt();

 private:
  // held: its plan waits for the power cap's budget (power_cap.hpp).
  enum class State { idle, starting, busy, decode_run, held };

  void start_next();             // plan and time the next piece of work
  bool admit_power(double start);  // asks the cap; false: the plan is held
  void take_clock(int clock);    // the plan runs at the clock the cap granted
  void count_lowered(double end_s, long iterations);  // a lowered plan's lost time, for the cap's report
  void run_plan(double start);   // the plan starts now
  void cut_run();                // a call joins: the run ends at its next iteration boundary
  void release_power();          // the plan's draw is freed; replicas the cap held start
  void finish(long iterations);  // the plan (or its first `iterations`) has run
  void schedule(double at_s, long iterations);

  std::uint32_t index_;
  State state_ = State::idle;
  ContinuousBatcher& batcher_;
  BatcherListener& listener_;
  EventQueue& queue_;
  long& events_;
  double plan_start_s_ = 0.0;
  long iterations_due_ = 0;  // iterations of the plan done when the event fires
  PowerCapGate* power_cap_;  // nullptr without a cap: one null check per plan
  BatchPlan plan_;
  bool woken_while_held_ = false;
  // A plan run at a lower clock: plan_ is the lowered plan, this the same
  // plan at the pool's state, to count the time lost (power_cap.hpp).
  BatchPlan nominal_;
  std::vector<double> draws_;  // scratch: a plan's draw by clock
};

}  // namespace fleetsim
