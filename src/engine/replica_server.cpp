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

// Let the iteration in progress finish (with multi-step scheduling, the
// scheduler's window), then re-plan with the new call (the new event
// replaces the one for the end of the run).
void ReplicaServer::cut_run() {
  const long done = batcher_.iterations_done(plan_, queue_.now() - plan_start_s_);
  const long until = batcher_.scheduling_point(plan_, done + 1);
  state_ = State::busy;
  schedule(plan_start_s_ + batcher_.time_of(plan_, until), until);
}

void ReplicaServer::on_event() {
  if (state_ == State::starting) {
    start_next();
  } else if (state_ == State::held) {
    // The cap let the held plan go (its draw is already counted): it starts
    // now, at the clock granted, and a call that came meanwhile joins at its
    // first boundary.
    take_clock(power_cap_->granted(index_));
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
  if (power_cap_ != nullptr && !admit_power(start)) {
    state_ = State::held;  // the gate's end() for another replica's plan (or a cap that rises) lets it go
    return;
  }
  run_plan(start);
}

// Without lower clocks the plan asks at its pool's state only. With them,
// the lower clocks' draws are worked out only for a plan that does not fit
// as it is (most plans fit).
bool ReplicaServer::admit_power(double start) {
  const double watts = batcher_.plan_power_w(plan_);
  if (batcher_.lower_clocks() == 0 || power_cap_->fits(watts)) return power_cap_->admit(index_, watts, start);
  draws_.assign(1, watts);
  for (std::size_t k = 1; k <= batcher_.lower_clocks(); ++k)
    draws_.push_back(batcher_.plan_power_w(batcher_.at_lower_clock(plan_, k)));
  const int clock = power_cap_->admit(index_, draws_, start);
  if (clock < 0) return false;
  take_clock(clock);
  return true;
}

void ReplicaServer::take_clock(int clock) {
  if (clock <= 0) return;
  nominal_ = plan_;
  plan_ = batcher_.at_lower_clock(nominal_, static_cast<std::size_t>(clock));
}

// The first `iterations` of a lowered plan ran until `end_s`: the time they
// took beyond what they take at the pool's state.
// A plan cut short mid-iteration (iterations < 0): its time so far, in
// the ratio of the whole plan's durations.
void ReplicaServer::count_lowered(double end_s, long iterations) {
  const double extra = iterations >= 0
                           ? batcher_.time_of(plan_, iterations) - batcher_.time_of(nominal_, iterations)
                           : (end_s - plan_start_s_) * (1.0 - nominal_.duration_s / plan_.duration_s);
  power_cap_->ran_lowered(plan_start_s_, end_s, extra);
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
  if (plan_.clock != 0) count_lowered(queue_.now(), iterations);
  if (power_cap_ != nullptr) release_power();
  start_next();
}

void ReplicaServer::halt() {
  if (state_ == State::idle) return;
  if (state_ == State::busy || state_ == State::decode_run) {
    batcher_.halt(plan_, plan_start_s_, queue_.now());
    if (plan_.clock != 0) count_lowered(queue_.now(), -1);
  }
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
  if (state_ != State::busy && state_ != State::decode_run) return;
  batcher_.account_unfinished(plan_, plan_start_s_, end_s);
  if (plan_.clock != 0) count_lowered(end_s, -1);
}

}  // namespace fleetsim
