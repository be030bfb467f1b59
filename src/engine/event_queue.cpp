#include "event_queue.hpp"

#include <utility>

#include <simgrid/s4u/Engine.hpp>

namespace fleetsim {

using simgrid::kernel::timer::Timer;

EventQueue::EventQueue(EngineEventSink& sink, std::size_t replicas) : sink_(sink), agenda_(replicas) {}

void EventQueue::schedule(double at_s, const AgendaEvent& event) {
  agenda_.schedule(at_s, event);
  // Replacing a replica's event can make the earliest one later, so any
  // change of time re-arms (fire() re-arms once at its end).
  if (!firing_ && !stopped_ && !held_ && at_s != armed_for_) arm(agenda_.next_at());
}

void EventQueue::arm(double at_s) {
  if (at_s == armed_for_) return;
  if (timer_ != nullptr) timer_->remove();
  timer_ = nullptr;
  armed_for_ = at_s;
  if (at_s == EventAgenda::kNever) return;
  timer_ = Timer::set(at_s, [this] {
    timer_ = nullptr;
    armed_for_ = EventAgenda::kNever;
    fire();
  });
}

void EventQueue::fire() {
  firing_ = true;
  now_ = simgrid::s4u::Engine::get_clock();
  // Nothing outside this queue changes it while the queue fires: SimGrid's
  // actors and activities wait for the kernel, and the kernel for us.
  double quiet_until = sink_.quiet_until();
  if (std::exchange(held_, false)) {
    sink_.caught_up();
    quiet_until = -EventAgenda::kNever;  // what caught up may have woken an actor for this instant
  }
  AgendaEvent event;
  for (;;) {
    while (!stopped_ && agenda_.pop_due(now_, event)) sink_.dispatch(event);  // may schedule more
    if (stopped_ || hold_) break;
    const double next = agenda_.next_at();
    if (!(next < quiet_until)) break;
    now_ = next;
  }
  firing_ = false;
  if (stopped_) return;
  held_ = std::exchange(hold_, false);
  arm(held_ ? now_ : agenda_.next_at());
}

void EventQueue::stop() {
  if (timer_ != nullptr) timer_->remove();
  timer_ = nullptr;
  stopped_ = true;
}

}  // namespace fleetsim
