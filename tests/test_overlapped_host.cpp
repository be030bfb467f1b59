// An overlap scheduler's host loop beside the device (EngineSettings::
// overlapped_host, docs/performance-model.md 2.16): an iteration lasts the
// longer of the device's kernels and the host's work for the next one, the
// exposed overhead after either; decode runs keep their closed form.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fleetsim/core/roofline_model.hpp"
#include "support/decode_runs.hpp"
#include "support/fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

IterationShape decoding(double seqs, double context_each) {
  IterationShape s;
  s.decode_seqs = seqs;
  s.decode_context = s.cache_cells = seqs * context_each;
  return s;
}

EngineSettings beside(double per_sequence_s, double fixed_s = 0.0) {
  EngineSettings e;
  e.overlapped_host.fixed_s = fixed_s;
  e.overlapped_host.per_sequence_s = per_sequence_s;
  return e;
}

}  // namespace

TEST_CASE("An iteration lasts the longer of the device's kernels and the overlapped host work", "[roofline][host]") {
  const ModelSpec m = llama_8b();
  const RooflineModel plain(m, h100_node(), EngineSettings{});
  // The h100 fixture's exposed overhead is its 1 ms iteration_overhead.
  const double exposed = 1e-3;

  // 256 sequences at 100 tokens each: the device needs about 9 ms (the
  // matrices' 6.9 ms of math, 1.25 ms of KV, 1 ms exposed). 50 us of host
  // work a sequence is 12.8 ms, longer: the step lasts 12.8 + 1 ms.
  const IterationShape busy = decoding(256, 100);
  const IterationCost device = plain.cost(busy);
  REQUIRE(device.time_s() < 12.8e-3 + exposed);
  const IterationCost host_bound = RooflineModel(m, h100_node(), beside(50e-6)).cost(busy);
  CHECK(host_bound.overlapped_host_s == Approx(256 * 50e-6));
  CHECK(host_bound.time_s() == Approx(12.8e-3 + exposed));
  CHECK(host_bound.device_time_s() == device.time_s());
  // The device waits 13.8 ms - its own time for the host: the replica's host
  // share counts that wait beside the exposed overhead.
  CHECK(host_bound.host_s() == Approx(exposed + (12.8e-3 + exposed - device.time_s())));
  // The device's work, and so its energy, does not change.
  CHECK(host_bound.compute_s == device.compute_s);
  CHECK(host_bound.memory_s == device.memory_s);

  // 10 us a sequence, 2.56 ms of host work, hides under the device's 9 ms.
  const IterationCost hidden = RooflineModel(m, h100_node(), beside(10e-6)).cost(busy);
  CHECK(hidden.time_s() == device.time_s());
  CHECK(hidden.host_s() == device.overhead_s);

  // A fixed part counts once an iteration, whatever the batch.
  const IterationCost fixed = RooflineModel(m, h100_node(), beside(0.0, 20e-3)).cost(decoding(1, 100));
  CHECK(fixed.time_s() == Approx(20e-3 + exposed));

  // Without overlapped host work nothing changes, to the bit.
  CHECK(device.overlapped_host_s == 0.0);
  CHECK(device.time_s() == device.device_time_s());
  CHECK(device.host_s() == device.overhead_s);
  CHECK(plain.decode_terms({256, 256 * 100.0}).floor == 0.0);
}

TEST_CASE("Decode runs under an overlapped host stay exact in closed form", "[roofline][host]") {
  // 64 sequences from 100 tokens each: the device starts near 7 ms a step and
  // its KV reads grow about 3 us a step; 125 us of host work a sequence holds
  // the first few hundred steps at 8 + 1 ms, the rest run at the device's pace.
  for (const KvLayout layout : {KvLayout::per_sequence, KvLayout::unified}) {
    INFO(static_cast<int>(layout));
    EngineSettings engine = beside(125e-6);
    engine.kv_layout = layout;
    EngineSettings no_host;
    no_host.kv_layout = layout;
    const RooflineModel model(llama_8b(), h100_node(), engine);
    const RooflineModel device(llama_8b(), h100_node(), no_host);
    const double context = 64 * 100.0;
    const RooflineModel::DecodeRun run{64, context};
    const auto terms = model.decode_terms(run);
    CHECK(terms.floor == Approx(64 * 125e-6 + 1e-3));

    // The floored iterations are those whose own cost() is below the floor.
    int below = 0;
    for (int j = 0; j < 3000; ++j)
      if (device.cost(decoding(64, 100.0 + j)).time_s() < terms.floor) ++below;
    REQUIRE(below > 0);
    REQUIRE(below < 3000);  // the run crosses the floor inside 3,000 steps
    CHECK(terms.floored_iterations(3000) == below);
    CHECK(terms.floored_iterations(below / 2) == below / 2);

    for (const int k : {1, 10, below, below + 1, 3000}) {
      INFO(k);
      CHECK(terms.time(k) == Approx(summed_decode_run(model, 64, context, k)).epsilon(1e-9));
      CHECK(terms.device_time(k) == Approx(summed_decode_run(device, 64, context, k)).epsilon(1e-9));
      CHECK(terms.host_wait(k) == Approx(terms.time(k) - terms.device_time(k)).epsilon(1e-9));
      // And back: how many iterations end by the time k of them take.
      CHECK(terms.iterations_within(3000, terms.time(k)) == k);
    }
    // Within the floored stretch every step takes the floor exactly.
    CHECK(terms.time(10) == Approx(10 * terms.floor));
  }
}
