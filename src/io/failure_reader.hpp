// Reads a pool's `failures:` map (docs/scenario-format.md, "Failures").
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/failure_spec.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// The settings, each checked on its own; nullopt after an error. What
// depends on the rest of the pool the pool reader checks.
// `autoscaled`: the pool autoscales, so a failed node is replaced, not
// repaired: mttr and notice are refused.
std::optional<FailureSpec> read_failures(YamlReader& reader, const YAML::Node& map, const std::string& path,
                                         bool autoscaled);

}  // namespace fleetsim
