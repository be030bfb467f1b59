#include "replica_server.hpp"

namespace sg4 = simgrid::s4u;

namespace fleetsim {

ReplicaServer::ReplicaServer(ContinuousBatcher& batcher, BatcherListener& listener, long& event_counter)
    : batcher_(batcher), listener_(listener), events_(event_counter), wake_(sg4::Semaphore::create(0)) {}

void ReplicaServer::wake(bool interrupt) {
  if (signaled_) return;
  if (state_ == State::idle || (state_ == State::decode_run && interrupt)) {
    signaled_ = true;
    wake_->release();
  }
}

void ReplicaServer::run() {
  while (true) {
    const double start = sg4::Engine::get_clock();
    plan_ = batcher_.plan(start, listener_);
    ++events_;
    if (plan_.kind == Plan::Kind::idle) {
      state_ = State::idle;
      wake_->acquire();
      signaled_ = false;
      state_ = State::busy;
      continue;
    }
    plan_start_s_ = start;
    plan_open_ = true;
    long done = plan_.iterations;
    if (plan_.kind == Plan::Kind::decode_run && plan_.iterations > 1) {
      state_ = State::decode_run;
      const bool timed_out = wake_->acquire_timeout(plan_.duration_s);
      state_ = State::busy;
      signaled_ = false;
      if (!timed_out) {
        // Interrupted: let the iteration in progress finish, then re-plan.
        const long finished = batcher_.iterations_done(plan_, sg4::Engine::get_clock() - start);
        done = std::min(plan_.iterations, finished + 1);
        sg4::this_actor::sleep_until(start + batcher_.time_of(plan_, done));
      }
    } else {
      state_ = State::busy;
      sg4::this_actor::sleep_for(plan_.duration_s);
    }
    plan_open_ = false;
    batcher_.complete(plan_, done, start, sg4::Engine::get_clock(), listener_);
  }
}

void ReplicaServer::account_unfinished(double end_s) {
  if (plan_open_) batcher_.account_unfinished(plan_, plan_start_s_, end_s);
}

}  // namespace fleetsim
