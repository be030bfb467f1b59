// Ends tool calls at their due times: one actor sleeping until the earliest.
#pragma once

#include <cstdint>
#include <limits>
#include <queue>
#include <vector>

#include <simgrid/s4u.hpp>

#include "fleetsim/fleet_model.hpp"

namespace fleetsim {

class ToolCallTimer {
 public:
  ToolCallTimer(FleetModel& fleet, long& event_counter);

  void schedule(double at_s, std::uint32_t session_slot);
  void run();  // the actor's body; never returns (daemon)

 private:
  struct Due {
    double at_s;
    std::uint64_t order;  // ties resolve in scheduling order: deterministic
    std::uint32_t slot;
    bool operator>(const Due& o) const { return at_s != o.at_s ? at_s > o.at_s : order > o.order; }
  };

  FleetModel& fleet_;
  long& events_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::uint64_t next_order_ = 0;
  simgrid::s4u::SemaphorePtr wake_;
  double sleeping_until_ = std::numeric_limits<double>::infinity();
  bool signaled_ = false;
};

}  // namespace fleetsim
