// Taking pools out of a scenario, for `fleetsim plan` (a pool planned at 0
// nodes is left out of the fleet), as `--set` overrides that any
// `fleetsim run` can apply.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fleetsim/io/scenario_loader.hpp"

namespace fleetsim {

// Overrides (applied after `options.overrides`) that replace `fleet.pools`
// with the list without `removed`, and `routing` with routes that no longer
// name them: a removed pool is dropped from a route's pools and overflow; a
// route left with no pool falls back to its overflow pool, or is dropped (the
// loader then routes the model to every pool that serves it, or reports that
// none does). nullopt when the file cannot be read as YAML (loading it
// reports why).
std::optional<std::vector<std::pair<std::string, std::string>>> overrides_removing_pools(
    const std::string& scenario_path, const LoadOptions& options, const std::vector<std::string>& removed);

}  // namespace fleetsim
