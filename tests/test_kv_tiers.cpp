// KV tiers below device memory (docs/performance-model.md, "KV tiers below
// device memory"): offload on eviction, reload before the prefill, LRU and
// TTL per tier, the report's figures and the readers' messages. Every figure
// is derived by hand in the comments.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/kv_tier_stack.hpp"
#include "fleetsim/io/report_writers.hpp"
#include "support/batcher_driver.hpp"
#include "support/cli_runner.hpp"
#include "support/fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

KvTierStack::Level level(const char* name, long blocks, double bandwidth, double latency, double ttl = kInf) {
  KvTierStack::Level l;
  l.name = name;
  l.capacity_blocks = blocks;
  l.bandwidth_bps = bandwidth;
  l.latency_s = latency;
  l.ttl_s = ttl;
  return l;
}

}  // namespace

TEST_CASE("A cache evicted to host DRAM is reloaded in latency + bytes / bandwidth before the prefill of the new tokens",
          "[kv_tiers][batcher]") {
  EngineSettings engine;  // lru retention, 16-token blocks, chunked prefill
  // 100 blocks of device KV: one session's cache (65 blocks) fits, two do not.
  auto roofline = std::make_shared<RooflineModel>(llama_8b(), h100_node(), engine);
  ContinuousBatcher b(roofline, engine, PowerModel(h100_node().device_power, 1), 100, 1, 0.0, nullptr);
  // Host DRAM over a 10 GB/s link with 10 us latency, room for 200 blocks.
  b.attach_kv_tiers(KvTierStack({level("host_dram", 200, 10e9, 10e-6)}, kBlockBytes, 0.0));
  Recorder rec;

  // Session A: a 1024-token prompt, one output token. Admission takes
  // blocks_for(1024 + 1) = 65 blocks; the cache keeps all 65 (1024 tokens).
  b.enqueue(call(1, 1, 1024, 1, 0.0));
  double t = drain(b, rec, 0.0);
  // Session B alike: it needs 65 blocks, 35 are free, so A's cache leaves
  // device memory for host DRAM.
  b.enqueue(call(2, 2, 1024, 1, t));
  t = drain(b, rec, t);
  CHECK_FALSE(b.holds_session(1));
  REQUIRE(b.kv_tiers() != nullptr);
  CHECK(b.kv_tiers()->holds(1));
  CHECK(b.kv_tiers()->stats()[0].bytes_offloaded == 65 * kBlockBytes);

  // Session A again: its 1024 cached tokens plus 256 new ones. Its cache
  // comes back over the link: 65 blocks = 136,314,880 B in
  // 10 us + 136,314,880 B / 10 GB/s = 0.013641488 s; then one iteration
  // prefills the 256 new tokens after the 1024 reloaded ones.
  const double arrival = t;
  b.enqueue(call(3, 1, 1280, 1, arrival));
  drain(b, rec, arrival);
  REQUIRE(rec.finished.size() == 3);
  const CallOutcome& o = rec.finished[2];
  CHECK(o.cached_tokens == 1024);
  CHECK(o.computed_tokens == 256);

  IterationShape s;
  s.prefill_tokens = 256;
  s.prefill_seqs = 1;
  s.prefill_outputs = 1;
  s.prefill_attention_pairs = 256.0 * 1024.0 + 256.0 * 257.0 / 2.0;
  s.prefill_context = 1024;
  const double prefill = roofline->cost(s).time_s();
  const double reload = 10e-6 + 136314880.0 / 10e9;
  CHECK(reload == Approx(0.013641488).epsilon(1e-12));
  CHECK(o.first_token_s - arrival == Approx(reload + prefill).epsilon(1e-12));

  const KvTierStats& st = b.kv_tiers()->stats()[0];
  CHECK(st.hits == 1);
  CHECK(st.bytes_reloaded == 136314880.0);
  CHECK(st.reload_s == Approx(reload).epsilon(1e-12));
  CHECK(st.tokens_avoided == 1024);
  // A's reload needed blocks_for(1281) = 81 blocks: B's cache went down too.
  CHECK(b.kv_tiers()->holds(2));
  CHECK(st.bytes_offloaded == 2 * 65 * kBlockBytes);
}

TEST_CASE("Without tiers the same calls recompute the evicted session's whole prompt", "[kv_tiers][batcher]") {
  EngineSettings engine;
  auto roofline = std::make_shared<RooflineModel>(llama_8b(), h100_node(), engine);
  ContinuousBatcher b(roofline, engine, PowerModel(h100_node().device_power, 1), 100, 1, 0.0, nullptr);
  Recorder rec;
  b.enqueue(call(1, 1, 1024, 1, 0.0));
  double t = drain(b, rec, 0.0);
  b.enqueue(call(2, 2, 1024, 1, t));
  t = drain(b, rec, t);
  b.enqueue(call(3, 1, 1280, 1, t));
  drain(b, rec, t);
  REQUIRE(rec.finished.size() == 3);
  CHECK(b.kv_tiers() == nullptr);
  CHECK(rec.finished[2].cached_tokens == 0);
  CHECK(rec.finished[2].computed_tokens == 1280);
}

TEST_CASE("A full tier moves its least recently entered cache down, and the last tier drops it", "[kv_tiers]") {
  // Two levels of 100 blocks each; caches of 60 blocks: one fits per level.
  KvTierStack tiers({level("host_dram", 100, 50e9, 5e-6), level("nvme", 100, 5e9, 100e-6)}, kBlockBytes, 0.0);
  tiers.offload(cache(1, 60), 1.0);  // host: 1
  tiers.offload(cache(2, 60), 2.0);  // host full: 1 -> nvme; host: 2
  tiers.offload(cache(3, 60), 3.0);  // 2 -> nvme, which is full: 1 dropped
  CHECK(tiers.blocks_held(0) == 60);
  CHECK(tiers.blocks_held(1) == 60);
  CHECK_FALSE(tiers.holds(1));
  CHECK(tiers.stats()[1].caches_dropped == 1);
  CHECK(tiers.stats()[0].caches_dropped == 0);
  // Written into host DRAM three times, into NVMe twice (1, then 2).
  CHECK(tiers.stats()[0].bytes_offloaded == 3 * 60 * kBlockBytes);
  CHECK(tiers.stats()[1].bytes_offloaded == 2 * 60 * kBlockBytes);

  // Session 2 is found on NVMe: 60 blocks = 125,829,120 B over 5 GB/s
  // after 100 us: 0.025265824 s.
  auto hit = tiers.take(2);
  REQUIRE(hit);
  CHECK(hit->level == 1);
  CHECK(hit->reload_s == Approx(100e-6 + 125829120.0 / 5e9).epsilon(1e-12));
  CHECK(hit->reload_s == Approx(0.025265824).epsilon(1e-12));
  CHECK(tiers.blocks_held(1) == 0);
  // Given back (the call could not be admitted), it is held again, uncounted.
  tiers.give_back(*hit, 4.0);
  CHECK(tiers.holds(2));
  CHECK(tiers.stats()[1].hits == 0);
  CHECK(tiers.stats()[1].bytes_offloaded == 2 * 60 * kBlockBytes);

  // A cache larger than a level skips it.
  tiers.offload(cache(4, 150), 5.0);
  CHECK_FALSE(tiers.holds(4));
  CHECK(tiers.stats()[1].caches_dropped == 2);
}

TEST_CASE("A tier's TTL moves a cache down once it has stayed that long", "[kv_tiers]") {
  KvTierStack tiers({level("host_dram", 100, 50e9, 5e-6, 10.0), level("nvme", 100, 5e9, 100e-6, 20.0)},
                    kBlockBytes, 0.0);
  tiers.offload(cache(1, 10), 0.0);
  tiers.expire(9.9);
  CHECK(tiers.blocks_held(0) == 10);
  tiers.expire(10.0);  // 0 + 10 s: down to NVMe, where it may stay until 30 s
  CHECK(tiers.blocks_held(0) == 0);
  CHECK(tiers.blocks_held(1) == 10);
  tiers.expire(29.9);
  CHECK(tiers.holds(1));
  tiers.expire(30.0);
  CHECK_FALSE(tiers.holds(1));
  CHECK(tiers.stats()[1].caches_dropped == 1);
}

TEST_CASE("Statistics count only the measured window", "[kv_tiers]") {
  KvTierStack tiers({level("host_dram", 100, 50e9, 5e-6)}, kBlockBytes, 100.0);
  tiers.offload(cache(1, 10), 50.0);  // before the window
  auto hit = tiers.take(1);
  REQUIRE(hit);
  tiers.record_reload(*hit, 160, 99.0);
  CHECK(tiers.stats()[0].bytes_offloaded == 0.0);
  CHECK(tiers.stats()[0].hits == 0);
  tiers.offload(cache(2, 10), 100.0);
  hit = tiers.take(2);
  tiers.record_reload(*hit, 150, 101.0);
  CHECK(tiers.stats()[0].bytes_offloaded == 10 * kBlockBytes);
  CHECK(tiers.stats()[0].hits == 1);
  CHECK(tiers.stats()[0].tokens_avoided == 150);
}

TEST_CASE("A pool's tier levels split the node's capacity over its replicas and add its devices' links",
          "[kv_tiers]") {
  Pool pool;
  pool.hardware = h100_node();  // 8 devices
  pool.hardware.kv_tiers = {{"host_dram", KvTierKind::host_dram, 1024.0 * kBlockBytes, 63e9, 10e-6}};
  pool.engine.tensor_parallel = 2;  // 4 replicas per node
  CHECK(kv_tier_levels(pool, llama_8b()).empty());
  pool.engine.kv_tiers = {{"host_dram", 600.0}};
  const auto levels = kv_tier_levels(pool, llama_8b());
  REQUIRE(levels.size() == 1);
  CHECK(levels[0].capacity_blocks == 256);      // 1024 blocks / 4 replicas
  CHECK(levels[0].bandwidth_bps == 2 * 63e9);   // two PCIe links
  CHECK(levels[0].latency_s == 10e-6);
  CHECK(levels[0].ttl_s == 600.0);
}

TEST_CASE("The report gives each pool's tiers in JSON, CSV and the table, and nothing without tiers",
          "[kv_tiers][report]") {
  Report r;
  r.run.scenario = "s";
  PoolReport p;
  p.name = "gpu";
  r.pools.push_back(p);
  std::string json = render_json(r);
  CHECK(json.find("kv_tiers") == std::string::npos);
  CHECK(render_csv(r).find("kv_tiers") == std::string::npos);
  CHECK(render_table(r).find("KV tiers") == std::string::npos);

  KvTierReport t;
  t.name = "host_dram";
  t.kind = "host_dram";
  t.capacity_bytes = 1e12;
  t.hits = 3;
  t.bytes_reloaded = 4e8;
  t.bytes_offloaded = 6e8;
  t.reload_time_s = 0.05;
  t.recompute_avoided_tokens = 3000;
  t.caches_dropped = 2;
  r.pools[0].kv_tiers.push_back(t);
  const auto j = nlohmann::json::parse(render_json(r));
  const auto& tier = j["pools"][0]["kv_tiers"][0];
  CHECK(tier["name"] == "host_dram");
  CHECK(tier["kind"] == "host_dram");
  CHECK(tier["hits"] == 3);
  CHECK(tier["bytes_reloaded"] == 4e8);
  CHECK(tier["bytes_offloaded"] == 6e8);
  CHECK(tier["reload_time_s"] == 0.05);
  CHECK(tier["recompute_avoided_tokens"] == 3000.0);
  CHECK(tier["caches_dropped"] == 2);
  const std::string csv = render_csv(r);
  CHECK_THAT(csv, Catch::Contains("pool,gpu,kv_tiers.host_dram.hits,3,count"));
  CHECK_THAT(csv, Catch::Contains("pool,gpu,kv_tiers.host_dram.bytes_reloaded,400000000,B"));
  CHECK_THAT(csv, Catch::Contains("pool,gpu,kv_tiers.host_dram.reload_time_s,0.05,s"));
  CHECK_THAT(csv, Catch::Contains("pool,gpu,kv_tiers.host_dram.recompute_avoided_tokens,3000,tokens"));
  CHECK_THAT(render_table(r), Catch::Contains("KV tiers below device memory"));
}

TEST_CASE("Bad KV tier settings are located, named and given a hint", "[kv_tiers][cli][messages]") {
  // One GPU pool whose engine line (line 8) is the case's.
  auto scenario = [](const std::string& name, const std::string& engine) {
    return write_temp_file(name + ".yaml", "name: " + name +
                                               "\n"
                                               "fleet:\n"
                                               "  pools:\n"
                                               "    - name: gpu\n"
                                               "      hardware: h100-p5.48xlarge\n"
                                               "      count: 1\n"
                                               "      models: [llama-3.1-8b]\n"
                                               "      engine: " +
                                               engine +
                                               "\n"
                                               "workloads:\n"
                                               "  - name: chat\n"
                                               "    arrivals: {process: poisson, rate: 1/s}\n"
                                               "    steps:\n"
                                               "      - llm: {model: llama-3.1-8b, output_tokens: 20}\n"
                                               "simulation: {duration: 10min}\n");
  };
  auto r = run_fleetsim("validate '" + scenario("kv-tiers-bad", "{kv_tiers: [host_dran]}") + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("kv-tiers-bad.yaml:8:27"));
  CHECK_THAT(r.err, Catch::Contains("fleet.pools[0].engine.kv_tiers[0]"));
  CHECK_THAT(r.err, Catch::Contains("names KV tier \"host_dran\""));
  CHECK_THAT(r.err, Catch::Contains("did you mean \"host_dram\"?"));

  r = run_fleetsim("validate '" + scenario("kv-tiers-none", "{kv_retention: none, kv_tiers: [host_dram]}") + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("kv-tiers-none.yaml:8:30"));
  CHECK_THAT(r.err, Catch::Contains("kv_tiers needs retained caches, but kv_retention is none"));
  CHECK_THAT(r.err, Catch::Contains("use kv_retention: lru"));
}

TEST_CASE("The shipped offload example: tiers unused change nothing, used they cut recompute", "[kv_tiers][cli]") {
  const std::string scenario = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/agentic-kv-offload.yaml";
  const std::string shorter = " --format json --set simulation.duration=40min --set simulation.warmup=10min";
  // The base names no tier: the node type's tiers are data it never reads.
  const auto base = run_fleetsim("run '" + scenario + "'" + shorter);
  REQUIRE(base.exit_code == 0);
  const auto no_tiers = run_fleetsim("run '" + scenario + "'" + shorter + " --set 'hardware.h100-p5.4xlarge.kv_tiers=[]'");
  REQUIRE(no_tiers.exit_code == 0);
  CHECK(base.out == no_tiers.out);
  CHECK(base.out.find("kv_tiers") == std::string::npos);

  const auto offload = run_fleetsim("run '" + scenario + "' --variant offload" + shorter);
  REQUIRE(offload.exit_code == 0);
  const auto b = nlohmann::json::parse(base.out);
  const auto o = nlohmann::json::parse(offload.out);
  const auto& tier = o["pools"][0]["kv_tiers"][0];
  CHECK(tier["name"] == "host_dram");
  CHECK(tier["hits"].get<long>() > 0);
  // Every reload moves whole blocks of 2 MiB (16 tokens of 128 KiB).
  CHECK(std::fmod(tier["bytes_reloaded"].get<double>(), 2097152.0) == 0.0);
  // Two nodes of 128 GiB each.
  CHECK(tier["capacity_bytes"].get<double>() == 2 * 128.0 * 1024 * 1024 * 1024);
  CHECK(o["workloads"][0]["prefix_cache_hit_rate"].get<double>() >
        b["workloads"][0]["prefix_cache_hit_rate"].get<double>());

  const auto compare = run_fleetsim("compare '" + scenario + "' --variants --set simulation.duration=40min "
                                    "--set simulation.warmup=10min");
  CHECK(compare.exit_code == 0);
  CHECK_THAT(compare.out, Catch::Contains("offload"));
  CHECK_THAT(compare.out, Catch::Contains("three-nodes"));
}

TEST_CASE("A failed replica loses every cache its tiers hold, counted as dropped", "[kv_tiers][failures]") {
  KvTierStack tiers({level("host_dram", 100, 50e9, 5e-6), level("nvme", 100, 5e9, 100e-6)}, kBlockBytes, 0.0);
  tiers.offload(cache(1, 60), 1.0);  // host: 1
  tiers.offload(cache(2, 60), 2.0);  // 1 -> nvme; host: 2
  tiers.lose_all(3.0);
  CHECK(tiers.blocks_held(0) == 0);
  CHECK(tiers.blocks_held(1) == 0);
  CHECK_FALSE(tiers.holds(1));
  CHECK_FALSE(tiers.holds(2));
  CHECK(tiers.stats()[0].caches_dropped == 1);
  CHECK(tiers.stats()[1].caches_dropped == 1);
  CHECK_FALSE(tiers.take(2));
  // The levels serve again afterwards: a new cache goes into host DRAM.
  tiers.offload(cache(3, 60), 4.0);
  CHECK(tiers.holds(3));
  CHECK(tiers.blocks_held(0) == 60);
}

TEST_CASE("Failures with KV tiers: a failed node's tiers are lost, calls are retried, Little holds",
          "[kv_tiers][failures][cli]") {
  const std::string scenario = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/agentic-kv-offload.yaml";
  const std::string run = "run '" + scenario + "' --variant offload --format json --no-progress"
                          " --set simulation.duration=2h --set simulation.warmup=10min";
  const auto steady = run_fleetsim(run);
  REQUIRE(steady.exit_code == 0);
  // Each node fails every 30 min on average and is back after 2 min.
  const auto failing = run_fleetsim(run + " --set 'fleet.pools.h100.failures={mttf: 30min, mttr: 2min}'");
  INFO(failing.err);
  REQUIRE(failing.exit_code == 0);
  const auto s = nlohmann::json::parse(steady.out);
  const auto f = nlohmann::json::parse(failing.out);
  const auto& pool = f["pools"][0];
  CHECK(pool["failures"]["node_failures"].get<long>() > 3);
  CHECK(f["workloads"][0]["llm_calls_failed"] == 0);
  CHECK(std::abs(f["checks"]["little_law"]["relative_error"].get<double>()) < 0.02);
  // What host DRAM held on a failed node is gone: more caches dropped than
  // without failures, and fewer calls find theirs there.
  const auto& tier = pool["kv_tiers"][0];
  const auto& steady_tier = s["pools"][0]["kv_tiers"][0];
  CHECK(tier["caches_dropped"].get<long>() > steady_tier["caches_dropped"].get<long>());
  CHECK(tier["hits"].get<long>() < steady_tier["hits"].get<long>());
}
