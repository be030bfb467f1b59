// The built-in weight formats (src/catalog/formats.yaml, compiled in).
#pragma once

#include <vector>

#include "fleetsim/weight_format.hpp"
#include "yaml_reader.hpp"

namespace fleetsim {

// Parsed once. Throws InputError if the data is broken (a build defect,
// caught by the tests).
const std::vector<WeightFormat>& builtin_weight_formats();

// The formats by name, for `weight_format:` keys.
const Choices<WeightFormat>& weight_format_choices();

}  // namespace fleetsim
