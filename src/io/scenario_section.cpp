#include "fleetsim/io/scenario_section.hpp"

#include "scenario_context.hpp"

namespace fleetsim {

YamlReader& ScenarioSoFar::reader() const { return context_.reader; }

const Pool* ScenarioSoFar::find_pool(const std::string& name) const { return context_.find_pool(name); }

std::vector<std::string> ScenarioSoFar::pool_names() const { return context_.pool_names(); }

const HardwareSpec* ScenarioSoFar::resolve_hardware(const std::string& name, const YAML::Node& at,
                                                    const std::string& path) const {
  return context_.resolve_hardware({name, at, path});
}

}  // namespace fleetsim
