// The built-in weight formats (src/catalog/formats.yaml, compiled in).
#pragma once

#include <vector>

#include "fleetsim/io/weight_format.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// The formats by name, for `weight_format:` keys.
const Choices<WeightFormat>& weight_format_choices();

}  // namespace fleetsim
