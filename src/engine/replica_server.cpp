#include "replica_server.hpp"

#include <algorithm>

namespace fleetsim {

ReplicaServer::ReplicaServer(std::uint32_t index, ContinuousBatcher& batcher, BatcherListener& listener,
                             EventQueue& queue, long& event_counter)
    : index_(index), batcher_(batcher), listener_(listener), queue_(queue), events_(event_counter) {}

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
  } else if (state_ == State::decode_run && interrupt) {
    // Let the iteration in progress finish, then re-plan with the new call
    // (the new event replaces the one for the end of the run).
    const long done = batcher_.iterations_done(plan_, queue_.now() - plan_start_s_);
    const long until = std::min(plan_.iterations, done + 1);
    state_ = State::busy;
    schedule(plan_start_s_ + batcher_.time_of(plan_, until), until);
  }
}

void ReplicaServer::on_event() {
  if (state_ == State::starting)
    start_next();
  else
    finish(iterations_due_);
}

void ReplicaServer::start_next() {
  const double start = queue_.now();
  plan_ = batcher_.plan(start, listener_);
  ++events_;
  if (plan_.kind == BatchPlan::Kind::idle) {
    state_ = State::idle;
    return;
  }
  plan_start_s_ = start;
  // Any plan of several iterations can take a call at its next iteration boundary.
  state_ = plan_.iterations > 1 ? State::decode_run : State::busy;
  schedule(start + plan_.duration_s, plan_.iterations);
}

void ReplicaServer::finish(long iterations) {
  state_ = State::busy;  // calls routed here while retiring the batch wait for the next plan
  batcher_.complete(plan_, iterations, plan_start_s_, queue_.now(), listener_);
  start_next();
}

void ReplicaServer::halt() {
  if (state_ == State::idle) return;
  if (state_ == State::busy || state_ == State::decode_run)
    batcher_.account_unfinished(plan_, plan_start_s_, queue_.now());
  queue_.schedule(EventAgenda::kNever, {AgendaEvent::Kind::replica, index_});  // cancels the pending event
  state_ = State::idle;
}

void ReplicaServer::account_unfinished(double end_s) {
  if (state_ == State::busy || state_ == State::decode_run) batcher_.account_unfinished(plan_, plan_start_s_, end_s);
}

}  // namespace fleetsim
