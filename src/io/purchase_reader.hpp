// Reads purchase options: a node type's `purchase:` map and a pool's
// `purchase:` (purchase.hpp, docs/scenario-format.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/purchase.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// A node type's `purchase:` map, option name -> {price_per_hour} or
// {capital, life_years, interest_rate}. Options named here replace those of
// the same name in `options` (inherited from a catalog entry); others stay.
void read_purchase_options(YamlReader& reader, const YAML::Node& map, const std::string& path,
                           std::vector<PurchaseOption>& options);

// A pool's `purchase:`: an option name, or {base: NAME, base_nodes: N,
// burst: NAME}. Every name must be an option of the pool's node type
// (`on_demand`, or one of `options`).
std::optional<PoolPurchase> read_pool_purchase(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                               const std::vector<PurchaseOption>& options);

}  // namespace fleetsim
