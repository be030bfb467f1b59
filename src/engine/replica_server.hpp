// The serving loop of one replica, driven by SimGrid kernel timers.
//
// It asks its ContinuousBatcher for a plan and sets a timer for the plan's
// end. A plan of many iterations (a decode run, possibly behind a prompt
// iteration) is one timer; a new call that can join cancels it, the iteration
// in progress finishes,
// and the replica re-plans, so calls join at iteration boundaries as in a real
// engine. An idle replica holds no timer and costs nothing.
//
// Timers instead of one actor per replica: a timer callback runs in SimGrid's
// kernel without a context switch, which made each engine event about twice
// as cheap (docs/performance.md). Everything here runs in kernel context.
#pragma once

#include <simgrid/kernel/Timer.hpp>

#include "fleetsim/continuous_batcher.hpp"

namespace fleetsim {

class ReplicaServer {
 public:
  ReplicaServer(ContinuousBatcher& batcher, BatcherListener& listener, long& event_counter);

  void wake(bool interrupt);  // new work arrived for this replica
  void stop();                // the run is over: cancel the pending timer
  // Accounts the plan cut off by the end of the simulation.
  void account_unfinished(double end_s);

 private:
  enum class State { idle, starting, busy, decode_run };

  void start_next();             // plan and time the next piece of work
  void finish(long iterations);  // the plan (or its first `iterations`) has run
  void set_timer(double at_s, long iterations);

  ContinuousBatcher& batcher_;
  BatcherListener& listener_;
  long& events_;
  simgrid::kernel::timer::Timer* timer_ = nullptr;
  State state_ = State::idle;
  Plan plan_;
  double plan_start_s_ = 0.0;
};

}  // namespace fleetsim
