#include <catch2/catch.hpp>

#include <deque>
#include <map>

#include "fleetsim/core/retained_kv.hpp"
#include "fleetsim/core/rng.hpp"

using fleetsim::RetainedKv;

TEST_CASE("Retained KV behaves like a map plus an LRU queue", "[kv]") {
  RetainedKv kv;
  std::map<std::uint64_t, long> model;
  std::deque<std::uint64_t> order;
  fleetsim::Rng rng(4, 4);
  for (int step = 0; step < 200000; ++step) {
    const std::uint64_t key = 1 + rng.next_u64() % 3000;
    const int op = static_cast<int>(rng.next_u64() % 3);
    if (op == 0 && !model.count(key)) {
      kv.push({key, static_cast<long>(key % 7), 0, 0.0});
      model[key] = static_cast<long>(key % 7);
      order.push_back(key);
    } else if (op == 1) {
      const auto got = kv.take(key);
      REQUIRE(got.has_value() == (model.count(key) == 1));
      if (got) {
        CHECK(got->blocks == model[key]);
        model.erase(key);
        order.erase(std::find(order.begin(), order.end(), key));
      }
    } else if (op == 2 && !order.empty() && rng.uniform01() < 0.2) {
      REQUIRE(kv.oldest().session_key == order.front());
      const auto e = kv.pop_oldest();
      model.erase(e.session_key);
      order.pop_front();
    }
    REQUIRE(kv.size() == model.size());
  }
  for (const auto& [key, blocks] : model) CHECK(kv.contains(key));
}
