// The typed read-back of a report (report_reader.hpp): the inverse of the
// JSON writer on every shipped scenario and variant, and located errors for
// a report that is not one.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/io/json_input.hpp"
#include "fleetsim/io/report_reader.hpp"
#include "fleetsim/io/report_writers.hpp"
#include "report_json.hpp"
#include "support/shipped_reports.hpp"

using namespace fleetsim;
using OrderedJson = nlohmann::ordered_json;

namespace {

OrderedJson parsed(const std::string& text) {
  std::string error;
  OrderedJson j = parse_json_input(text, error);
  INFO(error);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

// A small report straight from the writer, to break one field at a time.
OrderedJson written_report() {
  Report r;
  r.run.scenario = "s";
  r.run.pricing = "cloud";
  PoolReport pool;
  pool.name = "gpu.a";
  pool.role = "unified";  // as the report builder sets it; the writer leaves it out
  pool.models = "m1,m2";
  pool.nodes = 2;
  r.pools.push_back(pool);
  WorkloadReport w;
  w.name = "coder";
  w.slos.push_back({"ttft", 95, 1.0, 0.5, 0.99, true});
  r.workloads.push_back(w);
  r.stability.findings.push_back({"pool_backlog_growing", "gpu.a", "", 0.9, "calls_in_flight", 1, 3, 1.0, "add nodes"});
  return report_to_json(r);
}

std::string read_error(const OrderedJson& j) {
  std::string error;
  CHECK_FALSE(report_from_json(j, error));
  return error;
}

}  // namespace

// The reports: `fleetsim run --format json`'s stdout, run once per test run
// for every test that reads them (support/shipped_reports.hpp).
TEST_CASE("The report of every shipped scenario and variant reads back to the same JSON, byte for byte",
          "[report][reader][shipped][shipped-reports]") {
  const std::vector<testing::ShippedRun> runs = testing::shipped_runs();
  REQUIRE(runs.size() > 20);
  for (const testing::ShippedRun& run : runs) {
    INFO(run.label());
    const testing::ShippedOutput outcome = testing::shipped_output(run, "json");
    INFO(outcome.err);
    REQUIRE(outcome.found);
    REQUIRE(outcome.exit_code == 0);
    const OrderedJson j = parsed(outcome.out);
    std::string error;
    const std::optional<Report> report = report_from_json(j, error);
    INFO(error);
    REQUIRE(report);
    CHECK(report_to_json(*report) == j);
    CHECK(render_json(*report) == outcome.out);
  }
}

TEST_CASE("report_from_json restores what the JSON leaves out as the writer's defaults", "[report][reader]") {
  std::string error;
  const auto r = report_from_json(written_report(), error);
  INFO(error);
  REQUIRE(r);
  CHECK(r->pools[0].role == "unified");
  CHECK(r->pools[0].purchase == "on_demand");
  CHECK(r->pools[0].models == "m1,m2");
  CHECK_FALSE(r->pools[0].autoscale);
  CHECK(r->workloads[0].slos[0].met);
  CHECK(r->stability.findings[0].workload.empty());
  CHECK(r->stability.findings[0].pool == "gpu.a");
  CHECK(std::isnan(r->fleet.cost_per_session_usd) == false);
  OrderedJson with_null = written_report();
  with_null["fleet"]["cost_per_session_usd"] = nullptr;
  CHECK(std::isnan(report_from_json(with_null, error)->fleet.cost_per_session_usd));
}

TEST_CASE("A report written before a pool's host_share existed still reads, without one", "[report][reader]") {
  // fleetsim-bench, diff and merge read reports of older builds.
  OrderedJson j = written_report();
  j["pools"][0]["host_share"] = 0.25;
  std::string error;
  const auto now = report_from_json(j, error);
  INFO(error);
  REQUIRE(now);
  REQUIRE(now->pools[0].host_share);
  CHECK(*now->pools[0].host_share == 0.25);
  j["pools"][0].erase("host_share");
  const auto before = report_from_json(j, error);
  INFO(error);
  REQUIRE(before);
  CHECK_FALSE(before->pools[0].host_share);
}

TEST_CASE("report_from_json names the first field that is missing or of the wrong type", "[report][reader]") {
  OrderedJson j = written_report();
  j["pools"][0].erase("nodes");
  CHECK(read_error(j) == "pools.0.nodes: missing");

  j = written_report();
  j["pools"][0]["nodes"] = "2";
  CHECK(read_error(j) == "pools.0.nodes: expected an integer");

  j = written_report();
  j["pools"][0]["nodes"] = 1e12;
  CHECK(read_error(j) == "pools.0.nodes: expected an integer");

  j = written_report();
  j["pools"][0]["nodes"] = 1LL << 40;
  CHECK(read_error(j) == "pools.0.nodes: out of range");

  j = written_report();
  j["run"]["seed"] = -1;
  CHECK(read_error(j) == "run.seed: out of range");

  j = written_report();
  j["workloads"][0]["slos"][0]["met"] = 1;
  CHECK(read_error(j) == "workloads.0.slos.0.met: expected true or false");

  j = written_report();
  j["fleet"]["total_cost_usd"] = "12 USD";
  CHECK(read_error(j) == "fleet.total_cost_usd: expected a number or null");

  j = written_report();
  j["schema"] = "fleetsim.report/2";
  CHECK(read_error(j) == "schema: is fleetsim.report/2, not fleetsim.report/1");

  CHECK(read_error(OrderedJson::array()) == "the report: expected an object");
}
