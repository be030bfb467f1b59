// Prefix block hashes (docs/performance-model.md, "Prefix block hashes"): a
// replica caches the hashed chunks of the prompts it computed and serves them
// to any later call that begins with them; chunks a running call reads are
// pinned, the rest evicted least recently used, a prompt's tail before its
// head. Every figure is derived by hand in the comments, and a replay of the
// shipped Mooncake sample is checked against the hit rate computed from its
// hash ids directly.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/prefix_block_cache.hpp"
#include "support/batcher_driver.hpp"
#include "support/cli_runner.hpp"
#include "support/fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

// Chunks of 512 tokens on 16-token KV blocks: 32 blocks a whole chunk.
const std::uint64_t kAbc[] = {1, 2, 3};  // a 1,100-token prompt: chunks of 512, 512, 76 tokens (32, 32, 5 blocks)
const std::uint64_t kAbz[] = {1, 2, 9};  // a 1,536-token prompt sharing the first two

PrefixHashes hashes(const std::uint64_t* h, std::uint32_t n) { return {h, n, 512}; }

ContinuousBatcher make_prefix_batcher(const EngineSettings& engine, long blocks) {
  ContinuousBatcher b = h100_batcher(engine, blocks);
  b.attach_prefix_cache();
  return b;
}

CallRequest hashed(std::uint64_t id, std::uint64_t session, long prompt, const std::uint64_t* h, std::uint32_t n,
                   double at = 0.0) {
  CallRequest c = call(id, session, prompt, 10, at);
  c.prefix = hashes(h, n);
  return c;
}

}  // namespace

TEST_CASE("The prefix block cache pins a prompt's leading chunks and evicts unpinned ones, tail first",
          "[prefix_cache]") {
  PrefixBlockCache cache(16);
  CHECK(cache.pin_leading(hashes(kAbc, 3), 1100, 1).chunks == 0);

  // Session 1 computed its 1,100 tokens: 32 + 32 + 5 blocks, pinned by it.
  const auto added = cache.add_computed(hashes(kAbc, 3), 0, 1100, 1, 1000);
  CHECK(added.chunks == 3);
  CHECK(added.blocks == 69);
  CHECK(added.tokens == 1100);
  CHECK(cache.blocks() == 69);
  CHECK(cache.evictable_blocks() == 0);
  CHECK(cache.evict(1000) == 0);  // nothing pinned goes
  cache.unpin_leading(hashes(kAbc, 3), 3);
  CHECK(cache.evictable_blocks() == 69);

  // Session 2 begins with chunks 1 and 2 (1,024 tokens, computed by session 1).
  const auto run = cache.pin_leading(hashes(kAbz, 3), 1536, 2);
  CHECK(run.chunks == 2);
  CHECK(run.blocks == 64);
  CHECK(run.tokens == 1024);
  CHECK(run.other_session_tokens == 1024);
  CHECK(cache.evictable_blocks() == 5);  // chunk 3 only
  // It computes chunk 9; a chunk already held stops the run it adds.
  CHECK(cache.add_computed(hashes(kAbz, 3), 2, 1536, 2, 1000).blocks == 32);
  CHECK(cache.add_computed(hashes(kAbc, 3), 0, 1100, 3, 1000).chunks == 0);
  // At most the blocks the call owns are handed over.
  const std::uint64_t other[] = {7, 8};
  CHECK(cache.add_computed(hashes(other, 2), 0, 1024, 4, 40).chunks == 1);
  cache.unpin_leading(hashes(other, 2), 1);
  cache.unpin_leading(hashes(kAbz, 3), 3);
  // Unpinned, oldest first: 3 (session 1's tail), 7, then 9, 2, 1 (session
  // 2's chunks, last first). Freeing 40 blocks takes 3 (5), 7 (32) and 9 (32).
  CHECK(cache.evict(40) == 69);
  CHECK(cache.chunks() == 2);
  CHECK(cache.pin_leading(hashes(kAbc, 3), 1100, 5).tokens == 1024);
  // Its own chunks are not another session's.
  CHECK(cache.pin_leading(hashes(kAbc, 3), 1100, 1).other_session_tokens == 0);
  CHECK(cache.clear() == 64);  // pinned ones too: the node is gone
  CHECK(cache.blocks() == 0);
}

TEST_CASE("A replica serves hashed chunks to later calls of any session and holds them once",
          "[prefix_cache][batcher]") {
  EngineSettings engine;  // lru retention, 16-token blocks
  ContinuousBatcher b = make_prefix_batcher(engine, 120);
  Recorder rec;

  // Call 1 computes 1,100 tokens. Its prefill's end hands its 69 blocks of
  // chunks to the cache; the block its output grew is freed when it ends,
  // and its session keeps nothing of its own (its reuse is the chunks').
  b.enqueue(hashed(1, 1, 1100, kAbc, 3));
  double t = drain(b, rec, 0.0);
  REQUIRE(rec.finished.size() == 1);
  CHECK(rec.finished[0].computed_tokens == 1100);
  CHECK(b.kv_blocks_used() == 69);
  CHECK_FALSE(b.holds_session(1));

  // Call 2 (session 2) finds chunks 1 and 2 and computes chunk 9 (32 more
  // blocks in the cache).
  b.enqueue(hashed(2, 2, 1536, kAbz, 3, t));
  t = drain(b, rec, t);
  CHECK(rec.finished[1].cached_tokens == 1024);
  CHECK(rec.finished[1].shared_prefix_cached_tokens == 1024);
  CHECK(rec.finished[1].computed_tokens == 512);
  CHECK(b.kv_blocks_used() == 101);

  // Call 3 repeats call 1's prompt: all of it is there but the last token,
  // whose logits the call needs.
  b.enqueue(hashed(3, 3, 1100, kAbc, 3, t));
  t = drain(b, rec, t);
  CHECK(rec.finished[2].cached_tokens == 1099);
  CHECK(rec.finished[2].computed_tokens == 1);

  // An unhashed call needing blocks_for(960) = 60 blocks, with 19 free:
  // least recently used first, 9 (32: call 2's tail), then 3 (5) and 2 (32)
  // (call 3's chunks, tail first), which frees 88; chunk 1 stays.
  b.enqueue(call(4, 4, 959, 1, t));
  t = drain(b, rec, t);
  CHECK(b.prefix_cache()->chunks() == 1);
  CHECK(b.prefix_cache()->blocks() == 32);
  b.enqueue(hashed(5, 5, 1100, kAbc, 3, t));
  drain(b, rec, t);
  CHECK(rec.finished[4].cached_tokens == 512);
}

TEST_CASE("Preemption unpins a call's chunks, a failure drops them, and without retention none are kept",
          "[prefix_cache][batcher]") {
  EngineSettings engine;
  ContinuousBatcher b = make_prefix_batcher(engine, 200);
  Recorder rec;
  b.enqueue(hashed(1, 1, 1100, kAbc, 3));
  double t = drain(b, rec, 0.0);
  REQUIRE(b.kv_blocks_used() == 69);
  // A call reading the chunks when the node fails: its calls are aborted and
  // every block of the replica is free again.
  b.enqueue(hashed(2, 2, 1100, kAbc, 3, t));
  BatchPlan p = b.plan(t, rec);
  REQUIRE(p.kind != BatchPlan::Kind::idle);
  CHECK(b.prefix_cache()->evictable_blocks() == 0);  // pinned while it runs
  std::vector<CallRequest> aborted;
  b.fail(t, aborted);
  CHECK(aborted.size() == 1);
  CHECK(b.kv_blocks_used() == 0);
  CHECK(b.prefix_cache()->chunks() == 0);

  EngineSettings none;
  none.kv_retention = "none";
  ContinuousBatcher c = make_prefix_batcher(none, 200);
  c.enqueue(hashed(1, 1, 1100, kAbc, 3));
  t = drain(c, rec, 0.0);
  c.enqueue(hashed(2, 2, 1100, kAbc, 3, t));
  drain(c, rec, t);
  CHECK(rec.finished.back().cached_tokens == 0);
  CHECK(c.kv_blocks_used() == 0);
}

namespace {

const std::string kMooncake =
    std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/traces/mooncake-conversation-first2000.jsonl";

// The direct computation: requests in file order, each finding the run of
// its leading hash ids that any earlier request sent (an unbounded cache),
// less the prompt's last token, which is always computed.
double unbounded_hit_rate(const std::string& file) {
  std::ifstream in(file);
  std::unordered_set<std::uint64_t> seen;
  double hits = 0, prompt = 0;
  for (std::string line; std::getline(in, line);) {
    const auto row = nlohmann::json::parse(line);
    const long tokens = row["input_length"].get<long>();
    const auto ids = row["hash_ids"].get<std::vector<std::uint64_t>>();
    long cached = 0;
    for (std::size_t i = 0; i < ids.size() && seen.count(ids[i]); ++i)
      cached += std::min(512L, tokens - static_cast<long>(i) * 512);
    hits += static_cast<double>(std::min(cached, tokens - 1));
    prompt += static_cast<double>(tokens);
    seen.insert(ids.begin(), ids.end());
  }
  return hits / prompt;
}

}  // namespace

TEST_CASE("Replaying the Mooncake sample on an unbounded cache gives the hit rate of its hash ids",
          "[prefix_cache][trace][end-to-end]") {
  const double expected = unbounded_hit_rate(kMooncake);
  CHECK(expected == Approx(0.2941).margin(1e-4));  // scenarios/traces/README.md
  // One replica taking one call at a time, so every call's chunks are in
  // the cache before the next call looks; a model whose KV is 32 bytes a
  // token, so that the 19.9 M distinct tokens of chunks all fit.
  const std::string copy = temp_path("mooncake-conversation-first2000.jsonl");
  std::filesystem::copy_file(kMooncake, copy, std::filesystem::copy_options::overwrite_existing);
  const std::string scenario = write_temp_file("mooncake-unbounded.yaml", R"(name: mooncake-unbounded
models:
  tiny-long:
    description: a one-layer model with a tiny KV cache and a long context
    params_total: 1.0e8
    layers: 1
    hidden_size: 1024
    attention_heads: 8
    kv_heads: 1
    head_dim: 8
fleet:
  pools:
    - {name: gpu, hardware: h200-p5en.48xlarge, count: 1, models: [tiny-long],
       engine: {replicas_per_node: 1, max_batch_size: 1}}
workloads:
  - name: conversation
    trace: {file: mooncake-conversation-first2000.jsonl, format: mooncake, model: tiny-long}
simulation: {seed: 1}
)");
  const auto r = run_fleetsim("run '" + scenario + "' --format json --no-progress");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto w = nlohmann::json::parse(r.out)["workloads"][0];
  CHECK(w["llm_calls"] == 2000);
  CHECK(w["prefix_cache_hit_rate"].get<double>() == Approx(expected).epsilon(1e-9));
  // A trace without sessions has one call a session: every hit is another's.
  CHECK(w["cross_session_hit_rate"].get<double>() == Approx(expected).epsilon(1e-9));
  CHECK(w["prefill_tokens"].get<double>() ==
        Approx(w["prompt_tokens"].get<double>() * (1 - expected)).epsilon(1e-9));
}

namespace {

// A scenario replaying hashed.jsonl with a custom mapping and `keys` added to its trace.
std::string hashed_scenario(const std::string& name, const std::string& keys) {
  return write_temp_file(name, R"(name: hashed
fleet:
  pools: [{name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}]
workloads:
  - name: replay
    trace: {file: hashed.jsonl, format: jsonl, model: llama-3.1-8b, )" + keys + R"(
            columns: {time: t, prompt_tokens: in, output_tokens: out, prefix_hashes: h}}
simulation: {}
)");
}

}  // namespace

TEST_CASE("Prefix hashes need the tokens each covers, and no more of them than the prompt has chunks",
          "[prefix_cache][trace][loader]") {
  write_temp_file("hashed.jsonl", "{\"t\": 0, \"in\": 40, \"out\": 5, \"h\": [1, 2, 3]}\n");
  const auto a = run_fleetsim("validate '" + hashed_scenario("hashed-no-block.yaml", "") + "'");
  CHECK(a.exit_code == 1);
  CHECK_THAT(a.err, Contains("maps prefix hashes (\"h\") but not the tokens each covers"));
  // 40 tokens: 3 chunks of 16, so 3 hashes are fine; 2 chunks of 32 are not.
  CHECK(run_fleetsim("validate '" + hashed_scenario("hashed-16.yaml", "prefix_block_tokens: 16,") + "'").exit_code ==
        0);
  const auto c = run_fleetsim("validate '" + hashed_scenario("hashed-32.yaml", "prefix_block_tokens: 32,") + "'");
  CHECK(c.exit_code == 1);
  CHECK_THAT(c.err, Contains("hashed.jsonl:1:"));
  CHECK_THAT(c.err,
             Contains("column \"h\": 3 prefix hashes for a prompt of 40 tokens, which has 2 chunks of 32 tokens"));
}
