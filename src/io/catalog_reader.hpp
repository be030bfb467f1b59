// Catalog YAML text -> Catalog, with the entry parsers scenarios use too.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/core/diagnostics.hpp"

namespace fleetsim {

// `hardware_yaml` has a top-level `hardware:` map, `models_yaml` a `models:`
// map and `stacks_yaml`, unless empty, a `stacks:` map. Each entry is
// complete, or starts from an entry above it in its map with `catalog: NAME`
// and gives only the keys that differ (nested maps key by key, `sources`
// included). The labels name the texts in diagnostics. nullopt, with the
// reasons in `diagnostics`, if anything is wrong.
std::optional<Catalog> read_catalog(const std::string& hardware_yaml, const std::string& hardware_label,
                                    const std::string& models_yaml, const std::string& models_label,
                                    std::vector<Diagnostic>& diagnostics, const std::string& stacks_yaml = {},
                                    const std::string& stacks_label = {});

}  // namespace fleetsim
