// Runs a scenario on the SimGrid engine and returns its report.
//
// SimGrid allows one engine per process: call simulate() once per process
// (sweeps run points in separate processes).
#pragma once

#include "fleetsim/report.hpp"
#include "fleetsim/scenario.hpp"

namespace fleetsim {

struct SimulationOptions {
  bool progress = false;  // log progress on long runs (spdlog, info level)
};

Report simulate(const Scenario& scenario, const SimulationOptions& options = {});

}  // namespace fleetsim
