#include "engine_module.hpp"

#include <dlfcn.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "fleetsim/engine/engine_module.hpp"
#include "suite_location.hpp"

#ifndef FLEETSIM_VERSION
#define FLEETSIM_VERSION "0.0.0"
#endif
// Where an installed module lies, from the installed binary's folder
// (CMakeLists.txt: LIBDIR/fleetsim from BINDIR).
#ifndef FLEETSIM_ENGINE_FROM_BINDIR
#define FLEETSIM_ENGINE_FROM_BINDIR "../lib/fleetsim"
#endif

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

const EngineModule* loaded_module = nullptr;

// Why `module` does not belong to this binary, or empty.
std::string mismatch(const EngineModule& module) {
  if (module.abi != kEngineModuleAbi) return "its interface is version " + std::to_string(module.abi);
  if (std::strcmp(module.version, FLEETSIM_VERSION) != 0) return std::string("it is fleetsim ") + module.version;
  if (module.scenario_size != sizeof(Scenario) || module.options_size != sizeof(SimulationOptions) ||
      module.report_size != sizeof(Report))
    return "it was built from other sources (its Scenario, SimulationOptions or Report differ)";
  if (module.simulate == nullptr || module.simulation_ran == nullptr) return "its entry table is empty";
  return {};
}

// The module beside the binary (a build tree), else where the install put it.
const EngineModule& engine_module() {
  if (loaded_module != nullptr) return *loaded_module;
  const fs::path folder = binary_dir();
  std::string tried;
  for (const fs::path& path : {folder / kEngineModuleFile, folder / FLEETSIM_ENGINE_FROM_BINDIR / kEngineModuleFile}) {
    tried += "\n  " + path.lexically_normal().string();
    if (!fs::exists(path)) {
      tried += ": not there";
      continue;
    }
    // RTLD_LOCAL: the module's own copy of the core stays its own.
    void* handle = ::dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (handle == nullptr) {
      tried += std::string(": ") + ::dlerror();
      continue;
    }
    using Entry = const EngineModule* (*)();
    const auto entry = reinterpret_cast<Entry>(::dlsym(handle, "fleetsim_engine_module"));
    const EngineModule* module = entry ? entry() : nullptr;
    const std::string why = module ? mismatch(*module) : "it exports no fleetsim_engine_module";
    if (!why.empty()) {
      tried += ": not this fleetsim's engine: " + why;
      ::dlclose(handle);
      continue;
    }
    loaded_module = module;
    return *loaded_module;
  }
  throw EngineUnavailable(std::string("cannot load fleetsim's simulation engine, ") + kEngineModuleFile +
                          ", which a fleetsim " FLEETSIM_VERSION " installation holds beside the binary or in "
                          "LIBDIR/fleetsim (cmake --install and the .deb put it there); tried:" + tried);
}

}  // namespace

bool preload_engine_module() noexcept {
  try {
    engine_module();
    return true;
  } catch (...) {
    return false;
  }
}

Report simulate(const Scenario& scenario, const SimulationOptions& options) {
  return engine_module().simulate(scenario, options);
}

bool simulation_ran_in_this_process() { return loaded_module != nullptr && loaded_module->simulation_ran(); }

}  // namespace fleetsim
