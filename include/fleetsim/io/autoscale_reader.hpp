// Reads a pool's `autoscale:` map (docs/scenario-format.md, "Autoscaling").
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/autoscale_spec.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// The settings, each checked on its own (bounds, units, the policy against
// the registry, the schedule's order); nullopt after an error. What depends
// on the rest of the pool (its `count` within min..max) the pool reader checks.
std::optional<AutoscaleSpec> read_autoscale(YamlReader& reader, const YAML::Node& map, const std::string& path);

}  // namespace fleetsim
