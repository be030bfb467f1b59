// Multi-step scheduling (engine scheduler_steps, vLLM's --num-scheduler-steps):
// the scheduler runs once per window of decode iterations, so a call that
// arrives while a batch decodes joins at the window's end. Hand-computed
// windows on the batcher, then the engine's cut of a decode run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetsim/core/continuous_batcher.hpp"
#include "support/batcher_driver.hpp"
#include "support/call_log.hpp"
#include "support/exact_server.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

EngineSettings multi_step(int steps) {
  EngineSettings engine;
  engine.chunked_prefill = false;
  engine.scheduler_steps = steps;
  return engine;
}

}  // namespace

TEST_CASE("Multi-step: a plan's scheduling points are the ends of its windows", "[batcher][multi_step]") {
  ContinuousBatcher b = h100_batcher(multi_step(4), 10000);
  Recorder rec;
  b.enqueue(call(1, 1, 100, 20));
  const BatchPlan p = b.plan(0.0, rec);  // the prefill, then 19 decodes
  REQUIRE(p.kind == BatchPlan::Kind::iteration);
  REQUIRE(p.iterations == 20);
  // The scheduler runs after the prefill iteration, then after every 4 decodes.
  CHECK(b.scheduling_point(p, 1) == 1);
  CHECK(b.scheduling_point(p, 2) == 5);
  CHECK(b.scheduling_point(p, 5) == 5);
  CHECK(b.scheduling_point(p, 6) == 9);
  CHECK(b.scheduling_point(p, 18) == 20);  // the window would end at 21: the plan ends first
  CHECK(b.scheduling_point(p, 20) == 20);

  ContinuousBatcher single = h100_batcher(multi_step(1), 10000);
  single.enqueue(call(1, 1, 100, 20));
  const BatchPlan q = single.plan(0.0, rec);
  for (long k : {1L, 2L, 6L, 20L}) CHECK(single.scheduling_point(q, k) == k);
}

TEST_CASE("Multi-step: a waiting call joins only when the window ends", "[batcher][multi_step]") {
  // Call 1 has its last token after its prefill and 2 decodes, 2 iterations
  // into a window of 4. With 4 steps it stays in the batch, computed, for
  // the window's last 2 decodes and finishes at the window's end; call 3,
  // queued meanwhile, joins then. With 1 step call 1 finishes at its last
  // token and call 3 is admitted at once.
  for (int steps : {1, 4}) {
    CAPTURE(steps);
    ContinuousBatcher b = h100_batcher(multi_step(steps), 10000);
    Recorder rec;
    b.enqueue(call(1, 1, 100, 3));
    b.enqueue(call(2, 2, 100, 20));
    BatchPlan first = b.plan(0.0, rec);
    REQUIRE(first.kind == BatchPlan::Kind::iteration);
    REQUIRE(first.iterations == 3);  // ends when call 1 has its 3 tokens
    b.complete(first, first.iterations, 0.0, first.duration_s, rec);
    double now = first.duration_s;

    b.enqueue(call(3, 3, 100, 5, now));
    BatchPlan next = b.plan(now, rec);
    if (steps == 1) {
      REQUIRE(rec.finished.size() == 1);
      CHECK(rec.finished[0].finished_s == now);
      CHECK(next.kind == BatchPlan::Kind::iteration);  // call 3's prefill
      CHECK(b.running() == 2);
      continue;
    }
    CHECK(rec.finished.empty());
    REQUIRE(next.kind == BatchPlan::Kind::decode_run);
    CHECK(b.running() == 2);       // call 1, done, rides the window out beside call 2
    CHECK(next.run.seqs == 2.0);   // and is computed
    CHECK(next.window_steps_before == 2);
    CHECK(next.iterations == 2);
    CHECK(b.scheduling_point(next, 1) == 2);
    b.complete(next, next.iterations, now, now + next.duration_s, rec);
    now += next.duration_s;
    REQUIRE(rec.finished.size() == 1);
    CHECK(rec.finished[0].request.call_id == 1);
    CHECK(rec.finished[0].finished_s == now);       // the window's end
    CHECK(rec.finished[0].generated_tokens == 3);   // the window's extra tokens are dropped

    BatchPlan joined = b.plan(now, rec);
    CHECK(joined.kind == BatchPlan::Kind::iteration);
    CHECK(b.running() == 2);
    b.complete(joined, joined.iterations, now, now + joined.duration_s, rec);
    drain(b, rec, now + joined.duration_s);
    CHECK(rec.finished.size() == 3);
  }
}

TEST_CASE("Multi-step: a batch whose calls are all done decodes to the window's end", "[batcher][multi_step]") {
  // One call of 6 tokens: the prefill yields the first, a window of 4
  // decodes the next 4, and the last comes 1 decode into the second window,
  // which then runs its 3 remaining steps for nothing. The call finishes
  // after 1 + 4 + 4 iterations instead of 1 + 5.
  ContinuousBatcher b = h100_batcher(multi_step(4), 10000);
  Recorder rec;
  b.enqueue(call(1, 1, 100, 6));
  double now = 0.0;
  long iterations = 0;
  double decode_s = 0.0;
  for (int plans = 0; plans < 10 && rec.finished.empty(); ++plans) {
    const BatchPlan p = b.plan(now, rec);
    REQUIRE(p.kind != BatchPlan::Kind::idle);
    b.complete(p, p.iterations, now, now + p.duration_s, rec);
    if (p.kind == BatchPlan::Kind::decode_run) decode_s = p.run_terms.time(1);
    iterations += p.iterations;
    now += p.duration_s;
  }
  REQUIRE(rec.finished.size() == 1);
  CHECK(iterations == 9);
  CHECK(rec.finished[0].generated_tokens == 6);
  CHECK(rec.finished[0].finished_s == Approx(now));
  CHECK(b.running() == 0);
  // With one step the same call ends 3 decodes sooner.
  ContinuousBatcher single = h100_batcher(multi_step(1), 10000);
  Recorder alone;
  single.enqueue(call(1, 1, 100, 6));
  const double single_end = drain(single, alone, 0.0);
  REQUIRE(alone.finished.size() == 1);
  CHECK(alone.finished[0].finished_s == Approx(single_end));
  // (to within the attention over a token more or less: runs split differently)
  CHECK(now - single_end == Approx(3 * decode_s).epsilon(1e-4));
}

TEST_CASE("Multi-step: a call riding its window out gives way when the KV cache runs short", "[batcher][multi_step]") {
  // 3 blocks of 16 tokens. Call 1 (16-token prompt, 2 tokens) is done after
  // its prefill and one decode, holding 2 blocks, 1 step into a window of 4.
  // Call 2 (14-token prompt) holds 1 block and needs a second at its 17th
  // token, 2 decodes later, inside the same window: call 1 finishes then,
  // and nothing is preempted.
  EngineSettings engine = multi_step(4);
  ContinuousBatcher b = h100_batcher(engine, 3);
  Recorder rec;
  b.enqueue(call(1, 1, 16, 2));
  b.enqueue(call(2, 2, 14, 20));
  double now = 0.0;
  const BatchPlan first = b.plan(now, rec);
  REQUIRE(first.kind == BatchPlan::Kind::iteration);
  REQUIRE(first.iterations == 2);  // both prefills, then call 1's last token
  b.complete(first, first.iterations, now, now + first.duration_s, rec);
  now += first.duration_s;
  CHECK(rec.finished.empty());  // call 1 rides the window out

  const BatchPlan second = b.plan(now, rec);
  REQUIRE(second.kind == BatchPlan::Kind::decode_run);
  CHECK(second.iterations == 1);  // call 2's 16th token fills its block; the 17th needs another
  b.complete(second, second.iterations, now, now + second.duration_s, rec);
  now += second.duration_s;
  CHECK(rec.finished.empty());

  const BatchPlan third = b.plan(now, rec);
  REQUIRE(rec.finished.size() == 1);
  CHECK(rec.finished[0].request.call_id == 1);
  CHECK(rec.finished[0].finished_s == now);  // when its blocks were needed, before the window's end
  CHECK(rec.finished[0].generated_tokens == 2);
  CHECK(b.running() == 1);
  CHECK(b.stats().preemptions == 0);
  CHECK(third.kind == BatchPlan::Kind::decode_run);
  CHECK(third.window_steps_before == 2);
  CHECK(third.iterations == 2);  // the window's rest
}

TEST_CASE("Multi-step: a failure counts no output tokens for a call riding its window out", "[batcher][multi_step]") {
  // Call 1 (3 tokens) is done 2 steps into a window of 4; the node fails
  // once the window's last 2 decodes have run. Lost: each call's tokens so
  // far (3 + 3) and call 2's 2 decodes; call 1's 2 dropped tokens were
  // never generated.
  ContinuousBatcher b = h100_batcher(multi_step(4), 10000);
  Recorder rec;
  b.enqueue(call(1, 1, 100, 3));
  b.enqueue(call(2, 2, 100, 20));
  const BatchPlan first = b.plan(0.0, rec);
  REQUIRE(first.iterations == 3);
  b.complete(first, first.iterations, 0.0, first.duration_s, rec);
  const double now = first.duration_s;
  const BatchPlan rest = b.plan(now, rec);
  REQUIRE(rest.kind == BatchPlan::Kind::decode_run);
  REQUIRE(rest.iterations == 2);
  REQUIRE(b.running() == 2);
  b.halt(rest, now, now + rest.duration_s);
  std::vector<CallRequest> aborted;
  const LostWork lost = b.fail(now + rest.duration_s, aborted);
  CHECK(aborted.size() == 2);
  CHECK(lost.prefill_tokens == 200);
  CHECK(lost.output_tokens == 3 + 3 + 2);
}

namespace {

// One replica of the exact server (every iteration about 10 ms): two calls
// 25 ms apart, the second arriving while the first decodes.
std::string two_calls(int steps) {
  return fmt::format("name: multi-step-{}\n", steps) + exact_server_sections() + fmt::format(R"(fleet:
  pools:
    - {{name: solo, hardware: toy-gpu, count: 1, models: [toy-model],
       engine: {{max_batch_size: 8, chunked_prefill: false, scheduler_steps: {steps}, kv_retention: none}}}}
workloads:
  - name: calls
    arrivals: {{process: constant, rate: 40/s}}
    steps:
      - llm: {{model: toy-model, prompt_tokens: 1, output_tokens: 100}}
simulation: {{sessions: 2, seed: 1}}
)",
                     fmt::arg("steps", steps));
}

// Each call's first-token and admission times from fleetsim run --calls,
// in the order the calls were issued.
struct CallTimes {
  double first_token_s, scheduled_s;
};
std::vector<CallTimes> call_times(int steps) {
  auto rows = call_log_of(fmt::format("multi-step-{}", steps), two_calls(steps));
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return std::stod(a.at("issued_s")) < std::stod(b.at("issued_s")); });
  std::vector<CallTimes> times;
  for (const auto& row : rows) times.push_back({std::stod(row.at("first_token_s")), std::stod(row.at("scheduled_s"))});
  return times;
}

}  // namespace

TEST_CASE("Multi-step: the engine cuts a decode run at its window's end for a new call", "[engine][multi_step]") {
  // The first call's prefill ends at p; its decodes end every d after (d
  // about 10 ms). The second call arrives at 25 ms, during the second
  // decode: one step a window admits it after that decode (p + 2d); four
  // steps a window, after the fourth (p + 4d).
  const auto single = call_times(1);
  const auto windowed = call_times(4);
  REQUIRE(single.size() == 2);
  REQUIRE(windowed.size() == 2);
  const double p1 = single[0].first_token_s, p4 = windowed[0].first_token_s;
  CHECK(p1 == Approx(p4));
  const double waited1 = single[1].scheduled_s - p1;
  const double waited4 = windowed[1].scheduled_s - p4;
  CHECK(waited1 == Approx(0.020).epsilon(0.02));
  CHECK(waited4 == Approx(2.0 * waited1).epsilon(1e-3));
}
