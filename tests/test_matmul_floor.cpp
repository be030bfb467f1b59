// A matrix product's floor (docs/performance-model.md 2.13): the time each
// weight-matrix product takes besides streaming its weights, by hand on the
// roofline, read from a hardware entry, and its mistakes.
#include <catch2/catch.hpp>

#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/io/catalog.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;

namespace {

constexpr double kFloor = 12e-6;
constexpr double kFloorBytes = 33554432.0;  // 32 MiB

HardwareSpec floored_h100() {
  HardwareSpec h = testing::h100_node();
  h.matmul_floor_s = kFloor;
  h.matmul_floor_bytes = kFloorBytes;
  return h;
}

EngineSettings tensor_parallel(int n) {
  EngineSettings e;
  e.tensor_parallel = n;
  return e;
}

IterationShape decode_batch(double seqs) {
  IterationShape s;
  s.decode_seqs = seqs;
  s.decode_context = 1000 * seqs;
  return s;
}

}  // namespace

TEST_CASE("Each weight-matrix product pays the floor, by hand, on every device of a replica", "[roofline]") {
  const ModelSpec model = testing::llama_8b();  // 8.03e9 bf16 weights, 32 layers, no vocabulary given
  const HardwareSpec plain = testing::h100_node();
  const HardwareSpec floored = floored_h100();

  // One device: 4 products x 32 layers = 128 of 16.06e9 / 128 = 125 MB each,
  // above 32 MiB, so each pays the whole 12 us: 1.536 ms per iteration,
  // whatever its batch, in the matrices' time and no other term.
  for (double seqs : {1.0, 64.0}) {
    const IterationCost a = RooflineModel(model, plain, EngineSettings{}).cost(decode_batch(seqs));
    const IterationCost b = RooflineModel(model, floored, EngineSettings{}).cost(decode_batch(seqs));
    CHECK(b.linear_s - a.linear_s == Approx(128 * 12e-6));
    CHECK(b.time_s() - a.time_s() == Approx(1.536e-3));
    // Power counts it with the streaming: the kernel runs throughout.
    CHECK(b.memory_s - a.memory_s == Approx(1.536e-3));
    CHECK(b.compute_s == a.compute_s);
    CHECK(b.bytes == a.bytes);
  }

  // Tensor-parallel over 8 devices: each device runs all 128 products on an
  // eighth of each matrix, 16.06e9 / 1024 = 15.68 MB, under 32 MiB, so each
  // pays the floor in proportion: 128 x 12 us x 15.68e6 / 33,554,432.
  const IterationCost a8 = RooflineModel(model, plain, tensor_parallel(8)).cost(decode_batch(8));
  const IterationCost b8 = RooflineModel(model, floored, tensor_parallel(8)).cost(decode_batch(8));
  CHECK(b8.linear_s - a8.linear_s == Approx(128 * 12e-6 * (16.06e9 / 1024) / kFloorBytes));

  // No floor bytes given: the whole floor at any size.
  HardwareSpec whole = floored;
  whole.matmul_floor_bytes = 0;
  CHECK(RooflineModel(model, whole, tensor_parallel(8)).cost(decode_batch(8)).linear_s - a8.linear_s ==
        Approx(128 * 12e-6));

  // An iteration with no tokens runs no products.
  CHECK(RooflineModel(model, floored, EngineSettings{}).cost(IterationShape{}).time_s() ==
        RooflineModel(model, plain, EngineSettings{}).cost(IterationShape{}).time_s());
}

TEST_CASE("The output head's product pays its floor only when the iteration samples", "[roofline]") {
  ModelSpec model = testing::llama_8b();
  model.vocab_size = 128256;  // an untied 525e6-weight head: 1.05 GB, above 32 MiB
  const HardwareSpec plain = testing::h100_node();
  const HardwareSpec floored = floored_h100();
  const double body_floor = 128 * 12e-6;  // the body's products: (8.03e9 - 2 x 525e6) x 2 bytes / 128 = 109 MB each

  const IterationCost a = RooflineModel(model, plain, EngineSettings{}).cost(decode_batch(4));
  const IterationCost b = RooflineModel(model, floored, EngineSettings{}).cost(decode_batch(4));
  CHECK(b.linear_s - a.linear_s == Approx(body_floor + 12e-6));

  // A prompt chunk that is not its prompt's last samples nothing: no head.
  IterationShape chunk = testing::one_prompt(512);
  chunk.prefill_outputs = 0;
  const double gap = RooflineModel(model, floored, EngineSettings{}).cost(chunk).linear_s -
                     RooflineModel(model, plain, EngineSettings{}).cost(chunk).linear_s;
  CHECK(gap == Approx(body_floor));
}

TEST_CASE("A decode run's closed form charges the floor every iteration, and power with the streaming", "[roofline]") {
  const ModelSpec model = testing::llama_8b();
  const RooflineModel plain(model, testing::h100_node(), EngineSettings{});
  const RooflineModel floored(model, floored_h100(), EngineSettings{});
  const RooflineModel::DecodeRun run{16, 16 * 500.0};
  CHECK(floored.decode_run_time(run, 100) - plain.decode_run_time(run, 100) == Approx(100 * 128 * 12e-6));
  double c0, m0, c1, m1;
  plain.decode_run_components(run, 100, c0, m0);
  floored.decode_run_components(run, 100, c1, m1);
  CHECK(c1 == c0);
  CHECK(m1 - m0 == Approx(100 * 128 * 12e-6));
}

TEST_CASE("matmul_floor: the catalog's accelerators carry it, its CPUs do not, bad values located", "[loader]") {
  const Catalog& builtin = Catalog::builtin();
  const HardwareSpec* h200 = builtin.find_hardware("h200-p5en.48xlarge");
  REQUIRE(h200);
  CHECK(h200->matmul_floor_s == Approx(12e-6));
  CHECK(h200->matmul_floor_bytes == Approx(kFloorBytes));
  for (const HardwareSpec& h : builtin.hardware()) {
    INFO(h.name);
    if (h.kind == DeviceKind::cpu)
      CHECK(h.matmul_floor_s == 0.0);
    else
      CHECK(h.matmul_floor_s > 0.0);
  }

  const std::string hardware = "hardware:\n  h: {catalog: h100-p5.48xlarge, matmul_floor: -1us}\n";
  testing::check_error(testing::keys_scenario("", "h", "{}", hardware), "test.yaml:3:48: error: hardware.h.matmul_floor: expected a duration >= 0", "");
  const LoadResult r = testing::load_test_yaml(testing::keys_scenario("", "h", "{}", hardware));
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(testing::messages(r), Catch::Matchers::Contains("hardware.h.matmul_floor"));
  const LoadResult bytes = testing::load_test_yaml(
      testing::keys_scenario("", "h", "{}", "hardware:\n  h: {catalog: h100-p5.48xlarge, matmul_floor_bytes: 3us}\n"));
  REQUIRE_FALSE(bytes.ok());
  CHECK_THAT(testing::messages(bytes), Catch::Matchers::Contains("hardware.h.matmul_floor_bytes"));
}
