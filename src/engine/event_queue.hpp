// Runs the fleet's EventAgenda on SimGrid's clock: one kernel timer is set
// for the earliest pending event, and when it fires every event then due is
// dispatched, including those scheduled for the same instant meanwhile.
//
// Then it runs ahead: while the next event is due before anything else can
// happen in SimGrid (the sink's quiet_until(): the next session arrival, the
// end of the warm-up, the horizon), it is dispatched in the same firing, the
// queue's clock (now()) moved to its time. SimGrid's clock would have moved
// there with nothing else to do on the way, so the events, their order and
// their times are the same; what it saves is a pass of SimGrid's kernel loop
// per distinct event time (its models' solve, its ended-action scan, a timer
// allocated and freed), which had become a quarter of a run's instructions.
//
// Why not a kernel timer per event: each is a separate allocation in
// SimGrid's timer heap, and cancelling one (a call joining a decode run)
// searches that heap; with our own agenda an engine event got about a fifth
// cheaper (docs/performance.md). Everything here runs in kernel context.
#pragma once

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "fleetsim/core/event_agenda.hpp"

namespace fleetsim {

class EngineEventSink {
 public:
  virtual ~EngineEventSink() = default;
  virtual void dispatch(const AgendaEvent& event) = 0;
  // Until when nothing but this queue's events happens in SimGrid: the queue
  // may run ahead of SimGrid's clock to just before then. -infinity: never.
  virtual double quiet_until() const = 0;
  // SimGrid's clock has reached the time of a hold() (see there).
  virtual void caught_up() = 0;
};

class EventQueue {
 public:
  EventQueue(EngineEventSink& sink, std::size_t replicas);
  // Its kernel timer calls back into this object: it stays where it was built.
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // See EventAgenda::schedule. An event for the current time runs after the
  // one being dispatched.
  void schedule(double at_s, const AgendaEvent& event);
  // The run is over: nothing more is dispatched.
  void stop();
  // The time of the event being dispatched; SimGrid's clock outside one.
  double now() const { return firing_ ? now_ : simgrid::s4u::Engine::get_clock(); }
  bool firing() const { return firing_; }
  // Something SimGrid must see at now() (a semaphore released): stop running
  // ahead after the events due now, let SimGrid's clock catch up to now()
  // and call the sink's caught_up() there, before anything later; that
  // firing does not run ahead.
  void hold() { hold_ = true; }

 private:
  void arm(double at_s);
  void fire();

  EngineEventSink& sink_;
  EventAgenda agenda_;
  simgrid::kernel::timer::Timer* timer_ = nullptr;
  double armed_for_ = EventAgenda::kNever;
  double now_ = 0.0;  // while firing: the time of the events being dispatched
  bool firing_ = false;
  bool stopped_ = false;
  bool hold_ = false;      // set by hold() while firing
  bool held_ = false;      // the timer is armed for a hold's time
};

}  // namespace fleetsim
