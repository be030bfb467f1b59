// The engine as a module: what libfleetsim_engine.so exports, and what the
// command line checks before it calls it (src/cli/engine_module.cpp).
//
// The SimGrid engine is built as a module that fleetsim loads at its first
// simulation, not linked into the binary. SimGrid's Debian library brings
// ns-3, GSL and gfortran with it (30 shared libraries): loading and
// relocating them, and their static constructors, took about 55 ms of a
// 62 ms start of `fleetsim --version` (docs/performance.md, "Where the time
// goes", step 18). A
// command that simulates nothing (validate, schema, diff, merge, a refused
// input, the test binary's cases) no longer pays it; a workflow's children
// are forks of a process that loaded the module once.
//
// The module holds its own copy of the core (src/core), with hidden
// symbols, so the two sides share nothing but the types passed through this
// table. They must therefore come from one build: the table carries the
// version and the sizes of those types, and a module from another build is
// refused.
#pragma once

#include <cstddef>

#include "fleetsim/engine/simulation.hpp"

namespace fleetsim {

inline constexpr int kEngineModuleAbi = 1;
// The module's file, beside the binary in a build tree and in
// LIBDIR/fleetsim once installed.
inline constexpr const char* kEngineModuleFile = "libfleetsim_engine.so";

struct EngineModule {
  int abi = 0;                  // kEngineModuleAbi
  const char* version = "";     // the project version the module was built as
  std::size_t scenario_size = 0;  // sizeof(Scenario), as the module sees it
  std::size_t options_size = 0;   // sizeof(SimulationOptions)
  std::size_t report_size = 0;    // sizeof(Report)
  Report (*simulate)(const Scenario&, const SimulationOptions&) = nullptr;
  bool (*simulation_ran)() = nullptr;
};

}  // namespace fleetsim

// The module's one exported symbol.
extern "C" const fleetsim::EngineModule* fleetsim_engine_module();
