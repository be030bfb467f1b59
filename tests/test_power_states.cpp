// Frequency states (docs/performance-model.md 5.2): a pool's devices at a
// lower clock compute slower, stream memory as fast, and draw power above
// idle scaled by clock x voltage^2. Every figure below is worked by hand.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/core/power_state.hpp"
#include "fleetsim/core/roofline_model.hpp"
#include "support/cli_runner.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

TEST_CASE("a frequency state scales peak FLOP/s by the clock and power above idle by clock x voltage^2",
          "[pstates]") {
  const HardwareSpec nominal = h100_node();  // 989 TFLOPS bf16, power 140 / 380 / 700 W
  const HardwareSpec slow = at_power_state(nominal, PowerState{"half", 0.5, 0.8});
  CHECK(slow.peak_flops.at(DataType::bf16) == Approx(494.5e12));
  CHECK(slow.peak_flops.at(DataType::fp8) == Approx(989.5e12));
  CHECK(slow.memory_bandwidth_bps == nominal.memory_bandwidth_bps);
  // f V^2 = 0.5 * 0.64 = 0.32: 140 + 560 * 0.32 = 319.2 W; 140 + 240 * 0.32 = 216.8 W.
  CHECK(slow.device_power.compute_bound_w == Approx(319.2));
  CHECK(slow.device_power.memory_bound_w == Approx(216.8));
  CHECK(slow.device_power.idle_w == 140.0);
  CHECK(slow.host_power_w == nominal.host_power_w);
  // A GPU's iteration overhead is host code, on a CPU the state leaves alone.
  CHECK(slow.iteration_overhead_s == nominal.iteration_overhead_s);
}

TEST_CASE("a CPU's frequency state also slows its clock and its per-iteration host work", "[pstates]") {
  HardwareSpec cpu = h100_node();
  cpu.kind = DeviceKind::cpu;
  cpu.clock_hz = 2.0e9;
  cpu.iteration_overhead_s = 0.5e-3;
  const HardwareSpec slow = at_power_state(cpu, PowerState{"1.6GHz", 0.8, 0.9});
  CHECK(slow.clock_hz == Approx(1.6e9));
  CHECK(slow.iteration_overhead_s == Approx(0.625e-3));
}

TEST_CASE("at a lower clock a memory-bound decode keeps its time and a compute-bound prefill takes 1/f as long",
          "[pstates]") {
  EngineSettings engine;
  const HardwareSpec nominal = h100_node();
  const HardwareSpec slow = at_power_state(nominal, PowerState{"s", 0.7705, 0.885});
  const RooflineModel fast_model(llama_8b(), nominal, engine), slow_model(llama_8b(), slow, engine);
  IterationShape decode;
  decode.decode_seqs = 1;
  decode.decode_context = 1000;
  // Batch 1: bytes / (3.35e12 * 0.8) + 1 ms either way (the compute term,
  // 1.6e10 FLOP / (0.7705 * 989e12 * 0.6) = 35 us, stays under the memory one, 6 ms).
  CHECK(slow_model.cost(decode).time_s() == Approx(fast_model.cost(decode).time_s()));
  CHECK(slow_model.cost(decode).time_s() == Approx(7.0416e-3).epsilon(1e-4));
  IterationShape prefill;
  prefill.prefill_tokens = 4096;
  prefill.prefill_attention_pairs = 4096.0 * 4097.0 / 2.0;
  const double flops = 2 * 8.03e9 * 4096 + 4.0 * 32 * 4096 * (4096.0 * 4097.0 / 2.0);
  CHECK(slow_model.cost(prefill).time_s() == Approx(flops / (0.7705 * 989e12 * 0.6) + 1e-3));
}

namespace {

const std::string kPowerStatesScenario = R"(name: pstate-test
fleet:
  pools:
    - name: gpu
      hardware: h100-p5.48xlarge
      pstate: sm-1410mhz
      count: 1
      models: [llama-3.1-8b]
      engine: {tensor_parallel: 1}
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 2/s}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 500, output_tokens: 100}
simulation: {duration: 60s, warmup: 10s, seed: 1}
)";

}  // namespace

TEST_CASE("a pool's pstate puts its copy of the catalog entry at that state", "[pstates]") {
  const LoadResult r = load_test_yaml(kPowerStatesScenario);
  INFO(messages(r));
  REQUIRE(r.ok());
  const Pool& pool = r.scenario->pools.at(0);
  CHECK(pool.pstate == "sm-1410mhz");
  // The catalog's H100: 989 TFLOPS bf16 at 1830 MHz; 1410 MHz is f = 0.7705,
  // V = 0.885, f V^2 = 0.60347.
  CHECK(pool.hardware.peak_flops.at(DataType::bf16) == Approx(989e12 * 0.7705));
  CHECK(pool.hardware.device_power.compute_bound_w == Approx(140 + 560 * 0.7705 * 0.885 * 0.885));
  CHECK(pool.hardware.device_power.compute_bound_w == Approx(477.9).epsilon(1e-3));
  CHECK(pool.hardware.device_power.memory_bound_w == Approx(284.8).epsilon(1e-3));
  CHECK(pool.hardware.memory_bandwidth_bps == Approx(3.35e12));
}

TEST_CASE("an unknown pstate is an error with the closest state's name", "[pstates]") {
  check_error(with(kPowerStatesScenario, "pstate: sm-1410mhz", "pstate: sm-1410mz"),
              "test.yaml:6:15: error: fleet.pools[0].pstate: unknown frequency state \"sm-1410mz\" of \"h100-p5.48xlarge\"",
              "did you mean \"sm-1410mhz\"?");
}

TEST_CASE("a pstate on a node type without states says how to add them", "[pstates]") {
  check_error(with(with(kPowerStatesScenario, "h100-p5.48xlarge", "h200-p5en.48xlarge"), "pstate: sm-1410mhz",
                   "pstate: low"),
              "fleet.pools[0].pstate: unknown frequency state \"low\" of \"h200-p5en.48xlarge\"",
              "lists no pstates");
}

TEST_CASE("a frequency state's clock must be above 0 and at most 4, and its name given once", "[pstates]") {
  const std::string own = with(kPowerStatesScenario, "fleet:\n", R"(hardware:
  h100-x:
    catalog: h100-p5.48xlarge
    pstates:
      - {name: low, clock: 0}
fleet:
)");
  const std::string pooled = with(with(own, "hardware: h100-p5.48xlarge", "hardware: h100-x"), "sm-1410mhz", "low");
  check_error(pooled, "hardware.h100-x.pstates[0].clock", "");
  check_error(with(pooled, "{name: low, clock: 0}", "{name: low, clock: 0.5}\n      - {name: low, clock: 0.6}"),
              "frequency state \"low\" is listed twice", "give each state its own name");
}

TEST_CASE("the report names a pool's pstate, and a pool without one reports no pstate", "[pstates]") {
  const std::string with_state = write_temp_file("pstate.yaml", kPowerStatesScenario);
  const CliResult a = run_fleetsim("run " + with_state + " --format json --no-progress");
  REQUIRE(a.exit_code == 0);
  const auto ja = nlohmann::json::parse(a.out);
  CHECK(ja["pools"][0]["pstate"] == "sm-1410mhz");
  const std::string without =
      write_temp_file("nominal.yaml", with(kPowerStatesScenario, "      pstate: sm-1410mhz\n", ""));
  const CliResult b = run_fleetsim("run " + without + " --format json --no-progress");
  REQUIRE(b.exit_code == 0);
  const auto jb = nlohmann::json::parse(b.out);
  CHECK_FALSE(jb["pools"][0].contains("pstate"));
  // Same traffic, decode-heavy: the slower clock draws less energy.
  CHECK(ja["pools"][0]["energy_j"].get<double>() < jb["pools"][0]["energy_j"].get<double>());
  const CliResult t = run_fleetsim("run " + with_state + " --no-progress");
  CHECK_THAT(t.out, Catch::Matchers::Contains("Frequency states"));
}
