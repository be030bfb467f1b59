// Loads the SimGrid engine module (fleetsim/engine/engine_module.hpp) and
// implements fleetsim/engine/simulation.hpp's functions through it.
#pragma once

namespace fleetsim {

// Loads the module now, if it is not loaded yet, and says whether it is.
// A workflow calls it before it forks its children, so that each child
// starts with the engine loaded; a failure is left for the child's run to
// report.
bool preload_engine_module() noexcept;

}  // namespace fleetsim
