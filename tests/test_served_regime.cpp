// What a validation case's run served its calls on (served_regime.hpp), and
// the statistics validate-model draws from it: CPU cases at batch > 1 apart
// from those at batch 1, by hand-made reports and outcomes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/workflows/served_regime.hpp"
#include "fleetsim/workflows/validation_summary.hpp"

using namespace fleetsim;
using Json = nlohmann::ordered_json;

namespace {

Json pool(const std::string& kind, double calls, double mean_batch) {
  return Json{{"name", kind + "-pool"}, {"kind", kind}, {"llm_calls", calls}, {"mean_batch_size", mean_batch}};
}

Json report_of(std::vector<Json> pools) { return Json{{"schema", "fleetsim.report/1"}, {"pools", pools}}; }

std::string line_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  const auto it = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
  return it == lines.end() ? std::string() : *it;
}

}  // namespace

TEST_CASE("A run's regime is the device of the pools that served calls and their largest batch", "[validation]") {
  // A pool that served nothing (an idle GPU pool beside the CPUs) does not count.
  const auto cpu = served_regime(report_of({pool("cpu", 8, 8.0), pool("gpu", 0, 0.0), pool("cpu", 3, 2.5)}));
  REQUIRE(cpu);
  CHECK(cpu->device == "cpu");
  CHECK(cpu->mean_batch == 8.0);
  CHECK(cpu->batched());
  CHECK(cpu->label() == "cpu 8.0");

  const auto mixed = served_regime(report_of({pool("cpu", 5, 1.0), pool("gpu", 5, 40.25)}));
  REQUIRE(mixed);
  CHECK(mixed->device == "mixed");
  CHECK(mixed->label() == "mixed 40.2");

  CHECK_FALSE(served_regime(report_of({pool("gpu", 0, 0.0)})));
  CHECK_FALSE(served_regime(Json{{"schema", "fleetsim.report/1"}}));
}

TEST_CASE("A batch counts as more than one sequence when its mean reads 1.5 or more", "[validation]") {
  // The rule is the one-decimal label's, which scripts/fit_catalog.py reads.
  CHECK_FALSE(ServedRegime{"cpu", 1.0}.batched());
  CHECK_FALSE(ServedRegime{"cpu", 1.44}.batched());
  CHECK(ServedRegime{"cpu", 1.46}.batched());
  CHECK(ServedRegime{"cpu", 1.46}.label() == "cpu 1.5");
  // At the boundary the label and the rule agree: 1.45 is stored a little
  // below itself and prints 1.4.
  CHECK(ServedRegime{"cpu", 1.45}.label() == "cpu 1.4");
  CHECK_FALSE(ServedRegime{"cpu", 1.45}.batched());
  CHECK(ServedRegime{"cpu", std::nextafter(1.45, 2.0)}.label() == "cpu 1.5");
  CHECK(ServedRegime{"cpu", std::nextafter(1.45, 2.0)}.batched());
  CHECK(ServedRegime{"cpu", 2.0}.batched());
}

TEST_CASE("validate-model's statistics split the CPU cases at batch > 1 from those at batch 1", "[validation]") {
  std::vector<ValidationCase> cases;
  std::vector<ValidationOutcome> outcomes;
  // published 100 each; simulated 100 + error: |errors| CPU batched 10, 30
  // (median 20%), CPU batch 1: 4%; a GPU case and a fitted CPU case count in neither.
  const auto add = [&](const std::string& id, const std::string& role, const std::string& device, double batch,
                       double simulated) {
    ValidationCase c;
    c.id = id;
    c.role = role;
    c.kind = "throughput";
    c.source_id = "s";
    cases.push_back(c);
    ValidationOutcome o;
    o.published = 100.0;
    o.simulated = simulated;
    o.regime = ServedRegime{device, batch};
    outcomes.push_back(o);
  };
  add("b8", "holdout", "cpu", 8.0, 110.0);
  add("b32", "holdout", "cpu", 32.0, 70.0);
  add("b1", "holdout", "cpu", 1.0, 104.0);
  add("gpu", "holdout", "gpu", 64.0, 200.0);
  add("fit", "fitted", "cpu", 16.0, 100.0);
  const auto lines = summary_lines(cases, outcomes);
  CHECK(line_starting(lines, "not fitted, CPU at batch > 1: ") ==
        "not fitted, CPU at batch > 1: 2 throughput/latency cases, median |error| 20.0%, max 30.0%, 0 above 35%");
  CHECK(line_starting(lines, "not fitted, CPU at batch 1: ") ==
        "not fitted, CPU at batch 1: 1 throughput/latency cases, median |error| 4.0%, max 4.0%, 0 above 35%");
}
