#include "fleetsim/core/power_state.hpp"

#include <algorithm>

namespace fleetsim {

const PowerState* find_power_state(const HardwareSpec& hw, std::string_view name) {
  for (const PowerState& s : hw.pstates)
    if (s.name == name) return &s;
  return nullptr;
}

HardwareSpec at_power_state(const HardwareSpec& hw, const PowerState& state) {
  HardwareSpec out = hw;
  const double f = state.clock;
  for (auto& [type, flops] : out.peak_flops) flops *= f;
  // Switching power alpha C V^2 f: only the part above idle switches with
  // the work, so only that part follows the state.
  const double dynamic = f * state.voltage * state.voltage;
  DevicePower& p = out.device_power;
  p.compute_bound_w = p.idle_w + (hw.device_power.compute_bound_w - p.idle_w) * dynamic;
  p.memory_bound_w = p.idle_w + (hw.device_power.memory_bound_w - p.idle_w) * dynamic;
  if (hw.kind == DeviceKind::cpu) {
    out.clock_hz = hw.clock_hz * f;
    // A CPU replica's per-iteration host work runs on the cores whose clock
    // changed; a GPU's runs on the host CPU, which the state leaves alone.
    out.iteration_overhead_s = hw.iteration_overhead_s / f;
  }
  return out;
}

PowerState current_power_state(const HardwareSpec& hw, std::string_view name) {
  const PowerState* s = name.empty() ? nullptr : find_power_state(hw, name);
  return s != nullptr ? *s : PowerState{};
}

std::vector<PowerState> slower_power_states(const HardwareSpec& hw, const PowerState& current) {
  std::vector<PowerState> out;
  for (const PowerState& s : hw.pstates)
    if (s.clock < current.clock) out.push_back(s);
  std::stable_sort(out.begin(), out.end(), [](const PowerState& a, const PowerState& b) { return a.clock > b.clock; });
  return out;
}

HardwareSpec from_power_state(const HardwareSpec& hw, const PowerState& current, const PowerState& target) {
  return at_power_state(hw, {target.name, target.clock / current.clock, target.voltage / current.voltage});
}

}  // namespace fleetsim
