// The fleet model's timer tokens (FleetDriver::call_back_at): what is due in
// the top four bits, an index below them (an autoscaled pool's, or a node's
// host index over the fleet).
#pragma once

#include <cstddef>
#include <cstdint>

namespace fleetsim {

enum class FleetTimer : std::uint32_t {
  evaluate = 0,     // an autoscaler's evaluation; index: the autoscaled pool
  node_up = 1,      // a started node has provisioned; index: host
  drain_check = 2,  // a draining node may be idle; index: host
  node_fail = 3,    // a node fails; index: host
  node_repair = 4,  // a failed node serves again; index: host
  node_notice = 5,  // a node is warned that it will fail after its notice; index: host
  kv_transfer = 6,  // a prefilled call's KV cache reached its decode replica; index: session slot
  tool_node = 7,    // a processor-sharing tool node's next call ends; index: node over all tool pools
  power_cap = 8,    // a power cap's next step begins; index: the step
  tool_node_fail = 9,     // a tool pool's node fails; index: node over all tool pools
  tool_node_repair = 10,  // a failed tool node serves again; index: as tool_node_fail
  request_path = 11,      // a call has crossed its server's front end; index: session slot
  decode_path = 12,       // a prefilled call has crossed its decode server's front end; index: session slot
};

inline constexpr std::uint32_t kFleetTimerIndexBits = 28;
inline constexpr std::uint32_t kFleetTimerIndexMask = (1u << kFleetTimerIndexBits) - 1;

inline std::uint32_t fleet_timer_token(FleetTimer what, std::size_t index) {
  return (static_cast<std::uint32_t>(what) << kFleetTimerIndexBits) | static_cast<std::uint32_t>(index);
}
inline FleetTimer fleet_timer_kind(std::uint32_t token) { return static_cast<FleetTimer>(token >> kFleetTimerIndexBits); }
inline std::size_t fleet_timer_index(std::uint32_t token) { return token & kFleetTimerIndexMask; }

}  // namespace fleetsim
