// A site power cap as a scenario gives it (docs/performance-model.md 5.3):
// the cap, fixed or as steps in time, and what a replica does when its next
// plan does not fit. The gate that applies it is power_cap.hpp.
#pragma once

#include <cstdint>
#include <vector>

namespace fleetsim {

// What a replica whose next plan would take the fleet above the cap does.
//   delay:        it waits, first come first served, until the plan fits.
//   lower_clocks: it runs the plan at the fastest lower frequency state of
//                 its hardware whose draw fits, and waits only when none
//                 does (or the hardware lists no lower state).
enum class PowerCapResponse : std::uint8_t { delay, lower_clocks };

// From `at_s` into the run (into each period, with a repeat) the cap is `cap_w`.
struct PowerCapStep {
  double at_s = 0.0;
  double cap_w = 0.0;
};

struct PowerCapSpec {
  // Empty: no cap. The first step is at 0; steps are in time order. A fixed
  // cap is one step.
  std::vector<PowerCapStep> steps;
  double repeat_s = 0.0;  // > 0: the steps repeat with this period
  PowerCapResponse response = PowerCapResponse::delay;

  bool enabled() const { return !steps.empty(); }
  bool scheduled() const { return steps.size() > 1; }
  // The lowest and highest caps of the steps (the loader checks the lowest).
  double lowest_w() const;
  double highest_w() const;
};

}  // namespace fleetsim
