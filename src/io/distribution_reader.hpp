// A random quantity in a scenario: a plain value (fixed) or {dist: ..., ...}.
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/distribution.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// What a distribution measures at the place it is read.
struct DistributionUse {
  Dimension dimension = Dimension::dimensionless;  // of its values and location parameters
  double lower = 0.0;  // samples are clamped to at least this (1 for output tokens)
  // The key's documented maximum (input_limits.hpp): every value parameter
  // must lie in [0, upper], and samples are clamped to it, so that a heavy
  // tail cannot reach a value no conversion to an integer can hold.
  double upper = 0.0;
};

// The keys a distribution's map takes: those of `kind`, or of every kind when
// it is unknown (so that only a word no kind takes is called misspelt).
std::vector<std::string> distribution_keys(std::optional<Distribution::Kind> kind);

std::optional<Distribution> read_distribution(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                              const DistributionUse& use);

}  // namespace fleetsim
