// Scenario keys of the model refinements: weight formats, experts, CPU
// threads and per-core bandwidth, read and checked.
#include <catch2/catch.hpp>

#include <string>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::catalog;
using fleetsim::testing::messages;

using fleetsim::testing::keys_scenario;

TEST_CASE("weight_format sets the data type and the real bits per weight", "[loader][formats]") {
  const LoadResult r = load_scenario_text(keys_scenario("    weight_format: q4_k_m\n"), "f.yaml", catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  const ModelSpec& m = r.scenario->models.at(0);
  CHECK(m.weight_format == "q4_k_m");
  CHECK(m.weight_dtype == DataType::int4);
  CHECK(m.bits_per_weight == Approx(4.8));
  CHECK(m.head_storage->format == "q6_k");
  CHECK(m.weight_bytes() == Approx(8.03e9 * 4.8 / 8));  // no vocabulary given: no head of its own to price
}

TEST_CASE("bits_per_weight overrides a dtype's width, formats and dtypes do not mix", "[loader][formats]") {
  const LoadResult plain = load_scenario_text(keys_scenario("    weight_dtype: int4\n    bits_per_weight: 4.5\n"),
                                              "f.yaml", catalog());
  INFO(messages(plain));
  REQUIRE(plain.ok());
  CHECK(plain.scenario->models.at(0).weight_bytes() == Approx(8.03e9 * 4.5 / 8));

  const LoadResult both =
      load_scenario_text(keys_scenario("    weight_format: q8_0\n    weight_dtype: int8\n"), "f.yaml", catalog());
  CHECK_FALSE(both.ok());
  CHECK_THAT(messages(both), Contains("give weight_format or weight_dtype, not both"));

  const LoadResult unknown = load_scenario_text(keys_scenario("    weight_format: q4_k_n\n"), "f.yaml", catalog());
  CHECK_FALSE(unknown.ok());
  CHECK_THAT(messages(unknown), Contains("did you mean \"q4_k_m\"?"));
}

TEST_CASE("A mixture of experts is given by its experts and the experts per token", "[loader][moe]") {
  const LoadResult r = load_scenario_text(
      keys_scenario("    params_total: 46.7e9\n    params_active: 12.9e9\n    experts: 8\n    experts_per_token: 2\n"
                    "    weight_dtype: fp8\n",
                    "gpu"),
      "moe.yaml", catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->models.at(0).routed_expert_params() == Approx(33.8e9 * 8 / 6));

  const LoadResult too_many = load_scenario_text(
      keys_scenario("    params_total: 46.7e9\n    params_active: 12.9e9\n    experts: 8\n    experts_per_token: 9\n",
                    "gpu"),
      "moe.yaml", catalog());
  CHECK_FALSE(too_many.ok());
  CHECK_THAT(messages(too_many), Contains("experts_per_token <= experts"));

  const LoadResult dense = load_scenario_text(keys_scenario("    experts: 8\n    experts_per_token: 2\n", "gpu"),
                                              "moe.yaml", catalog());
  CHECK_FALSE(dense.ok());
  CHECK_THAT(messages(dense), Contains("params_active below params_total"));
}

TEST_CASE("threads apply to CPU pools, up to the replica's cores", "[loader][cpu]") {
  const LoadResult r = load_scenario_text(
      keys_scenario("", "cpu", "{threads: 16}", "hardware:\n  slice:\n    catalog: cpu\n    core_bandwidth: 8GB/s\n"),
      "t.yaml", catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->pools.at(0).engine.threads == 16);

  const LoadResult slice = load_scenario_text(
      keys_scenario("", "slice", "{threads: 16}", "hardware:\n  slice:\n    catalog: cpu\n    core_bandwidth: 8GB/s\n"),
      "t.yaml", catalog());
  INFO(messages(slice));
  REQUIRE(slice.ok());
  CHECK(slice.scenario->pools.at(0).hardware.core_bandwidth_bps == Approx(8e9));

  const LoadResult too_many = load_scenario_text(keys_scenario("", "cpu", "{threads: 97}"), "t.yaml", catalog());
  CHECK_FALSE(too_many.ok());
  CHECK_THAT(messages(too_many), Contains("threads 97 exceeds the 96 cores"));

  const LoadResult on_gpu = load_scenario_text(keys_scenario("", "gpu", "{threads: 8}"), "t.yaml", catalog());
  CHECK_FALSE(on_gpu.ok());
  CHECK_THAT(messages(on_gpu), Contains("threads applies to CPU pools"));

  const LoadResult gpu_core_bw = load_scenario_text(
      keys_scenario("", "gpu", "{}", "hardware:\n  g:\n    catalog: gpu\n    core_bandwidth: 8GB/s\n"), "t.yaml",
      catalog());
  CHECK_FALSE(gpu_core_bw.ok());
  CHECK_THAT(messages(gpu_core_bw), Contains("applies only to kind: cpu"));
}

TEST_CASE("kv_layout is per_sequence unless a pool says unified", "[loader][kv_layout]") {
  const LoadResult plain = load_scenario_text(keys_scenario(""), "k.yaml", catalog());
  INFO(messages(plain));
  REQUIRE(plain.ok());
  CHECK(plain.scenario->pools.at(0).engine.kv_layout == KvLayout::per_sequence);

  const LoadResult unified = load_scenario_text(keys_scenario("", "cpu", "{kv_layout: unified}"), "k.yaml", catalog());
  INFO(messages(unified));
  REQUIRE(unified.ok());
  CHECK(unified.scenario->pools.at(0).engine.kv_layout == KvLayout::unified);

  const LoadResult wrong = load_scenario_text(keys_scenario("", "cpu", "{kv_layout: shared}"), "k.yaml", catalog());
  CHECK_FALSE(wrong.ok());
  CHECK_THAT(messages(wrong), Contains("kv_layout") && Contains("per_sequence") && Contains("unified"));
}
