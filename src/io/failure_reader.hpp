// Reads a pool's `failures:` map (docs/scenario-format.md, "Failures").
#pragma once

#include <optional>
#include <string>

#include "fleetsim/failure_spec.hpp"
#include "yaml_reader.hpp"

namespace fleetsim {

// The settings, each checked on its own; nullopt after an error. What
// depends on the rest of the pool the pool reader checks.
std::optional<FailureSpec> read_failures(YamlReader& reader, const YAML::Node& map, const std::string& path);

}  // namespace fleetsim
