// A workload's `arrivals:`: when new sessions start.
#pragma once

#include <optional>
#include <string>

#include "fleetsim/scenario.hpp"
#include "yaml_reader.hpp"

namespace fleetsim {

std::optional<ArrivalProcess> read_arrivals(YamlReader& reader, const YAML::Node& node, const std::string& path);

// The highest rate the process reaches; 0 when it never starts a session.
double peak_rate_per_s(const ArrivalProcess& arrivals);

}  // namespace fleetsim
