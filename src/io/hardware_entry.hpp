// One hardware entry: the same schema in the catalog (src/catalog/hardware.yaml)
// and in a scenario's `hardware:` map.
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/hardware.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// Reads `entry` (a map) describing hardware `name`. With a `base` (the catalog
// entry it starts from) only the keys given override it, nested maps key by key;
// without one every required key must be present. `extra_keys` are allowed and
// left to the caller (a scenario's `catalog:`). nullopt if anything was wrong.
// The keys a hardware entry takes, whatever its kind (the CPU-only and
// GPU-only keys are checked against the kind by the reader).
std::vector<std::string> hardware_entry_keys();

std::optional<HardwareSpec> read_hardware_entry(YamlReader& reader, const YAML::Node& entry,
                                                const std::string& path, const std::string& name,
                                                const HardwareSpec* base,
                                                const std::vector<std::string>& extra_keys = {});

}  // namespace fleetsim
