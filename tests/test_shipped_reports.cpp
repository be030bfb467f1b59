// The fixture that writes the report of every shipped scenario and variant
// once per test run (support/shipped_reports.hpp). Hidden: CTest runs it by
// name before the tests tagged [shipped-reports] (tests/CMakeLists.txt).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/shipped_reports.hpp"

using namespace fleetsim::testing;

TEST_CASE("Fixture: write the report of every shipped scenario and variant", "[.][fixture]") {
  const char* dir = std::getenv("FLEETSIM_SHIPPED_REPORTS");
  REQUIRE(dir != nullptr);
  REQUIRE(*dir != '\0');
  const int failed = write_shipped_reports(dir);
  // A run that failed is not this fixture's failure: each test that reads
  // its report fails on its exit code, naming the scenario and variant.
  if (failed > 0) WARN(failed << " runs failed; their tests will name them");
  // Every run left its exit code, and the stamp matches this build.
  for (const ShippedRun& run : shipped_runs()) {
    INFO(run.label());
    CHECK(shipped_output(run, "json").found);
    if (run.variant.empty()) CHECK(shipped_output(run, "html").found);
  }
  CHECK(std::filesystem::exists(std::filesystem::path(dir) / "complete"));
}
