// Text -> YAML tree, turning yaml-cpp's exceptions into located diagnostics.
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "yaml_reader.hpp"

namespace fleetsim {

// The document's root, or nullopt after reporting a syntax error or an empty
// document. `what` names what the document should hold, for the empty case
// ("a scenario"); `empty_hint` says where to learn the format.
std::optional<YAML::Node> parse_yaml_document(YamlReader& reader, const std::string& text, std::string_view what,
                                              std::string_view empty_hint = {});

}  // namespace fleetsim
