// Ends tool calls at their due times. The due times wait in a heap of our own
// and one SimGrid kernel timer is set for the earliest, which keeps the
// kernel's timer heap small whatever the number of tool calls in flight.
#pragma once

#include <cstdint>
#include <limits>
#include <queue>
#include <vector>

#include <simgrid/kernel/Timer.hpp>

#include "fleetsim/fleet_model.hpp"

namespace fleetsim {

class ToolCallTimer {
 public:
  ToolCallTimer(FleetModel& fleet, long& event_counter);

  void schedule(double at_s, std::uint32_t session_slot);  // kernel context
  void stop();

 private:
  struct Due {
    double at_s;
    std::uint64_t order;  // ties resolve in scheduling order: deterministic
    std::uint32_t slot;
    bool operator>(const Due& o) const { return at_s != o.at_s ? at_s > o.at_s : order > o.order; }
  };
  void arm();
  void fire();

  FleetModel& fleet_;
  long& events_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::uint64_t next_order_ = 0;
  simgrid::kernel::timer::Timer* timer_ = nullptr;
  double armed_for_ = std::numeric_limits<double>::infinity();
  bool firing_ = false;
  bool stopped_ = false;
};

}  // namespace fleetsim
