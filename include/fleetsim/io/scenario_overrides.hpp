// `--set PATH=VALUE`: command-line edits of a scenario, applied to its YAML
// tree (after the variant is merged, before validation) so that every value
// is checked exactly like one written in the file.
//
// PATH is keys separated by dots. A list item is named by its `name`
// (fleet.pools.gpu.count) or by its index (fleet.pools[0].count); a key that
// itself contains dots is matched whole when the file has it, or can be
// quoted ("hardware.\"h100-p5.48xlarge\".price_per_hour"). A key missing from
// a map is added, so optional keys can be set (the loader then rejects unknown
// keys with did-you-mean); a list item that does not exist is an error here.
// VALUE is YAML: 10, 3/s, [a, b], {dist: fixed, value: 3}.
//
// Like variants, the edit builds new maps and lists that share every
// untouched node with the original, so diagnostics keep their lines.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fleetsim/core/diagnostics.hpp"

namespace fleetsim {

// Where one override wrote: diagnostics at or below `key_path` are about its
// value, and name `argument` instead of a line of the file.
struct AppliedOverride {
  std::string argument;  // "fleet.pools.gpu.count=3"
  std::string key_path;  // "fleet.pools[0].count", or the first key it created
};

struct OverrideOutcome {
  std::optional<YAML::Node> document;  // nullopt when some override could not be applied
  std::vector<AppliedOverride> applied;
  std::size_t errors = 0;
};

// Applies the overrides in order; each problem becomes a diagnostic whose
// "file" is the `--set` argument.
OverrideOutcome apply_overrides(const YAML::Node& root,
                                const std::vector<std::pair<std::string, std::string>>& overrides,
                                std::vector<Diagnostic>& diagnostics);

// Rewrites diagnostics[first..] that concern a node an override wrote so that
// they name the `--set` argument (the value has no line in the file).
void attribute_to_overrides(std::vector<Diagnostic>& diagnostics, std::size_t first,
                            const std::vector<AppliedOverride>& applied);

}  // namespace fleetsim
