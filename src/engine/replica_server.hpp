// The serving loop of one replica, run by one SimGrid actor.
//
// It asks its ContinuousBatcher for a plan, lets simulated time pass for it
// and reports back. A decode run (many iterations with an unchanged batch)
// is one timed wait on a semaphore: a new call that can join releases the
// semaphore, and the replica then finishes the iteration in progress and
// re-plans, so calls join at iteration boundaries as in a real engine. An idle
// replica blocks on its semaphore and costs nothing.
#pragma once

#include <simgrid/s4u.hpp>

#include "fleetsim/continuous_batcher.hpp"

namespace fleetsim {

class ReplicaServer {
 public:
  ReplicaServer(ContinuousBatcher& batcher, BatcherListener& listener, long& event_counter);

  void run();                 // the actor's body; never returns (daemon)
  void wake(bool interrupt);  // from other actors: new work arrived
  // Accounts the plan cut off by the end of the simulation.
  void account_unfinished(double end_s);

 private:
  enum class State { idle, busy, decode_run };

  ContinuousBatcher& batcher_;
  BatcherListener& listener_;
  long& events_;
  simgrid::s4u::SemaphorePtr wake_;
  State state_ = State::busy;
  bool signaled_ = false;
  Plan plan_;
  double plan_start_s_ = 0.0;
  bool plan_open_ = false;
};

}  // namespace fleetsim
