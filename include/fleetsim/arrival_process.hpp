// Session arrival times for one workload.
#pragma once

#include <limits>

#include "fleetsim/rng.hpp"
#include "fleetsim/scenario.hpp"

namespace fleetsim {

class ArrivalGenerator {
 public:
  ArrivalGenerator(const ArrivalProcess& process, Rng rng) : process_(process), rng_(rng) {}

  // The next arrival strictly after `t`; infinity when no more will come.
  double next_after(double t);

  // The instantaneous rate at time t (sessions per second).
  double rate_at(double t) const;

 private:
  ArrivalProcess process_;
  Rng rng_;
};

}  // namespace fleetsim
