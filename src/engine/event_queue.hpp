// Runs the fleet's EventAgenda on SimGrid's clock: one kernel timer is set
// for the earliest pending event, and when it fires every event then due is
// dispatched, including those scheduled for the same instant meanwhile.
//
// Why not a kernel timer per event: each is a separate allocation in
// SimGrid's timer heap, and cancelling one (a call joining a decode run)
// searches that heap; with our own agenda an engine event got about a fifth
// cheaper (docs/performance.md). Everything here runs in kernel context.
#pragma once

#include <simgrid/kernel/Timer.hpp>

#include "fleetsim/core/event_agenda.hpp"

namespace fleetsim {

class EngineEventSink {
 public:
  virtual ~EngineEventSink() = default;
  virtual void dispatch(const AgendaEvent& event) = 0;
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

 private:
  void arm();
  void fire();

  EngineEventSink& sink_;
  EventAgenda agenda_;
  simgrid::kernel::timer::Timer* timer_ = nullptr;
  double armed_for_ = EventAgenda::kNever;
  bool firing_ = false;
  bool stopped_ = false;
};

}  // namespace fleetsim
