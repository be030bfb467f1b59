// Size limits of a parsed YAML document (input_limits.hpp), checked once
// before any reader walks it: nesting depth, items per list or map, and the
// maps a merge key (<<) brings in. Anchors and aliases share nodes, so a
// small file can describe a huge tree; these checks visit each node once.
#pragma once

#include <yaml-cpp/yaml.h>

#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// Reports every limit exceeded (located, with the limit) and returns false
// when one was.
bool check_yaml_limits(YamlReader& reader, const YAML::Node& root);

}  // namespace fleetsim
