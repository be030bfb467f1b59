// Parallel sampling and beam search (docs/performance-model.md, "Parallel
// sampling and beam search"): a call whose prompt is prefilled once and then
// decodes several sequences, each reading the shared prompt's KV blocks.
#include <catch2/catch.hpp>

#include "fleetsim/core/continuous_batcher.hpp"
#include "support/batcher_driver.hpp"
#include "support/fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

CallRequest branched(std::uint64_t id, std::uint64_t session, long prompt, long output, int branches,
                     bool best_only = false) {
  CallRequest c = call(id, session, prompt, output);
  c.extra_sequences = static_cast<std::uint8_t>(branches - 1);
  c.best_sequence_only = best_only;
  return c;
}

}  // namespace

TEST_CASE("A call that samples 4 sequences prefills once and decodes 4 from its prompt", "[batcher][sampling]") {
  EngineSettings engine;  // 16-token blocks, on-demand admission, lru retention
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  b.enqueue(branched(1, 1, 1000, 10, 4));
  BatchPlan plan = b.plan(0.0, rec);
  // Admission holds the prompt and each branch's first token: the prompt's
  // 62 full blocks (992 tokens) once, then per branch the 8 tokens left of
  // the prompt plus one, copied: 62 + 4 x ceil(9 / 16) = 66 (63 for one sequence).
  CHECK(b.kv_blocks_used() == 66);
  CHECK(b.running() == 1);
  CHECK(b.running_sequences() == 4);
  REQUIRE(plan.kind == BatchPlan::Kind::iteration);
  CHECK(plan.run_iterations == 9);
  b.complete(plan, plan.iterations, 0.0, plan.duration_s, rec);
  REQUIRE(rec.finished.size() == 1);
  const CallOutcome& o = rec.finished[0];

  RooflineModel model(llama_8b(), h100_node(), engine);
  IterationShape s;
  s.prefill_tokens = 1000;  // the prompt once, not four times
  s.prefill_attention_pairs = 1000.0 * 1001.0 / 2.0;
  const double ttft = model.cost(s).time_s();
  CHECK(o.first_token_s == Approx(ttft));
  // Then 9 iterations of 4 sequences, each reading its 1,000 prompt tokens
  // and its own, as four single calls would.
  CHECK(o.finished_s == Approx(ttft + model.decode_run_time({4, 4000}, 9)));
  CHECK(o.generated_tokens == 10);  // by each sequence
  CHECK(o.request.returned_tokens(o.generated_tokens) == 40);
  CHECK(o.computed_tokens == 1000);
  // The session goes on from one of them: 1,009 tokens in 64 blocks are
  // kept, the other branches' own blocks are freed.
  CHECK(b.kv_blocks_used() == 64);
  CHECK(b.held_tokens(1) == 1009);
  CHECK(b.running_sequences() == 0);
}

TEST_CASE("Beam search decodes its beams but returns the best one's tokens", "[batcher][sampling]") {
  EngineSettings engine;
  engine.kv_admission = "reserve_output";  // the whole length at admission: 62 + 4 x ceil(18 / 16) = 70
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  b.enqueue(branched(1, 1, 1000, 10, 4, true));
  b.plan(0.0, rec);
  CHECK(b.kv_blocks_used() == 70);
  drain(b, rec, 0.0);
  REQUIRE(rec.finished.size() == 1);
  CHECK(rec.finished[0].generated_tokens == 10);
  CHECK(rec.finished[0].request.returned_tokens(10) == 10);
}

TEST_CASE("The batch cap counts every sequence of a sampling call", "[batcher][sampling]") {
  EngineSettings engine;
  engine.max_batch_size = 4;
  ContinuousBatcher b = h100_batcher(engine, 100000);
  Recorder rec;
  b.enqueue(branched(1, 1, 300, 20, 3));
  b.enqueue(branched(2, 2, 300, 20, 3));
  b.enqueue(call(3, 3, 300, 20));
  b.plan(0.0, rec);
  // 3 sequences run; the next call's 3 would make 6 > 4, and it holds the
  // queue's head, so the single call behind it waits too (FIFO).
  CHECK(b.running() == 1);
  CHECK(b.running_sequences() == 3);
  CHECK(b.waiting() == 2);
  const double t = drain(b, rec, 0.0);
  CHECK(rec.finished.size() == 3);
  CHECK(b.running_sequences() == 0);
  CHECK(t > 0.0);
}

TEST_CASE("A call wider than the batch cap still runs, alone", "[batcher][sampling]") {
  EngineSettings engine;
  engine.max_batch_size = 2;
  ContinuousBatcher b = h100_batcher(engine, 100000);
  Recorder rec;
  b.enqueue(branched(1, 1, 100, 5, 4));
  b.plan(0.0, rec);
  CHECK(b.running_sequences() == 4);
  drain(b, rec, 0.0);
  REQUIRE(rec.finished.size() == 1);
  CHECK_FALSE(rec.finished[0].failed);
}
