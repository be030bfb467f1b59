// The built-in weight formats (src/catalog/formats.yaml, compiled in).
#pragma once

#include <vector>

#include "fleetsim/core/model_spec.hpp"

#include "fleetsim/io/weight_format.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// The formats by name, for `weight_format:` keys.
const Choices<WeightFormat>& weight_format_choices();

// A format's storage taken as an output head's own (ModelSpec::head_storage).
ModelSpec::HeadStorage head_storage_in(const WeightFormat& format);

}  // namespace fleetsim
