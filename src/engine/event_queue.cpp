#include "event_queue.hpp"

#include <simgrid/s4u/Engine.hpp>

namespace fleetsim {

using simgrid::kernel::timer::Timer;

EventQueue::EventQueue(EngineEventSink& sink, std::size_t replicas) : sink_(sink), agenda_(replicas) {}

void EventQueue::schedule(double at_s, const AgendaEvent& event) {
  agenda_.schedule(at_s, event);
  // Replacing a replica's event can make the earliest one later, so any
  // change of time re-arms (fire() re-arms once at its end).
  if (!firing_ && !stopped_ && at_s != armed_for_) arm();
}

void EventQueue::arm() {
  const double next = agenda_.next_at();
  if (next == armed_for_) return;
  if (timer_ != nullptr) timer_->remove();
  timer_ = nullptr;
  armed_for_ = next;
  if (next == EventAgenda::kNever) return;
  timer_ = Timer::set(next, [this] {
    timer_ = nullptr;
    armed_for_ = EventAgenda::kNever;
    fire();
  });
}

void EventQueue::fire() {
  firing_ = true;
  const double now = simgrid::s4u::Engine::get_clock();
  AgendaEvent event;
  while (!stopped_ && agenda_.pop_due(now, event)) sink_.dispatch(event);  // may schedule more
  firing_ = false;
  if (!stopped_) arm();
}

void EventQueue::stop() {
  if (timer_ != nullptr) timer_->remove();
  timer_ = nullptr;
  stopped_ = true;
}

}  // namespace fleetsim
