// A workload's `arrivals:`: when new sessions start.
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/scenario.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

std::optional<ArrivalProcess> read_arrivals(YamlReader& reader, const YAML::Node& node, const std::string& path);

}  // namespace fleetsim
