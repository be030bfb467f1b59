// `--set PATH=VALUE`: overrides land on the right node, are validated like
// the file's own values, and name the argument when something is wrong.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "fleetsim/io/scenario_loader.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::messages;

namespace {

const char* kOverridesScenario = R"(name: overrides
hardware:
  gpu.small:                 # a name with a dot, like the catalog's
    catalog: h100-p5.48xlarge
    devices: 1
    price_per_hour: 7
fleet:
  pools:
    - &pool {name: gpu, hardware: gpu.small, count: 1, models: [llama-3.1-8b]}
    - <<: *pool
      name: spare
      count: 2
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 1/s}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 10}
    slo: {ttft: 2s}
simulation: {duration: 10min, seed: 3}
variants:
  big:
    fleet:
      pools:
        - {name: gpu, hardware: h100-p5.48xlarge, count: 4, models: [llama-3.1-8b]}
)";

LoadResult load_with_overrides(std::vector<std::pair<std::string, std::string>> overrides,
                               const std::string& variant = {}) {
  LoadOptions options;
  options.overrides = std::move(overrides);
  options.variant = variant;
  return load_scenario_text(kOverridesScenario, "s.yaml", Catalog::builtin(), options);
}

}  // namespace

TEST_CASE("Overrides address list items by name or index, and keys with dots", "[overrides]") {
  const LoadResult r = load_with_overrides({{"fleet.pools.spare.count", "5"},
                                            {"fleet.pools[0].count", "3"},
                                            {"workloads.chat.arrivals.rate", "2.5/s"},
                                            {"hardware.gpu.small.price_per_hour", "9.5"},
                                            {"simulation.seed", "11"}});
  INFO(messages(r));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.find_pool("gpu")->count == 3);
  CHECK(s.find_pool("spare")->count == 5);
  CHECK(s.workloads[0].arrivals.rate_per_s == Approx(2.5));
  CHECK(s.find_pool("gpu")->hardware.price_per_hour_usd == Approx(9.5));
  CHECK(s.simulation.seed == 11u);
}

TEST_CASE("An override of a node shared through an anchor changes only its own place", "[overrides]") {
  // `spare` merges the `gpu` pool's map: setting the merged key on spare must
  // not reach the anchor (yaml-cpp nodes are shared, so this is easy to get wrong).
  const LoadResult r = load_with_overrides({{"fleet.pools.spare.hardware", "h100-p5.48xlarge"}});
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->find_pool("spare")->hardware.devices == 8);
  CHECK(r.scenario->find_pool("gpu")->hardware.devices == 1);
}

TEST_CASE("A key absent from the file is added, values are YAML", "[overrides]") {
  const LoadResult r = load_with_overrides({{"simulation.warmup", "1min"},
                                            {"workloads.chat.slo.session", "30s"},
                                            {"fleet.pools.gpu.engine", "{max_batch_size: 4}"},
                                            {"fleet.pools.spare.hardware", "h100-p5.48xlarge"},
                                            {"fleet.pools.spare.models", "[llama-3.1-8b, llama-3.2-3b]"}});
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->simulation.warmup_s == Approx(60));
  CHECK(r.scenario->workloads[0].slo.session_s.value_or(0) == Approx(30));
  CHECK(r.scenario->find_pool("gpu")->engine.max_batch_size == 4);
  CHECK(r.scenario->find_pool("spare")->models.size() == 2);
}

TEST_CASE("Overrides apply after the variant is merged", "[overrides][variants]") {
  const LoadResult r = load_with_overrides({{"fleet.pools.gpu.count", "6"}}, "big");
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->find_pool("gpu")->count == 6);
  CHECK(r.scenario->find_pool("gpu")->hardware.devices == 8);
}

TEST_CASE("A later override of the same value wins", "[overrides]") {
  const LoadResult r = load_with_overrides({{"fleet.pools.gpu.count", "6"}, {"fleet.pools.gpu.count", "7"}});
  REQUIRE(r.ok());
  CHECK(r.scenario->find_pool("gpu")->count == 7);
}

TEST_CASE("An invalid value is reported with the normal message, naming the --set argument", "[overrides]") {
  const LoadResult r =
      load_with_overrides({{"fleet.pools.spare.count", "many"}, {"workloads.chat.arrivals.rate", "3"}});
  CHECK_FALSE(r.ok());
  const std::string text = messages(r);
  CHECK_THAT(text, Contains("--set fleet.pools.spare.count=many: error: fleet.pools[1].count: expected a whole number"));
  CHECK_THAT(text, Contains("--set workloads.chat.arrivals.rate=3: error: workloads[0].arrivals.rate"));
  CHECK_THAT(text, Contains("a rate needs a unit"));
  // Nothing else is blamed on the file.
  CHECK(r.diagnostics.size() == 2);
}

TEST_CASE("A path that does not exist is an error naming the argument, with did-you-mean", "[overrides]") {
  SECTION("an unknown list item") {
    const LoadResult r = load_with_overrides({{"fleet.pools.spares.count", "3"}});
    CHECK_FALSE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].file == "--set fleet.pools.spares.count=3");
    CHECK_THAT(r.diagnostics[0].message, Contains("no item named \"spares\""));
    CHECK_THAT(r.diagnostics[0].hint, Contains("did you mean \"spare\"?"));
  }
  SECTION("an index out of range") {
    const LoadResult r = load_with_overrides({{"fleet.pools[2].count", "3"}});
    CHECK_FALSE(r.ok());
    CHECK_THAT(messages(r), Contains("index [2] is out of range: the list has 2 items"));
  }
  SECTION("a misspelt key, caught by the loader's key check") {
    const LoadResult r = load_with_overrides({{"fleet.pools.gpu.cout", "3"}});
    CHECK_FALSE(r.ok());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].file == "--set fleet.pools.gpu.cout=3");
    CHECK(r.diagnostics[0].key_path == "fleet.pools[0].cout");
    CHECK_THAT(r.diagnostics[0].hint, Contains("did you mean \"count\"?"));
  }
  SECTION("a new entry named like an existing one gets a warning as well") {
    const LoadResult r = load_with_overrides({{"hardware.gpu.smal.price_per_hour", "3"}});
    CHECK_FALSE(r.ok());  // a new hardware entry needs every key
    const std::string text = messages(r);
    CHECK_THAT(text, Contains("--set hardware.gpu.smal.price_per_hour=3: warning: hardware: no key \"gpu.smal\" here, "
                              "so \"gpu\" was added"));
    CHECK_THAT(text, Contains("did you mean \"gpu.small\"?"));
  }
  SECTION("a key below a value") {
    const LoadResult r = load_with_overrides({{"simulation.seed.low", "3"}});
    CHECK_FALSE(r.ok());
    CHECK_THAT(messages(r), Contains("this is a value (\"3\"), it has no key \"low\""));
  }
  SECTION("a malformed path or value") {
    CHECK_THAT(messages(load_with_overrides({{"fleet..pools", "3"}})), Contains("invalid path"));
    CHECK_THAT(messages(load_with_overrides({{"fleet.pools[x]", "3"}})), Contains("expected an index such as [0]"));
    CHECK_THAT(messages(load_with_overrides({{"name", "[a,"}})), Contains("the value is not valid YAML"));
  }
}

TEST_CASE("Diagnostics of the file itself keep their lines when overrides are given", "[overrides]") {
  LoadOptions options;
  options.overrides = {{"fleet.pools.gpu.count", "2"}};
  std::string text = kOverridesScenario;
  text.replace(text.find("rate: 1/s"), 9, "rate: 1/x");
  const LoadResult r = load_scenario_text(text, "s.yaml", Catalog::builtin(), options);
  CHECK_FALSE(r.ok());
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].file == "s.yaml");
  CHECK(r.diagnostics[0].line == 15);
}
