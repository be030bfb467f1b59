// Loads the SimGrid engine module (fleetsim/engine/engine_module.hpp) and
// implements fleetsim/engine/simulation.hpp's functions through it.
#pragma once

#include <stdexcept>

namespace fleetsim {

// The engine module is missing or from another build: an incomplete
// installation, not a defect of the run. The command line says so and exits
// 3 (exit_codes.hpp), without the defect report's request.
class EngineUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads the module now, if it is not loaded yet, and says whether it is.
// A workflow calls it before it forks its children, so that each child
// starts with the engine loaded; a failure is left for the child's run to
// report.
bool preload_engine_module() noexcept;

}  // namespace fleetsim
