#include "replica_server.hpp"

#include <algorithm>

namespace fleetsim {

ReplicaServer::ReplicaServer(std::uint32_t index, ContinuousBatcher& batcher, BatcherListener& listener,
                             EventQueue& queue, long& event_counter, PowerCapGate* power_cap)
    : index_(index),
      batcher_(batcher),
      listener_(listener),
      queue_(queue),
      events_(event_counter),
      power_cap_(power_cap) {}

void ReplicaServer::schedule(double at_s, long iterations) {
  iterations_due_ = iterations;
  queue_.schedule(at_s, {AgendaEvent::Kind::replica, index_});
}

void ReplicaServer::wake(bool interrupt) {
  if (state_ == State::idle) {
    // Start in an event of its own, not inside the caller's: the caller may
    // be another replica in the middle of retiring its batch, and calls that
    // arrive at the same instant should meet in one plan.
    state_ = State::starting;
    queue_.schedule(queue_.now(), {AgendaEvent::Kind::replica, index_});
  } else if (state_ == State::held) {
    woken_while_held_ = woken_while_held_ || interrupt;  // the call joins once the held plan runs
  } else if (state_ == State::decode_run && interrupt) {
    cut_run();
  }
}

// Let the iteration in progress finish, then re-plan with the new call (the
// new event replaces the one for the end of the run).
void ReplicaServer::cut_run() {
  const long done = batcher_.iterations_done(plan_, queue_.now() - plan_start_s_);
  const long until = std::min(plan_.iterations, done + 1);
  state_ = State::busy;
  schedule(plan_start_s_ + batcher_.time_of(plan_, until), until);
}

void ReplicaServer::on_event() {
  if (state_ == State::starting) {
    start_next();
  } else if (state_ == State::held) {
    // The cap let the held plan go (its draw is already counted): it starts
    // now, and a call that came meanwhile joins at its first boundary.
    run_plan(queue_.now());
    if (woken_while_held_ && state_ == State::decode_run) cut_run();
    woken_while_held_ = false;
  } else {
    finish(iterations_due_);
  }
}

void ReplicaServer::start_next() {
  const double start = queue_.now();
  plan_ = batcher_.plan(start, listener_);
  ++events_;
  if (plan_.kind == BatchPlan::Kind::idle) {
    state_ = State::idle;
    return;
  }
  if (power_cap_ != nullptr && !power_cap_->admit(index_, batcher_.plan_power_w(plan_), start)) {
    state_ = State::held;  // the gate's end() for another replica's plan lets it go
    return;
  }
  run_plan(start);
}

void ReplicaServer::run_plan(double start) {
  plan_start_s_ = start;
  // Any plan of several iterations can take a call at its next iteration boundary.
  state_ = plan_.iterations > 1 ? State::decode_run : State::busy;
  schedule(start + plan_.duration_s, plan_.iterations);
}

void ReplicaServer::release_power() {
  for (const std::uint32_t next : power_cap_->end(index_, queue_.now()))
    queue_.schedule(queue_.now(), {AgendaEvent::Kind::replica, next});
}

void ReplicaServer::finish(long iterations) {
  state_ = State::busy;  // calls routed here while retiring the batch wait for the next plan
  batcher_.complete(plan_, iterations, plan_start_s_, queue_.now(), listener_);
  if (power_cap_ != nullptr) release_power();
  start_next();
}

void ReplicaServer::halt() {
  if (state_ == State::idle) return;
  if (state_ == State::busy || state_ == State::decode_run)
    batcher_.account_unfinished(plan_, plan_start_s_, queue_.now());
  if (power_cap_ != nullptr && state_ != State::starting) {
    if (state_ == State::held && power_cap_->waiting(index_))
      power_cap_->withdraw(index_, queue_.now());
    else
      release_power();  // a running plan's draw, or a held one let go but not yet started
  }
  woken_while_held_ = false;
  queue_.schedule(EventAgenda::kNever, {AgendaEvent::Kind::replica, index_});  // cancels the pending event
  state_ = State::idle;
}

void ReplicaServer::account_unfinished(double end_s) {
  if (state_ == State::busy || state_ == State::decode_run) batcher_.account_unfinished(plan_, plan_start_s_, end_s);
}

}  // namespace fleetsim
