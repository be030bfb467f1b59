// Variants: one scenario file, several fleets (or traffic levels) to compare.
//
//   variants:
//     graviton4:            # a partial scenario, merged over the base
//       fleet: {...}
//
// A variant's maps merge into the base key by key; its lists and scalars
// replace the base's. Every node keeps its place in the file, so errors in a
// variant point at the variant's lines.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "yaml_reader.hpp"

namespace fleetsim {

// A new map sharing the base's and the overlay's nodes (keys included, so
// that every diagnostic keeps its line), with the overlay merged in: maps
// merge key by key, lists and scalars are replaced. Top-level keys named in
// `skipped` are left out of both (a variant's `variants`, a cell's `cells`
// and its own name and traffic).
YAML::Node merge_over(const YAML::Node& base, const YAML::Node& overlay, const std::vector<std::string>& skipped = {});

// Names of the variants the document declares, in file order; reports a
// malformed `variants` section.
std::vector<std::string> read_variant_names(YamlReader& reader, const YAML::Node& root);

// The document to read for `variant`: the base itself when `variant` is empty
// (its `variants` section is then ignored), else the base with that variant
// merged in and without its `variants` section.
// nullopt (after reporting it) when the variant does not exist.
std::optional<YAML::Node> select_variant(YamlReader& reader, const YAML::Node& root, const std::string& variant);

}  // namespace fleetsim
