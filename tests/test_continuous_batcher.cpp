#include <catch2/catch.hpp>

#include <vector>

#include "fleetsim/core/continuous_batcher.hpp"
#include "support/batcher_driver.hpp"
#include "support/fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

TEST_CASE("A call alone on an idle replica: TTFT is one prefill, then one decode run", "[batcher]") {
  EngineSettings engine;
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  b.enqueue(call(1, 1, 1000, 10));
  // Nothing can change the batch in between, so one plan holds both.
  BatchPlan plan = b.plan(0.0, rec);
  REQUIRE(plan.kind == BatchPlan::Kind::iteration);
  CHECK(plan.iterations == 10);
  CHECK(plan.run_iterations == 9);  // the prefill produced the first of 10 tokens
  b.complete(plan, plan.iterations, 0.0, plan.duration_s, rec);
  REQUIRE(rec.finished.size() == 1);
  const CallOutcome& o = rec.finished[0];

  RooflineModel model(llama_8b(), h100_node(), engine);
  IterationShape s;
  s.prefill_tokens = 1000;
  s.prefill_attention_pairs = 1000.0 * 1001.0 / 2.0;
  const double ttft = model.cost(s).time_s();
  CHECK(o.first_token_s == Approx(ttft));
  CHECK(o.finished_s == Approx(ttft + model.decode_run_time({1, 1000}, 9)));
  CHECK(o.generated_tokens == 10);
  CHECK(o.computed_tokens == 1000);
  CHECK(o.cached_tokens == 0);
  CHECK_FALSE(o.failed);
  CHECK(b.stats().busy_s == Approx(o.finished_s));
  CHECK(b.stats().iterations == 10);
}

TEST_CASE("A chunked prompt's masked pairs reach the roofline only for an unfused attention", "[batcher][attention]") {
  // Two chunks of a 1,000-token prompt (a 600-token budget): an unfused
  // attention computes each chunk's whole rectangle, 600 x 599 / 2 and
  // 400 x 399 / 2 pairs above the diagonals more than a fused one.
  const auto ttft = [](double score_bytes) {
    EngineSettings engine;
    engine.chunked_prefill = true;
    engine.max_batched_tokens = 600;
    engine.attention_score_bytes = score_bytes;
    ContinuousBatcher b = h100_batcher(engine, 10000);
    Recorder rec;
    b.enqueue(call(1, 1, 1000, 2));
    drain(b, rec, 0.0);
    REQUIRE(rec.finished.size() == 1);
    return rec.finished[0].first_token_s;
  };
  EngineSettings fused, unfused;
  unfused.attention_score_bytes = 8;
  const RooflineModel flash(llama_8b(), h100_node(), fused), eager(llama_8b(), h100_node(), unfused);
  const auto chunk = [](double m, double p) {
    IterationShape s;
    s.prefill_tokens = m;
    s.prefill_seqs = 1;
    s.prefill_attention_pairs = m * p + m * (m + 1) / 2;
    s.prefill_masked_pairs = m * (m - 1) / 2;
    s.prefill_context = p;
    return s;
  };
  const IterationShape first = chunk(600, 0);
  IterationShape second = chunk(400, 600);
  second.prefill_outputs = 1;  // the last chunk samples the first token
  CHECK(ttft(0) == Approx(flash.cost(first).time_s() + flash.cost(second).time_s()));
  CHECK(ttft(8) == Approx(eager.cost(first).time_s() + eager.cost(second).time_s()));
  CHECK(ttft(8) > ttft(0));
  // What the batcher hands the model: the unfused FLOPs exceed the fused by
  // the masked pairs alone.
  const double per_pair = 4.0 * 32 * 4096;
  CHECK(eager.cost(first).flops - flash.cost(first).flops == Approx(per_pair * 600 * 599 / 2));
  CHECK(eager.cost(second).flops - flash.cost(second).flops == Approx(per_pair * 400 * 399 / 2));
}

TEST_CASE("A plan interrupted after its prefill resumes as a decode run with the same timing", "[batcher]") {
  EngineSettings engine;
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  b.enqueue(call(1, 1, 1000, 10));
  BatchPlan plan = b.plan(0.0, rec);
  const double head = b.time_of(plan, 1);
  CHECK(b.iterations_done(plan, head * 0.5) == 0);
  CHECK(b.iterations_done(plan, head) == 1);
  CHECK(b.iterations_done(plan, b.time_of(plan, 4)) == 4);
  b.complete(plan, 1, 0.0, head, rec);  // cut after the first iteration
  BatchPlan rest = b.plan(head, rec);
  REQUIRE(rest.kind == BatchPlan::Kind::decode_run);
  CHECK(rest.iterations == 9);
  CHECK(head + rest.duration_s == Approx(plan.duration_s).epsilon(1e-12));
  b.complete(rest, rest.iterations, head, head + rest.duration_s, rec);
  REQUIRE(rec.finished.size() == 1);
  CHECK(rec.finished[0].first_token_s == Approx(head));
}

TEST_CASE("Retained KV lets the session's next call prefill only its new tokens", "[batcher][kv]") {
  for (const std::string policy : {"none", "lru"}) {
    EngineSettings engine;
    engine.kv_retention = policy;
    ContinuousBatcher b = h100_batcher(engine, 10000);
    Recorder rec;
    b.enqueue(call(1, 7, 2000, 50));
    double t = drain(b, rec, 0.0);
    // Next call: previous context (2000 + 50) plus a 300-token tool result.
    b.enqueue(call(2, 7, 2350, 20, t));
    drain(b, rec, t);
    REQUIRE(rec.finished.size() == 2);
    if (policy == "none") {
      CHECK(rec.finished[1].cached_tokens == 0);
      CHECK(rec.finished[1].computed_tokens == 2350);
      CHECK(b.kv_blocks_used() == 0);
    } else {
      // KV holds the prompt and every generated token but the last (never fed back).
      CHECK(rec.finished[1].cached_tokens == 2049);
      CHECK(rec.finished[1].computed_tokens == 2350 - 2049);
      CHECK(b.holds_session(7));
    }
  }
}

TEST_CASE("TTL retention expires idle caches", "[batcher][kv]") {
  EngineSettings engine;
  engine.kv_retention = "ttl";
  engine.kv_ttl_s = 5.0;
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  b.enqueue(call(1, 3, 500, 5));
  const double t = drain(b, rec, 0.0);
  CHECK(b.holds_session(3));
  BatchPlan p = b.plan(t + 6.0, rec);
  CHECK(p.kind == BatchPlan::Kind::idle);
  CHECK_FALSE(b.holds_session(3));
  CHECK(b.kv_blocks_used() == 0);
}

TEST_CASE("The batch cap and token budget bound each iteration", "[batcher]") {
  EngineSettings engine;
  engine.max_batch_size = 4;
  engine.max_batched_tokens = 512;
  ContinuousBatcher b = h100_batcher(engine, 100000);
  Recorder rec;
  for (int i = 0; i < 10; ++i) b.enqueue(call(i, 100 + i, 300, 20));
  BatchPlan p = b.plan(0.0, rec);
  CHECK(b.running() == 2);  // 300 + 212: the second prompt starts a chunk, the third finds no budget
  CHECK(b.waiting() == 8);
  REQUIRE(p.kind == BatchPlan::Kind::iteration);
  b.complete(p, 1, 0, p.duration_s, rec);
  double t = p.duration_s;
  for (int i = 0; i < 50; ++i) {
    BatchPlan q = b.plan(t, rec);
    REQUIRE(b.running() <= 4);
    if (q.kind == BatchPlan::Kind::idle) break;
    b.complete(q, q.iterations, t, t + q.duration_s, rec);
    t += q.duration_s;
  }
  drain(b, rec, t);
  CHECK(rec.finished.size() == 10);
}

TEST_CASE("Without chunked prefill a prompt runs in a prefill-only iteration", "[batcher]") {
  EngineSettings engine;
  engine.chunked_prefill = false;
  engine.max_batched_tokens = 1000;
  ContinuousBatcher b = h100_batcher(engine, 100000);
  Recorder rec;
  b.enqueue(call(1, 1, 4000, 3));  // longer than the budget: runs alone
  b.enqueue(call(2, 2, 600, 3));
  BatchPlan p = b.plan(0.0, rec);
  CHECK(b.running() == 1);
  RooflineModel model(llama_8b(), h100_node(), engine);
  IterationShape s;
  s.prefill_tokens = 4000;
  s.prefill_attention_pairs = 4000.0 * 4001.0 / 2.0;
  CHECK(p.duration_s == Approx(model.cost(s).time_s()));
  drain(b, rec, 0.0 + 0);
  CHECK(rec.finished.size() == 2);
}

TEST_CASE("Mixed batches: whole prompts join the decoding sequences' iteration while the budget holds them",
          "[batcher]") {
  // Whole prompts (no chunks) and a budget of 1,000 tokens an iteration.
  const auto whole_prompts = [](bool mixed) {
    EngineSettings engine;
    engine.chunked_prefill = false;
    engine.mixed_batches = mixed;
    engine.max_batched_tokens = 1000;
    return h100_batcher(engine, 100000);
  };
  for (const bool mixed : {false, true}) {
    INFO(mixed);
    ContinuousBatcher b = whole_prompts(mixed);
    Recorder rec;
    for (int i = 0; i < 3; ++i) b.enqueue(call(i, 10 + i, 10, 100));
    BatchPlan first = b.plan(0.0, rec);
    REQUIRE(first.kind == BatchPlan::Kind::iteration);
    CHECK(first.shape.prefill_tokens == 30);
    b.complete(first, 1, 0.0, first.duration_s, rec);  // the prompts ran: three sequences decode
    double t = first.duration_s;

    // Two new prompts, 600 and 200 tokens: the batcher admits both (3 + 600
    // + 200 tokens fit the budget). Mixed, they run in the decoders'
    // iteration; unmixed, in one of their own while the decoders wait.
    b.enqueue(call(3, 13, 600, 5, t));
    b.enqueue(call(4, 14, 200, 5, t));
    BatchPlan both = b.plan(t, rec);
    REQUIRE(both.kind == BatchPlan::Kind::iteration);
    CHECK(both.shape.prefill_tokens == 800);
    CHECK(both.shape.prefill_seqs == 2);
    CHECK(both.shape.decode_seqs == (mixed ? 3 : 0));
    b.complete(both, 1, t, t + both.duration_s, rec);
    t += both.duration_s;

    // A prompt of 999 tokens finds the five decoders' 5 tokens of the budget
    // taken: mixed, it waits (its KV held) while they decode; unmixed, it
    // runs alone.
    b.enqueue(call(5, 15, 999, 5, t));
    BatchPlan wait = b.plan(t, rec);
    REQUIRE(wait.kind == BatchPlan::Kind::iteration);
    CHECK(b.running() == 6);
    CHECK(wait.shape.prefill_tokens == (mixed ? 0 : 999));
    CHECK(wait.shape.decode_seqs == (mixed ? 5 : 0));
    if (mixed) CHECK(wait.iterations == 1);  // planned again after one step, to see whether it fits
    t = drain(b, rec, t);
    CHECK(rec.finished.size() == 6);
  }

  // One prompt longer than the whole budget runs when it is first in line,
  // as an unmixed prompt would.
  ContinuousBatcher b = whole_prompts(true);
  Recorder rec;
  b.enqueue(call(1, 1, 4000, 3));
  BatchPlan p = b.plan(0.0, rec);
  CHECK(p.shape.prefill_tokens == 4000);
  drain(b, rec, 0.0);
  CHECK(rec.finished.size() == 1);
}

TEST_CASE("KV exhaustion preempts the newest sequence and everything still finishes", "[batcher][kv]") {
  EngineSettings engine;
  engine.kv_retention = "none";
  // 40 blocks of 16 tokens: four 100-token prompts fit at first, but not their growth to 300 tokens.
  ContinuousBatcher b = h100_batcher(engine, 40);
  Recorder rec;
  for (int i = 0; i < 4; ++i) b.enqueue(call(i, 10 + i, 100, 200));
  drain(b, rec, 0.0);
  REQUIRE(rec.finished.size() == 4);
  CHECK(b.stats().preemptions > 0);
  long preempted = 0;
  for (const auto& o : rec.finished) {
    CHECK(o.generated_tokens == 200);
    CHECK_FALSE(o.failed);
    preempted += o.preemptions;
    if (o.preemptions > 0) CHECK(o.computed_tokens > 100);  // recomputed after preemption
  }
  CHECK(preempted == b.stats().preemptions);
  CHECK(b.kv_blocks_used() == 0);
}

TEST_CASE("A prompt larger than the whole KV cache fails instead of blocking", "[batcher][kv]") {
  EngineSettings engine;
  ContinuousBatcher b = h100_batcher(engine, 10);  // 160 tokens
  Recorder rec;
  b.enqueue(call(1, 1, 500, 5));
  b.enqueue(call(2, 2, 50, 5));
  drain(b, rec, 0.0);
  REQUIRE(rec.finished.size() == 2);
  CHECK(rec.finished[0].failed);
  CHECK_FALSE(rec.finished[1].failed);
}

TEST_CASE("Enqueue asks for an interruption only when the call could join", "[batcher]") {
  EngineSettings engine;
  engine.max_batch_size = 1;
  ContinuousBatcher b = h100_batcher(engine, 10000);
  Recorder rec;
  CHECK(b.enqueue(call(1, 1, 100, 100)));
  b.plan(0.0, rec);
  CHECK_FALSE(b.enqueue(call(2, 2, 100, 100)));  // batch full
}

TEST_CASE("Energy above idle follows the phase of the work", "[power]") {
  PowerModel power({140.0, 380.0, 700.0}, 1);
  CHECK(power.dynamic_energy_j(1.0, 1.0, 0.2) == Approx(560.0));           // compute bound: 700 W
  CHECK(power.dynamic_energy_j(1.0, 0.0, 1.0) == Approx(240.0));           // memory bound: 380 W
  CHECK(power.dynamic_energy_j(2.0, 0.0, 1.0) == Approx(240.0));           // half idle overhead
  CHECK(power.dynamic_energy_j(1.0, 0.5, 1.0) == Approx(280.0 + 120.0));   // mixed
  PowerModel eight({140.0, 380.0, 700.0}, 8);
  CHECK(eight.dynamic_energy_j(1.0, 0.0, 1.0) == Approx(8 * 240.0));  // every device of the replica
}

TEST_CASE("Reserving the output admits only what fits at full length, and never preempts", "[batcher]") {
  // 40 blocks of 16 tokens; a call needs 11 blocks for its prompt and first
  // token, 20 at its full length of 320.
  const auto run = [](const std::string& admission) {
    EngineSettings engine;
    engine.kv_retention = "none";
    engine.kv_admission = admission;
    ContinuousBatcher b = h100_batcher(engine, 40);
    Recorder rec;
    for (std::uint64_t i = 1; i <= 4; ++i) b.enqueue(call(i, i, 160, 160));
    BatchPlan first = b.plan(0.0, rec);
    const std::size_t admitted = b.running();
    b.complete(first, first.iterations, 0.0, first.duration_s, rec);
    drain(b, rec, first.duration_s);
    CHECK(rec.finished.size() == 4);
    return std::make_pair(admitted, b.stats().preemptions);
  };
  const auto [on_demand_admitted, on_demand_preemptions] = run("on_demand");
  const auto [reserved_admitted, reserved_preemptions] = run("reserve_output");
  CHECK(on_demand_admitted == 3);    // 11 blocks each for prompt + first token: 3 of 40
  CHECK(on_demand_preemptions > 0);  // and they outgrow the cache while decoding
  CHECK(reserved_admitted == 2);  // 2 x 20 blocks reserved
  CHECK(reserved_preemptions == 0);
}
