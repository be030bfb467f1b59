// Prefixes shared across sessions (docs/performance-model.md, "Prefixes
// shared across sessions"): a workload's common prefix, once prefilled on a
// replica, stays there and serves every later session's calls; the blocks it
// holds are counted once. Every figure is derived by hand in the comments.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/core/continuous_batcher.hpp"
#include "support/batcher_driver.hpp"
#include "support/cli_runner.hpp"
#include "support/fixtures.hpp"
#include "support/report_run.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

CallRequest prefixed(std::uint64_t id, std::uint64_t session, long prompt, long output, double at = 0.0) {
  CallRequest c = call(id, session, prompt, output, at);
  c.shared_prefix = true;
  return c;
}

}  // namespace

TEST_CASE("A shared prefix is prefilled once per replica and its blocks are held once", "[shared_prefix][batcher]") {
  EngineSettings engine;
  engine.kv_retention = "none";  // no session keeps a cache: only the prefix is shared
  ContinuousBatcher b = h100_batcher(engine, 10000);
  // A 4,008-token prefix: 250 full 16-token blocks are shareable (4,000
  // tokens); the last 8 tokens sit in a block of the session's own.
  b.attach_shared_prefixes({250}, {0});
  Recorder rec;

  // Session 1: 4,108 tokens, nothing held: all computed. Its prefill's end
  // pins the prefix's 250 blocks; the rest of its 258 blocks (the prompt
  // and one token: blocks_for(4,109) = 257, plus one for the ten tokens
  // decoded) are freed when it ends.
  b.enqueue(prefixed(1, 1, 4108, 10));
  double t = drain(b, rec, 0.0);
  REQUIRE(rec.finished.size() == 1);
  CHECK(rec.finished[0].computed_tokens == 4108);
  CHECK(rec.finished[0].shared_prefix_cached_tokens == 0);
  CHECK(b.kv_blocks_used() == 250);

  // Sessions 2 and 3 at once: each finds the 4,000 shared tokens and
  // computes its 108 others, and the prefix's blocks are not copied.
  b.enqueue(prefixed(2, 2, 4108, 10, t));
  b.enqueue(prefixed(3, 3, 4108, 10, t));
  BatchPlan p = b.plan(t, rec);
  // Each owns blocks_for(4,109) - 250 = 7 blocks beside the 250 it reads.
  CHECK(b.kv_blocks_used() == 250 + 2 * 7);
  b.complete(p, p.iterations, t, t + p.duration_s, rec);
  t = drain(b, rec, t + p.duration_s);
  REQUIRE(rec.finished.size() == 3);
  for (int i : {1, 2}) {
    CHECK(rec.finished[static_cast<std::size_t>(i)].cached_tokens == 4000);
    CHECK(rec.finished[static_cast<std::size_t>(i)].shared_prefix_cached_tokens == 4000);
    CHECK(rec.finished[static_cast<std::size_t>(i)].computed_tokens == 108);
  }
  CHECK(b.kv_blocks_used() == 250);

  // A call whose prompt does not begin with the prefix finds nothing.
  b.enqueue(call(4, 4, 4108, 10, t));
  drain(b, rec, t);
  CHECK(rec.finished[3].cached_tokens == 0);
  CHECK(rec.finished[3].computed_tokens == 4108);
}

TEST_CASE("A session's own cache comes before the shared prefix and is not counted as shared",
          "[shared_prefix][batcher]") {
  EngineSettings engine;  // lru: sessions keep their caches
  ContinuousBatcher b = h100_batcher(engine, 10000);
  b.attach_shared_prefixes({250}, {0});
  Recorder rec;
  b.enqueue(prefixed(1, 1, 4108, 10));
  double t = drain(b, rec, 0.0);
  // The session's next call: its 4,118 tokens so far (prompt and output)
  // plus 50 new. The cache it finds is its own, prefix included: 4,117
  // tokens (the last output token's KV was never computed), so 51 are.
  b.enqueue(prefixed(2, 1, 4168, 10, t));
  drain(b, rec, t);
  REQUIRE(rec.finished.size() == 2);
  CHECK(rec.finished[1].cached_tokens == 4117);
  CHECK(rec.finished[1].shared_prefix_cached_tokens == 0);
  CHECK(rec.finished[1].computed_tokens == 51);
}

TEST_CASE("The report splits prefix-cache hits into the shared prefix and the sessions' own caches",
          "[shared_prefix][cli]") {
  // One replica; three sessions one hour apart, each one call of the
  // 4,000-token prefix plus 100 tokens: the first computes 4,100 tokens,
  // the others 100 each. Hits: 8,000 of 12,300 prompt tokens, all shared.
  const std::string yaml =
      "name: shared-prefix\n"
      "fleet:\n"
      "  pools:\n"
      "    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], engine: {replicas_per_node: 1}}\n"
      "workloads:\n"
      "  - name: agent\n"
      "    arrivals: {process: constant, rate: 1/h}\n"
      "    shared_prefix: 4000\n"
      "    steps:\n"
      "      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 10}\n"
      "simulation: {sessions: 3}\n";
  const auto w = run_report_json("shared-prefix.yaml", yaml)["workloads"][0];
  CHECK(w["prompt_tokens"].get<double>() == 12300);
  CHECK(w["prefill_tokens"].get<double>() == 4300);
  CHECK(w["prefix_cache_hit_rate"].get<double>() == Approx(8000.0 / 12300).epsilon(1e-12));
  CHECK(w["cross_session_hit_rate"].get<double>() == Approx(8000.0 / 12300).epsilon(1e-12));

  // Without the key, the same traffic (its prompts 4,000 tokens shorter)
  // reports no cross-session figure at all.
  std::string plain = yaml;
  plain.replace(plain.find("    shared_prefix: 4000\n"), 24, "");
  CHECK_FALSE(run_report_json("no-shared-prefix.yaml", plain)["workloads"][0].contains("cross_session_hit_rate"));
}

TEST_CASE("A shared prefix on a replayed trace is refused with a hint", "[shared_prefix][cli][messages]") {
  const std::string trace = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/traces/azure2023-conv-300.csv";
  const auto r = run_fleetsim("validate '" + write_temp_file("prefix-trace.yaml",
                                                             "name: prefix-trace\n"
                                                             "fleet:\n"
                                                             "  pools:\n"
                                                             "    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}\n"
                                                             "workloads:\n"
                                                             "  - name: replay\n"
                                                             "    shared_prefix: 500\n"
                                                             "    trace: {file: '" + trace + "', format: azure-2023, model: llama-3.1-8b}\n") +
                              "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("prefix-trace.yaml:7:20"));
  CHECK_THAT(r.err, Contains("a workload that replays a trace takes no `shared_prefix`"));
}

namespace {

// Two workloads on one replica, each one call of its prefix plus 100 tokens:
// `coder` at 60 and 120 min, `reviewer` at 90 min (1.5 h between sessions).
std::string two_workloads(const std::string& coder_prefix, const std::string& reviewer_prefix) {
  return "name: two-prefixes\n"
         "fleet:\n"
         "  pools:\n"
         "    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b],\n"
         "       engine: {replicas_per_node: 1}}\n"
         "workloads:\n"
         "  - name: coder\n"
         "    arrivals: {process: constant, rate: 1/h}\n"
         "    shared_prefix: " + coder_prefix + "\n"
         "    steps:\n"
         "      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 10}\n"
         "  - name: reviewer\n"
         "    arrivals: {process: constant, rate: 0.6666666666666666/h}\n"
         "    shared_prefix: " + reviewer_prefix + "\n"
         "    steps:\n"
         "      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 10}\n"
         "simulation: {duration: 150min}\n";
}

}  // namespace

TEST_CASE("Workloads that name one prefix share it on a replica", "[shared_prefix][cli]") {
  // Named alike: the coder's first call computes the 4,000-token prefix,
  // which the reviewer's call at 90 min and the coder's at 120 min find.
  const auto shared = run_report_json(
      "named-prefix.yaml", two_workloads("{tokens: 4000, name: tools}", "{tokens: 4000, name: tools}"))["workloads"];
  CHECK(shared[0]["prefill_tokens"].get<double>() == 4100 + 100);
  CHECK(shared[1]["prefill_tokens"].get<double>() == 100);
  CHECK(shared[1]["cross_session_hit_rate"].get<double>() == Approx(4000.0 / 4100).epsilon(1e-12));
  // Unnamed, each workload has its own: the reviewer computes its prefix too.
  const auto own = run_report_json("own-prefixes.yaml", two_workloads("4000", "4000"))["workloads"];
  CHECK(own[0]["prefill_tokens"].get<double>() == 4100 + 100);
  CHECK(own[1]["prefill_tokens"].get<double>() == 4100);
}

TEST_CASE("A named prefix must have the same tokens in every workload that names it",
          "[shared_prefix][cli][messages]") {
  const auto r = run_fleetsim("validate '" +
                              write_temp_file("mismatched-prefix.yaml", two_workloads("{tokens: 4000, name: tools}",
                                                                                      "{tokens: 3000, name: tools}")) +
                              "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("mismatched-prefix.yaml:14:"));
  CHECK_THAT(r.err, Contains("prefix \"tools\" has 3000 tokens here but 4000 in workload \"coder\" (line 9)"));
}
