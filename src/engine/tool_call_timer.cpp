#include "tool_call_timer.hpp"

#include <simgrid/s4u/Engine.hpp>

namespace fleetsim {

using simgrid::kernel::timer::Timer;

ToolCallTimer::ToolCallTimer(FleetModel& fleet, long& event_counter) : fleet_(fleet), events_(event_counter) {}

void ToolCallTimer::schedule(double at_s, std::uint32_t session_slot) {
  due_.push({at_s, next_order_++, session_slot});
  if (!firing_ && !stopped_ && at_s < armed_for_) arm();
}

void ToolCallTimer::arm() {
  if (timer_ != nullptr) timer_->remove();
  timer_ = nullptr;
  armed_for_ = std::numeric_limits<double>::infinity();
  if (due_.empty()) return;
  armed_for_ = due_.top().at_s;
  timer_ = Timer::set(armed_for_, [this] {
    timer_ = nullptr;
    fire();
  });
}

void ToolCallTimer::fire() {
  firing_ = true;
  const double now = simgrid::s4u::Engine::get_clock();
  while (!due_.empty() && due_.top().at_s <= now) {
    const std::uint32_t slot = due_.top().slot;
    due_.pop();
    ++events_;
    fleet_.tool_finished(slot);  // may schedule further tool calls
  }
  firing_ = false;
  if (!stopped_) arm();
}

void ToolCallTimer::stop() {
  if (timer_ != nullptr) timer_->remove();
  timer_ = nullptr;
  stopped_ = true;
}

}  // namespace fleetsim
