// Device power as a function of what the device is doing.
//
// A device draws `idle` with weights resident and no work, close to
// `compute_bound` while its matrix units are saturated (prefill) and
// `memory_bound` while it streams weights and KV (decode). Over work lasting
// T seconds of which C are compute time and M memory time (roofline terms),
// the energy above idle is
//
//   E_dyn = (P_c - P_idle) * C + (P_m - P_idle) * M * (1 - C / T)
//
// so a compute-bound stretch (C = T) draws P_c, a memory-bound one (C ~ 0,
// M = T) draws P_m, and overhead time draws idle. docs/performance-model.md
// derives it and relates it to SimGrid's linear host energy model.
#pragma once

#include <algorithm>

#include "fleetsim/core/hardware.hpp"

namespace fleetsim {

class PowerModel {
 public:
  // `share`: of each device, the part this replica draws (1 / the replicas
  // sharing a CPU socket, replicas_per_device; 1 for a replica that has its
  // devices to itself).
  PowerModel(const DevicePower& device, int devices, double share = 1.0)
      : device_(device), devices_(devices), share_(share) {}

  // Energy above idle, for all `devices` of a replica together.
  double dynamic_energy_j(double duration_s, double compute_s, double memory_s) const {
    if (duration_s <= 0.0) return 0.0;
    const double c = std::min(compute_s, duration_s);
    const double m = std::min(memory_s, duration_s);
    const double per_device = (device_.compute_bound_w - device_.idle_w) * c +
                              (device_.memory_bound_w - device_.idle_w) * m * (1.0 - c / duration_s);
    return per_device * devices_ * share_;
  }

 private:
  DevicePower device_;
  int devices_;
  double share_;
};

}  // namespace fleetsim
