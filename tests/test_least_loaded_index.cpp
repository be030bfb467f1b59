#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "fleetsim/core/least_loaded_index.hpp"
#include "fleetsim/core/rng.hpp"

using fleetsim::LeastLoadedIndex;

TEST_CASE("The least-loaded index agrees with a scan, ties to the lowest slot", "[router]") {
  for (std::size_t n : {1u, 2u, 3u, 7u, 64u, 1000u}) {
    LeastLoadedIndex index(n);
    std::vector<std::uint32_t> loads(n, 0);
    CHECK(index.least() == 0);
    fleetsim::Rng rng(n, 9);
    for (int step = 0; step < 5000; ++step) {
      const std::size_t slot = rng.next_u64() % n;
      const auto load = static_cast<std::uint32_t>(rng.next_u64() % 5);
      index.set(slot, load);
      loads[slot] = load;
      const auto expected = std::min_element(loads.begin(), loads.end()) - loads.begin();
      REQUIRE(index.least() == static_cast<std::size_t>(expected));
    }
  }
}
