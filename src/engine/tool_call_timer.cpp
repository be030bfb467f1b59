#include "tool_call_timer.hpp"

namespace sg4 = simgrid::s4u;

namespace fleetsim {

ToolCallTimer::ToolCallTimer(FleetModel& fleet, long& event_counter)
    : fleet_(fleet), events_(event_counter), wake_(sg4::Semaphore::create(0)) {}

void ToolCallTimer::schedule(double at_s, std::uint32_t session_slot) {
  due_.push({at_s, next_order_++, session_slot});
  if (at_s < sleeping_until_ && !signaled_) {
    signaled_ = true;
    wake_->release();
  }
}

void ToolCallTimer::run() {
  while (true) {
    const double now = sg4::Engine::get_clock();
    if (!due_.empty() && due_.top().at_s <= now) {
      const std::uint32_t slot = due_.top().slot;
      due_.pop();
      ++events_;
      fleet_.tool_finished(slot);
      continue;
    }
    if (due_.empty()) {
      sleeping_until_ = std::numeric_limits<double>::infinity();
      wake_->acquire();
    } else {
      sleeping_until_ = due_.top().at_s;
      wake_->acquire_timeout(sleeping_until_ - now);
    }
    sleeping_until_ = -std::numeric_limits<double>::infinity();
    signaled_ = false;
  }
}

}  // namespace fleetsim
