// What nodes cost per hour: the one place a node's hourly price is
// multiplied by a count of nodes (the `plan` search, its fixed pools).
#pragma once

#include "fleetsim/scenario.hpp"

namespace fleetsim {

// The hourly price of `count` nodes at `node_price_per_hour_usd` each; no
// nodes cost nothing.
inline double nodes_price_per_hour(int count, double node_price_per_hour_usd) {
  return count > 0 ? count * node_price_per_hour_usd : 0.0;
}

// The hourly price of a pool's nodes.
inline double pool_price_per_hour(const Pool& pool) {
  return nodes_price_per_hour(pool.count, pool.hardware.price_per_hour_usd);
}

}  // namespace fleetsim
