// A remote KV store (docs/performance-model.md, "A remote KV store"): caches
// leaving a replica's last tier land in the store, which evicts least
// recently stored first; a store hit reloads over the network, alone in
// latency + bytes / bandwidth, sharing the store node's NIC when reloads
// overlap; the store's nodes are priced and powered in the report; bad
// settings are refused. Every figure is derived by hand in the comments.
#include <catch2/catch.hpp>

#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/core/kv_store.hpp"
#include "fleetsim/core/kv_tier_stack.hpp"
#include "support/cli_runner.hpp"
#include "support/fixtures.hpp"
#include "support/report_run.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

KvTierStack::Level host_level(long blocks) {
  KvTierStack::Level l;
  l.name = "host_dram";
  l.capacity_blocks = blocks;
  l.bandwidth_bps = 50e9;
  l.latency_s = 5e-6;
  l.ttl_s = std::numeric_limits<double>::infinity();
  return l;
}

}  // namespace

TEST_CASE("A cache leaving a replica's last tier lands in the store, and comes back as the store level's hit",
          "[kv_store]") {
  KvStore store(1000, 2, 0.0);
  // One host level of 100 blocks; caches of 60 blocks: one fits.
  KvTierStack tiers({host_level(100)}, kBlockBytes, 0.0);
  tiers.attach_store(&store);
  REQUIRE(tiers.stats().size() == 2);  // the host level, then the store's
  tiers.offload(cache(1, 60), 1.0);
  tiers.offload(cache(2, 60), 2.0);  // host full: 1 moves down, into the store
  CHECK(tiers.holds(2));
  CHECK_FALSE(tiers.holds(1));       // the replica's own levels no longer hold it
  CHECK(store.holds(1));
  CHECK(store.blocks_held() == 60);
  CHECK(tiers.stats()[0].caches_dropped == 0);  // not dropped: stored
  CHECK(tiers.stats()[1].bytes_offloaded == 60 * kBlockBytes);
  CHECK(store.stats().caches_stored == 1);

  // The fleet model takes it from the store and, once it has crossed the
  // network (0.25 s here), lands it at the replica: the batcher's take is a
  // hit of the store level with no transfer left to run.
  auto taken = store.take(1, 3.0);
  REQUIRE(taken);
  CHECK(store.blocks_held() == 0);
  tiers.land(*taken, 0.25);
  auto hit = tiers.take(1);
  REQUIRE(hit);
  CHECK(hit->level == tiers.store_level());
  CHECK(hit->reload_s == 0.0);
  CHECK(hit->network_s == 0.25);
  // Given back (no room to admit the call yet), it stays landed, uncounted.
  tiers.give_back(*hit, 3.5);
  CHECK(tiers.stats()[1].hits == 0);
  hit = tiers.take(1);
  REQUIRE(hit);
  tiers.record_reload(*hit, 959, 4.0);
  const KvTierStats& s = tiers.stats()[1];
  CHECK(s.hits == 1);
  CHECK(s.bytes_reloaded == 60 * kBlockBytes);
  CHECK(s.reload_s == 0.25);  // the network time is the store level's reload time
  CHECK(s.tokens_avoided == 959);
  CHECK_FALSE(tiers.take(1));  // landed once, taken once
}

TEST_CASE("A store shared by two replicas keeps its capacity: the least recently stored cache goes first",
          "[kv_store]") {
  // 150 blocks in all; two replicas without local levels put straight into it.
  KvStore store(150, 1, 0.0);
  KvTierStack a({}, kBlockBytes, 0.0);
  KvTierStack b({}, kBlockBytes, 0.0);
  a.attach_store(&store);
  b.attach_store(&store);
  a.offload(cache(1, 60), 1.0);
  b.offload(cache(2, 60), 2.0);
  CHECK(store.blocks_held() == 120);
  // 60 more do not fit (180 > 150): session 1, the least recently stored, goes.
  b.offload(cache(3, 60), 3.0);
  CHECK_FALSE(store.holds(1));
  CHECK(store.holds(2));
  CHECK(store.holds(3));
  CHECK(store.blocks_held() == 120);
  CHECK(store.stats().caches_evicted == 1);
  // The eviction is counted where it was caused: replica b's store level.
  CHECK(b.stats()[0].caches_dropped == 0);
  CHECK(b.stats()[0].store_evictions == 1);
  CHECK(a.stats()[0].store_evictions == 0);
  // A cache larger than the whole store evicts nothing and is dropped.
  a.offload(cache(4, 151), 4.0);
  CHECK_FALSE(store.holds(4));
  CHECK(store.holds(2));
  CHECK(a.stats()[0].caches_dropped == 1);
  CHECK(store.stats().caches_evicted == 2);
  // Peak memory in use: 180 never happened; 120 blocks at most.
  CHECK(store.stats().peak_blocks == 120);
  // A taken cache frees its blocks; a hit counts once.
  REQUIRE(store.take(2, 5.0));
  CHECK(store.blocks_held() == 60);
  CHECK(store.stats().hits == 1);
  // Mean blocks held over [0, 6]: 60 on [1, 2), 120 on [2, 5), 60 on [5, 6].
  store.settle(6.0);
  CHECK(store.stats().blocks_held.mean(0.0, 6.0) == Approx((60.0 + 3 * 120.0 + 60.0) / 6.0));
  // The node of a cache: its session key modulo the nodes (one node here).
  CHECK(store.node_of(12345) == 0);
  CHECK(KvStore(10, 4, 0.0).node_of(4 * 7 + 3) == 3);
}

TEST_CASE("A session's newer cache replaces its older one in the store: one copy, its blocks counted once",
          "[kv_store]") {
  // A session's cache can be in the store while its next call runs where the
  // session still is (a replica's device memory): when that replica lets go
  // of the longer cache, the store must not hold two copies of one session.
  KvStore store(150, 1, 0.0);
  store.put(cache(1, 40), 1.0);
  store.put(cache(2, 30), 2.0);
  CHECK(store.put(cache(1, 50), 3.0) == 0);  // 80 - 40 + 50 = 90 <= 150: nothing evicted
  CHECK(store.blocks_held() == 80);
  CHECK(store.stats().caches_stored == 3);
  CHECK(store.stats().caches_evicted == 0);
  CHECK(store.stats().hits == 0);
  // The replacement is the most recently stored: 80 more blocks (160 > 150)
  // evict session 2 first, and session 1 stays.
  CHECK(store.put(cache(3, 80), 4.0) == 1);
  CHECK_FALSE(store.holds(2));
  CHECK(store.holds(1));
  CHECK(store.blocks_held() == 130);
  // Taking the session back returns the newer cache and leaves nothing of it.
  const std::optional<RetainedKv::Entry> back = store.take(1, 5.0);
  REQUIRE(back);
  CHECK(back->blocks == 50);
  CHECK_FALSE(store.holds(1));
  CHECK(store.blocks_held() == 80);
  REQUIRE(store.take(3, 6.0));
  CHECK(store.blocks_held() == 0);
}

namespace {

// `replicas` H100 replicas on one p5.48xlarge (its 3200 Gbps split between
// them), each GPU's memory holding one 6000-token cache but not two
// (81,559 MiB x 0.2 - 16.06 GB of weights = 1.04 GB: 498 blocks of 2 MiB,
// against 376 per cache), and a store of one Graviton4 c8g.48xlarge node (50 Gbps
// NIC, 10 us; 7.65696 USD/h; host 160 W + 2 sockets x 40 W idle:
// src/catalog/hardware.yaml).
std::string store_fleet(int replicas) {
  return "fleet:\n"
         "  pools:\n"
         "    - name: gpu\n"
         "      hardware: h100-p5.48xlarge\n"
         "      count: 1\n"
         "      models: [llama-3.1-8b]\n"
         "      engine: {replicas_per_node: " +
         std::to_string(replicas) +
         ", memory_fraction: 0.2, activation_reserve: 0GiB, kv_retention: lru, kv_tiers: [{store: kv}]}\n"
         "  kv_stores:\n"
         "    - {name: kv, hardware: graviton4-c8g.48xlarge, count: 1, memory: 100GiB}\n";
}

// A session of workload NAME at t = 3600 s: a 6000-token prompt, a 100 s
// tool, then 10 tokens more. A filler session at 3636.4 s (rate 0.99/h)
// takes the device memory its cache held, which moves to the store; the
// session's second call finds it there.
std::string agent_workload(const std::string& name) {
  return "  - name: " + name +
         "\n"
         "    arrivals: {process: constant, rate: 1/h}\n"
         "    steps:\n"
         "      - llm: {model: llama-3.1-8b, prompt_tokens: 6000, output_tokens: 1}\n"
         "      - tool: {latency: 100s}\n"
         "      - llm: {model: llama-3.1-8b, prompt_tokens: 10, output_tokens: 1}\n";
}
std::string filler(const std::string& name) {
  return "  - name: " + name +
         "\n"
         "    arrivals: {process: constant, rate: 0.99/h}\n"
         "    steps:\n"
         "      - llm: {model: llama-3.1-8b, prompt_tokens: 6000, output_tokens: 1}\n";
}

// The cache of a 6000-token prompt and its one output token: blocks_for(6001)
// = 376 blocks of 2 MiB = 788,529,152 B.
constexpr double kCacheBytes = 376 * kBlockBytes;
// From the store node's 50 Gbps NIC (6.25e9 B/s), slower than the H100
// replica's link, after both NICs' 10 us.
constexpr double kStoreBps = 50e9 / 8;

}  // namespace

TEST_CASE("A store hit alone reloads in both NICs' latency + bytes / the slower NIC, and the store is priced",
          "[kv_store][cli]") {
  const std::string text =
      "name: store-alone\n" + store_fleet(1) + "workloads:\n" + agent_workload("a") + filler("f") + "simulation: {sessions: 2}\n";
  const auto report = run_report_json("store-alone.yaml", text);
  const auto& tiers = report["pools"][0]["kv_tiers"];
  REQUIRE(tiers.size() == 1);
  const auto& t = tiers[0];
  CHECK(t["name"] == "kv");
  CHECK(t["kind"] == "remote_store");
  CHECK(t["capacity_bytes"].get<double>() == 100.0 * 1024 * 1024 * 1024);
  CHECK(t["hits"].get<long>() == 1);
  CHECK(t["bytes_reloaded"].get<double>() == kCacheBytes);
  CHECK(t["reload_time_s"].get<double>() == Approx(20e-6 + kCacheBytes / kStoreBps).epsilon(1e-9));
  CHECK(t["reload_time_s"].get<double>() == Approx(0.12618466).epsilon(1e-6));
  // The reload spared the 6000 tokens the cache held from prefill.
  CHECK(t["recompute_avoided_tokens"].get<double>() == 6000);
  // Stored: a's cache (pushed out by the filler), then the filler's (by a's
  // second call); a's taken back.
  CHECK(t["bytes_offloaded"].get<double>() == 2 * kCacheBytes);
  const auto& store = report["kv_stores"][0];
  CHECK(store["caches_stored"].get<long>() == 2);
  CHECK(store["hits"].get<long>() == 1);
  CHECK(store["caches_evicted"].get<long>() == 0);

  // Priced and powered as its node is, over the window, and in the fleet's totals.
  const double window = report["run"]["window_end_s"].get<double>() - report["run"]["window_start_s"].get<double>();
  CHECK(store["nodes"].get<int>() == 1);
  CHECK(store["node_hours"].get<double>() == Approx(window / 3600).epsilon(1e-12));
  CHECK(store["compute_cost_usd"].get<double>() == Approx(7.65696 * window / 3600).epsilon(1e-12));
  CHECK(store["energy_j"].get<double>() == Approx((160.0 + 2 * 40.0) * window).epsilon(1e-12));
  CHECK(store["mean_power_w"].get<double>() == Approx(240.0).epsilon(1e-12));
  const auto& pool = report["pools"][0];
  const auto& fleet = report["fleet"];
  CHECK(fleet["nodes"].get<int>() == 2);
  CHECK(fleet["total_cost_usd"].get<double>() ==
        Approx(pool["cost_usd"].get<double>() + store["cost_usd"].get<double>()).epsilon(1e-12));
  CHECK(fleet["it_energy_j"].get<double>() ==
        Approx(pool["energy_j"].get<double>() + store["energy_j"].get<double>()).epsilon(1e-12));

  // Deterministic: the same scenario gives the same report.
  CHECK(run_report_json("store-alone-again.yaml", text) == report);
}

TEST_CASE("Two reloads at once from one store node share its NIC: each takes twice as long", "[kv_store][cli]") {
  // Two replicas, two agents at 3600 s (one on each), two fillers at
  // 3636.4 s (one on each); both agents' second calls start together and
  // both caches leave the store's one node through its 50 Gbps NIC, half
  // each: 10 us x 2 + 2 x 788,529,152 B / 6.25e9 B/s.
  const auto report = run_report_json("store-share.yaml", "name: store-share\n" + store_fleet(2) + "workloads:\n" +
                                                             agent_workload("a") + agent_workload("b") + filler("f1") +
                                                             filler("f2") + "simulation: {sessions: 4}\n");
  const auto& t = report["pools"][0]["kv_tiers"][0];
  CHECK(t["hits"].get<long>() == 2);
  CHECK(t["reload_time_s"].get<double>() == Approx(2 * (20e-6 + 2 * kCacheBytes / kStoreBps)).epsilon(1e-9));
}

TEST_CASE("Bad KV store settings are located, named and given a hint", "[kv_store][cli][messages]") {
  const std::string workloads = "workloads:\n"
                                "  - name: chat\n"
                                "    arrivals: {process: poisson, rate: 1/s}\n"
                                "    steps:\n"
                                "      - llm: {model: llama-3.1-8b, output_tokens: 20}\n"
                                "simulation: {duration: 10min}\n";
  // Pool lines 3-8 (the engine on line 8), the stores from line 9.
  auto validate = [&](const std::string& name, const std::string& engine, const std::string& stores,
                      const std::string& more_pools = "") {
    return run_fleetsim("validate '" +
                        write_temp_file(name + ".yaml", "name: " + name +
                                                            "\n"
                                                            "fleet:\n"
                                                            "  pools:\n"
                                                            "    - name: gpu\n"
                                                            "      hardware: h100-p5.48xlarge\n"
                                                            "      count: 1\n"
                                                            "      models: [llama-3.1-8b]\n"
                                                            "      engine: " +
                                                            engine + "\n" + more_pools + "  kv_stores:\n" + stores +
                                                            workloads) +
                        "'");
  };
  const std::string store = "    - {name: graviton-kv, hardware: graviton4-c8g.48xlarge, count: 2, memory: 100GiB}\n";
  auto r = validate("kv-store-unknown", "{kv_tiers: [{store: graviton-kb}]}", store);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("kv-store-unknown.yaml:8:35"));
  CHECK_THAT(r.err, Contains("fleet.pools[0].engine.kv_tiers[0].store"));
  CHECK_THAT(r.err, Contains("names KV store \"graviton-kb\", which fleet.kv_stores does not declare"));
  CHECK_THAT(r.err, Contains("did you mean \"graviton-kv\"?"));

  r = validate("kv-store-not-last", "{kv_tiers: [{store: graviton-kv}, host_dram]}", store);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("kv-store-not-last.yaml:8:35"));
  CHECK_THAT(r.err, Contains("remote KV store \"graviton-kv\" is not the last of pool \"gpu\"'s kv_tiers"));
  CHECK_THAT(r.err, Contains("list the store last"));

  r = validate("kv-store-models", "{kv_tiers: [{store: graviton-kv}]}", store,
               "    - {name: big, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-70b], "
               "engine: {tensor_parallel: 8, kv_tiers: [{store: graviton-kv}]}}\n");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("kv-store-models.yaml:9:"));
  CHECK_THAT(r.err, Contains("is shared by pool \"gpu\" (model llama-3.1-8b) and pool \"big\" (model llama-3.1-70b)"));
  CHECK_THAT(r.err, Contains("declare one store per model"));

  // A prefill pool cannot name one (a remote store serves unified pools).
  r = run_fleetsim("validate '" +
                   write_temp_file("kv-store-prefill.yaml",
                                   "name: kv-store-prefill\n"
                                   "fleet:\n"
                                   "  pools:\n"
                                   "    - {name: pre, role: prefill, hardware: h100-p5.48xlarge, count: 1, "
                                   "models: [llama-3.1-8b], engine: {kv_tiers: [{store: graviton-kv}]}}\n"
                                   "    - {name: dec, role: decode, hardware: h100-p5.48xlarge, count: 1, "
                                   "models: [llama-3.1-8b]}\n"
                                   "  kv_stores:\n" +
                                       store + workloads) +
                   "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("fleet.pools[0].engine.kv_tiers[0].store"));
  CHECK_THAT(r.err, Contains("pool \"pre\" is a prefill pool; a remote KV store serves unified pools only"));

  r = validate("kv-store-gpu", "{kv_tiers: [{store: graviton-kv}]}",
               "    - {name: graviton-kv, hardware: h100-p5.48xlarge, count: 2, memory: 100GiB}\n");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("kv-store-gpu.yaml:10:"));
  CHECK_THAT(r.err, Contains("fleet.kv_stores[0].hardware"));
  CHECK_THAT(r.err, Contains("a KV store holds caches in host memory, but \"h100-p5.48xlarge\" is a gpu node"));

  r = validate("kv-store-memory", "{kv_tiers: [{store: graviton-kv}]}",
               "    - {name: graviton-kv, hardware: graviton4-c8g.48xlarge, count: 2, memory: 1TiB}\n");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("fleet.kv_stores[0].memory"));
  CHECK_THAT(r.err, Contains("but a \"graviton4-c8g.48xlarge\" node has 384 GiB"));

  r = validate("kv-store-key", "{kv_tiers: [{store: graviton-kv}]}",
               "    - {name: graviton-kv, hardware: graviton4-c8g.48xlarge, count: 2, memroy: 100GiB}\n");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("fleet.kv_stores[0]"));
  CHECK_THAT(r.err, Contains("memroy"));
}
