// Retention that follows the session (kv_retention tool_gap and idleness):
// caches freed when their session leaves a replica, and caches evicted in
// the order of their sessions' idleness, from the ranking itself up to a
// fleet run computed by hand.
#include <catch2/catch.hpp>

#include <limits>
#include <memory>

#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/idleness_rank.hpp"
#include "fleetsim/core/session_graph.hpp"
#include "support/batcher_driver.hpp"
#include "support/fixtures.hpp"
#include "support/toy_fleet.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

ContinuousBatcher make_retention_batcher(const char* retention, long blocks) {
  EngineSettings engine;  // 16-token blocks
  engine.kv_retention = retention;
  return ContinuousBatcher(std::make_shared<RooflineModel>(llama_8b(), h100_node(), engine), engine,
                           PowerModel(h100_node().device_power, 1), blocks, 1, 0.0, nullptr);
}

CallRequest idle_call(std::uint64_t id, std::uint64_t session, long prompt, double at, double idleness) {
  CallRequest c = call(id, session, prompt, 1, at);
  c.idleness = quantize_idleness(idleness);
  return c;
}

}  // namespace

TEST_CASE("Idleness ranks the idlest session first, ties least recently retained first", "[kv_policy]") {
  CHECK(quantize_idleness(0.0) == 0);
  CHECK(quantize_idleness(1.0) == 65535);
  CHECK(quantize_idleness(0.5) == 32768);  // 32767.5 rounded half away from zero
  CHECK(quantize_idleness(-0.2) == 0);
  CHECK(quantize_idleness(1.5) == 65535);

  IdlenessRank rank;
  rank.add(11, 100);
  rank.add(12, 500);
  rank.add(13, 500);
  rank.add(14, 200);
  rank.add(15, 900);
  rank.remove(15);
  rank.remove(99);  // not ranked: nothing
  REQUIRE(rank.size() == 4);
  CHECK(rank.pop_most_idle() == 12);
  CHECK(rank.pop_most_idle() == 13);
  CHECK(rank.pop_most_idle() == 14);
  CHECK(rank.pop_most_idle() == 11);
  CHECK(rank.empty());
}

TEST_CASE("A session's idleness is its time on tools alone over its time so far", "[kv_policy]") {
  SessionGraphTally g;
  g.start(10.0);
  CHECK(g.tool_wait_fraction(10.0) == 0.0);  // no time yet
  g.llm_call_changes(10.0, +1);
  g.llm_call_changes(12.0, -1);
  g.tool_call_changes(12.0, +1);
  g.tool_call_changes(18.0, -1);
  g.llm_call_changes(18.0, +1);  // the next call: 6 s of tools in 8 s
  CHECK(g.tool_wait_fraction(10.0) == 0.75);
  // A tool running beside a model call is not waiting on tools alone.
  g.tool_call_changes(18.0, +1);
  g.llm_call_changes(20.0, -1);
  g.llm_call_changes(20.0, +1);
  CHECK(g.tool_wait_fraction(10.0) == 0.6);  // 6 of 10 s
}

TEST_CASE("tool_gap frees a session's cache from device memory or its tier once told the session left",
          "[kv_policy][batcher][kv_tiers]") {
  CHECK_FALSE(make_retention_batcher("lru", 100).frees_when_session_leaves());
  ContinuousBatcher b = make_retention_batcher("tool_gap", 100);
  REQUIRE(b.frees_when_session_leaves());
  REQUIRE_FALSE(b.ranks_by_idleness());
  // Host DRAM for 200 blocks of 16 tokens x 128 KiB.
  const double block_bytes = 16 * 131072.0;
  KvTierStack::Level host{"host_dram", KvTierKind::host_dram, 200, 10e9, 10e-6,
                          std::numeric_limits<double>::infinity()};
  b.attach_kv_tiers(KvTierStack({host}, block_bytes, 0.0));
  Recorder rec;
  // Session 1 keeps blocks_for(1024) = 64 of its 65 blocks' worth: 65 blocks
  // were admitted for 1025 tokens, and the cache keeps them all.
  b.enqueue(call(1, 1, 1024, 1, 0.0));
  double t = drain(b, rec, 0.0);
  CHECK(b.holds_session(1));
  CHECK(b.kv_blocks_used() == 65);
  // Session 2 needs 65 blocks with 35 free: session 1's cache goes down.
  b.enqueue(call(2, 2, 1024, 1, t));
  t = drain(b, rec, t);
  REQUIRE(b.kv_tiers()->holds(1));
  CHECK(b.kv_tiers()->blocks_held(0) == 65);

  b.forget_session(1, t);  // from the tier
  CHECK_FALSE(b.kv_tiers()->holds(1));
  CHECK(b.kv_tiers()->blocks_held(0) == 0);
  CHECK(b.kv_tiers()->stats()[0].caches_dropped == 0);  // freed, not dropped
  CHECK(b.kv_blocks_used() == 65);                      // session 2's cache, untouched
  b.forget_session(2, t);  // from device memory
  CHECK_FALSE(b.holds_session(2));
  CHECK(b.kv_blocks_used() == 0);
  CHECK(b.kv_tiers()->stats()[0].bytes_offloaded == 65 * block_bytes);  // only session 1's move down
  b.forget_session(3, t);  // a session never seen: nothing
  CHECK(b.kv_blocks_used() == 0);
}

TEST_CASE("Under memory pressure idleness evicts the idlest session's cache, lru the least recently retained",
          "[kv_policy][batcher]") {
  // Room for three 65-block caches and 5 blocks more.
  for (const char* policy : {"lru", "idleness"}) {
    INFO(policy);
    ContinuousBatcher b = make_retention_batcher(policy, 3 * 65 + 5);
    Recorder rec;
    double t = 0.0;
    const double idle[] = {0.2, 0.9, 0.5};
    for (std::uint64_t s = 1; s <= 3; ++s) {
      b.enqueue(idle_call(s, s, 1024, t, idle[s - 1]));
      t = drain(b, rec, t);
    }
    REQUIRE(b.kv_blocks_used() == 3 * 65);
    // A fourth session needs 65 blocks: one cache must go, then one more
    // for a fifth (idleness 0.1; the fourth's is 0.3).
    b.enqueue(idle_call(4, 4, 1024, t, 0.3));
    t = drain(b, rec, t);
    const bool ranks = b.ranks_by_idleness();
    CHECK(ranks == (std::string(policy) == "idleness"));
    CHECK(b.holds_session(1) == ranks);   // lru: the oldest goes
    CHECK(b.holds_session(2) == !ranks);  // idleness: the idlest (0.9) goes
    CHECK(b.holds_session(3));
    b.enqueue(idle_call(5, 5, 1024, t, 0.1));
    drain(b, rec, t);
    if (ranks) {
      CHECK_FALSE(b.holds_session(3));  // 0.5, the idlest left
      CHECK(b.holds_session(1));
      CHECK(b.holds_session(4));
    } else {
      CHECK_FALSE(b.holds_session(2));  // the oldest left
      CHECK(b.holds_session(3));
      CHECK(b.holds_session(4));
    }
    CHECK(b.holds_session(5));
  }
}

TEST_CASE("In a fleet run tool_gap keeps a session's cache through its tool call and frees it when it ends",
          "[kv_policy][fleet_model]") {
  // The chain of test_fleet_model.cpp: llm(100 in, 10 out), a 0.5 s tool
  // returning 20 tokens, llm(30 new, 5 out).
  for (const char* policy : {"lru", "tool_gap"}) {
    INFO(policy);
    Scenario sc = toy_scenario(1, 1, {toy_llm(100, 10), toy_tool(0.5, 20), toy_llm(30, 5)});
    sc.pools[0].engine.kv_retention = policy;
    FleetModel fleet(sc);
    ToyDriver driver(fleet);
    driver.arrive(0.0, 0);
    driver.run();
    REQUIRE(driver.session_ends.size() == 1);
    // Through the tool call both keep the first call's 109 tokens of KV.
    const WorkloadMetrics& m = fleet.metrics().workloads[0];
    CHECK(m.cached_tokens == 109);
    CHECK(m.computed_tokens == 100 + 51);
    // After the last call lru keeps the session's 164 tokens (the second
    // call's 160-token prompt and 5 outputs but the last) in
    // blocks_for(160 + 5) = 11 blocks of 16; tool_gap frees them.
    const long left = fleet.replicas()[0].kv_blocks_used();
    CHECK(left == (std::string(policy) == "lru" ? 11 : 0));
  }
}
