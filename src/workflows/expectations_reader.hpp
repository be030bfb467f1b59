// Reads an `expect:` map (fleetsim/workflows/expectation.hpp) with located diagnostics.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fleetsim/workflows/expectation.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// `map` is the value of an `expect` key at `path`.
std::vector<Expectation> read_expectations(YamlReader& reader, const YAML::Node& map, const std::string& path);

}  // namespace fleetsim
