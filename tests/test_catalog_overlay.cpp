// A catalog file laid over the built-in catalog (`fleetsim --catalog FILE`):
// calibrations of built-in entries, new entries, and its mistakes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fleetsim/io/catalog.hpp"
#include "support/cli_runner.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::messages;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::write_temp_file;

namespace {

const Catalog& base() {
  static const Catalog c = [] {
    HardwareSpec gpu = testing::h100_node();
    gpu.name = "gpu";
    return Catalog({gpu}, {testing::llama_8b()});
  }();
  return c;
}

}  // namespace

TEST_CASE("An overlay changes only the keys it gives, and adds entries", "[catalog]") {
  std::vector<Diagnostic> diagnostics;
  const auto c = overlay_catalog(base(), R"(hardware:
  gpu:
    efficiency: {compute: 0.5}
  gpu-reserved:
    catalog: gpu
    price_per_hour: 20
models:
  llama-3.1-8b-q8: {catalog: llama-3.1-8b, weight_format: q8_0}
)",
                                 "mine.yaml", diagnostics);
  INFO(messages(diagnostics));
  REQUIRE(c);
  const HardwareSpec* gpu = c->find_hardware("gpu");
  REQUIRE(gpu);
  CHECK(gpu->compute_efficiency == 0.5);
  CHECK(gpu->memory_efficiency == 0.8);  // kept
  const HardwareSpec* reserved = c->find_hardware("gpu-reserved");
  REQUIRE(reserved);
  CHECK(reserved->price_per_hour_usd == 20);
  CHECK(reserved->compute_efficiency == 0.6);  // the base entry's, not the overlay's calibration
  const ModelSpec* q8 = c->find_model("llama-3.1-8b-q8");
  REQUIRE(q8);
  CHECK(q8->bits_per_weight == 8.5);
  CHECK(c->hardware().size() == 2);
}

TEST_CASE("An overlay's mistakes are located and nothing is changed", "[catalog]") {
  std::vector<Diagnostic> diagnostics;
  const auto c = overlay_catalog(base(), R"(hardware:
  gpu:
    catalog: gpu
    efficency: {compute: 0.5}
  other:
    catalog: nosuch
)",
                                 "mine.yaml", diagnostics);
  CHECK_FALSE(c);
  const std::string text = messages(diagnostics);
  CHECK_THAT(text, Contains("mine.yaml:3:14: error: hardware.gpu.catalog"));
  CHECK_THAT(text, Contains("already a catalog entry"));
  CHECK_THAT(text, Contains("did you mean \"efficiency\"?"));
  CHECK_THAT(text, Contains("unknown catalog entry \"nosuch\""));
}

TEST_CASE("fleetsim --catalog lays the file over the built-in catalog for every command", "[catalog][cli]") {
  const std::string file = write_temp_file("calibration.yaml", R"(hardware:
  h100-p5.48xlarge:
    price_per_hour: 12.5
)");
  const auto r = run_fleetsim("--catalog '" + file + "' catalog --format json");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("\"price_per_hour_usd\": 12.5"));

  const std::string bad = write_temp_file("bad-calibration.yaml", "hardware:\n  h100-p5.48xlarge:\n    price: 1\n");
  const auto b = run_fleetsim("--catalog '" + bad + "' catalog");
  CHECK(b.exit_code == 1);
  CHECK_THAT(b.err, Contains("bad-calibration.yaml:3:5: error: hardware.h100-p5.48xlarge.price: unknown key"));
  CHECK(b.out.empty());

  const auto missing = run_fleetsim("--catalog /nonexistent/file.yaml catalog");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Contains("cannot read '/nonexistent/file.yaml'"));
}

TEST_CASE("Workflows pass --catalog on to the runs they start", "[catalog][cli]") {
  const std::string scenario = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";
  const std::string file = write_temp_file("pricier.yaml", R"(hardware:
  h100-p5.48xlarge:
    price_per_hour: 1000
)");
  const auto plain = run_fleetsim("compare '" + scenario + "' '" + scenario + "' --format json -j 2");
  const auto priced = run_fleetsim("--catalog '" + file + "' compare '" + scenario + "' '" + scenario +
                                   "' --format json -j 2");
  INFO(plain.err << priced.err);
  REQUIRE(plain.exit_code == 0);
  REQUIRE(priced.exit_code == 0);
  // The first of fleet.total_cost_usd's values.
  const auto cost = [](const std::string& out) {
    const auto at = out.find("\"fleet.total_cost_usd\"");
    REQUIRE(at != std::string::npos);
    return std::stod(out.substr(out.find('[', at) + 1));
  };
  CHECK(cost(priced.out) > 2 * cost(plain.out));
}
