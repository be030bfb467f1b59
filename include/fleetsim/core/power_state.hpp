// A node type run at one of its frequency states (docs/performance-model.md,
// section 5.2). The state is applied once, when the scenario is read, to the
// pool's own copy of its hardware: the roofline and the power model then
// see a slower, cooler device and the hot path pays nothing for it.
//
// With f the clock and V the voltage as fractions of the nominal state:
//   peak FLOP/s            x f        (a matrix unit does a fixed number of FLOPs per cycle)
//   memory bandwidth       unchanged  (HBM and DRAM run on their own clock)
//   P_x - P_idle           x f * V^2  (CMOS switching power, alpha C V^2 f), x = compute_bound, memory_bound
//   P_idle, host power     unchanged  (the baseline; idle devices clock down whatever the state)
//   CPU: clock_hz x f, iteration_overhead / f (host code on the same cores)
#pragma once

#include <string_view>
#include <vector>

#include "fleetsim/core/hardware.hpp"

namespace fleetsim {

// The state named `name` among hw.pstates, or nullptr.
const PowerState* find_power_state(const HardwareSpec& hw, std::string_view name);

// `hw` at `state`, by the rules above.
HardwareSpec at_power_state(const HardwareSpec& hw, const PowerState& state);

// The state `hw` runs at: the one named `name`, or the nominal state (clock
// and voltage 1) when the name is empty or unknown.
PowerState current_power_state(const HardwareSpec& hw, std::string_view name);

// The states of `hw` with a lower clock than `current`, fastest first (a
// power cap's lower_clocks response tries them in this order).
std::vector<PowerState> slower_power_states(const HardwareSpec& hw, const PowerState& current);

// `hw`, already at `current` (at_power_state), moved to `target`: the rules
// above with clock and voltage taken relative to `current`, so that the
// nominal figures need not be kept.
HardwareSpec from_power_state(const HardwareSpec& hw, const PowerState& current, const PowerState& target);

}  // namespace fleetsim
