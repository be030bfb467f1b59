// One model entry: the same schema in the catalog (src/catalog/models.yaml) and
// in a scenario's `models:` map.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/model_spec.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// Data types in the order messages list them.
const Choices<DataType>& data_type_choices();

// As read_hardware_entry: `base` is the catalog entry overridden, if any.
// The keys a model entry takes.
std::vector<std::string> model_entry_keys();

std::optional<ModelSpec> read_model_entry(YamlReader& reader, const YAML::Node& entry, const std::string& path,
                                          const std::string& name, const ModelSpec* base,
                                          const std::vector<std::string>& extra_keys = {});

}  // namespace fleetsim
