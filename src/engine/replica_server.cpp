#include "replica_server.hpp"

#include <algorithm>

#include <simgrid/s4u/Engine.hpp>

namespace fleetsim {

using simgrid::kernel::timer::Timer;

namespace {
double now() { return simgrid::s4u::Engine::get_clock(); }
}  // namespace

ReplicaServer::ReplicaServer(ContinuousBatcher& batcher, BatcherListener& listener, long& event_counter)
    : batcher_(batcher), listener_(listener), events_(event_counter) {}

void ReplicaServer::set_timer(double at_s, long iterations) {
  timer_ = Timer::set(at_s, [this, iterations] {
    timer_ = nullptr;
    finish(iterations);
  });
}

void ReplicaServer::wake(bool interrupt) {
  if (state_ == State::idle) {
    // Start on a timer of its own, not inside the caller's event: the caller
    // may be another replica in the middle of retiring its batch.
    state_ = State::starting;
    timer_ = Timer::set(now(), [this] {
      timer_ = nullptr;
      start_next();
    });
  } else if (state_ == State::decode_run && interrupt) {
    // Let the iteration in progress finish, then re-plan with the new call.
    timer_->remove();
    const long done = batcher_.iterations_done(plan_, now() - plan_start_s_);
    const long until = std::min(plan_.iterations, done + 1);
    state_ = State::busy;
    set_timer(plan_start_s_ + batcher_.time_of(plan_, until), until);
  }
}

void ReplicaServer::start_next() {
  const double start = now();
  plan_ = batcher_.plan(start, listener_);
  ++events_;
  if (plan_.kind == Plan::Kind::idle) {
    state_ = State::idle;
    return;
  }
  plan_start_s_ = start;
  // Any plan of several iterations can take a call at its next iteration boundary.
  state_ = plan_.iterations > 1 ? State::decode_run : State::busy;
  set_timer(start + plan_.duration_s, plan_.iterations);
}

void ReplicaServer::finish(long iterations) {
  state_ = State::busy;  // calls routed here while retiring the batch wait for the next plan
  batcher_.complete(plan_, iterations, plan_start_s_, now(), listener_);
  start_next();
}

void ReplicaServer::stop() {
  if (timer_ != nullptr) timer_->remove();
  timer_ = nullptr;
}

void ReplicaServer::account_unfinished(double end_s) {
  if (state_ == State::busy || state_ == State::decode_run) batcher_.account_unfinished(plan_, plan_start_s_, end_s);
}

}  // namespace fleetsim
