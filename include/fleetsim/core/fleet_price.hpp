// What nodes cost per hour, for the `plan` search (its candidate pools on
// demand, its fixed pools as bought); purchase.hpp prices a pool's split.
#pragma once

#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

// The hourly price of `count` nodes at `node_price_per_hour_usd` each; no
// nodes cost nothing.
inline double nodes_price_per_hour(int count, double node_price_per_hour_usd) {
  return count > 0 ? count * node_price_per_hour_usd : 0.0;
}

// The hourly price of a pool's nodes, bought as the pool says (purchase.hpp).
inline double pool_price_per_hour(const Pool& pool) {
  return price_pool(pool.purchase, pool.count, pool.hardware.price_per_hour_usd, pool.hardware.purchase_options)
      .price_per_hour_usd;
}

}  // namespace fleetsim
