// Reading figures out of report JSON, and what check, diff and compare do with
// them: expectations, tolerances, differences, JUnit XML.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/workflows/comparison.hpp"
#include "fleetsim/workflows/expectations.hpp"
#include "fleetsim/workflows/junit_xml.hpp"
#include "fleetsim/workflows/report_diff.hpp"
#include "fleetsim/workflows/report_figures.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using OrderedJson = nlohmann::ordered_json;

namespace {

// A report with the shape `fleetsim run --format json` writes, cut down.
OrderedJson small_report(double cost_per_session = 0.003, double ttft_p95 = 0.5) {
  return OrderedJson::parse(R"({
    "schema": "fleetsim.report/1",
    "run": {"scenario": "s", "seed": 1, "window_start_s": 0, "window_end_s": 3600},
    "fleet": {"nodes": 2, "total_cost_usd": 20.0, "cost_per_session_usd": )" +
                            std::to_string(cost_per_session) + R"(, "energy_per_session_j": null, "mean_it_power_w": 900.0},
    "pools": [{"name": "gpu.a", "hardware": "h", "nodes": 2, "utilization": 0.4}],
    "workloads": [{"name": "coder", "sessions_completed": 10,
                   "ttft_s": {"count": 10, "p95": )" +
                            std::to_string(ttft_p95) + R"(, "p99": 0.9},
                   "slos": [{"metric": "ttft", "percentile": 95, "bound_s": 1.0, "observed_s": 0.5, "attainment": 0.99, "met": true}],
                   "slos_met": true, "goodput_sessions_per_s": 0.1}],
    "checks": {"little_law": {"relative_error": 0.01}}
  })");
}

Expectation bound(const std::string& figure, std::optional<double> min, std::optional<double> max) {
  Expectation e;
  e.figure = figure;
  e.min = min;
  e.max = max;
  e.origin = "test";
  return e;
}

}  // namespace

TEST_CASE("Report figures are named by path, list items by name, SLOs by metric and percentile", "[figures]") {
  const auto figures = report_figures(small_report());
  REQUIRE(find_figure(figures, "fleet.cost_per_session_usd"));
  CHECK(*find_figure(figures, "fleet.cost_per_session_usd")->value == Approx(0.003));
  CHECK(find_figure(figures, "pools.gpu.a.utilization")->value == Approx(0.4));
  CHECK(find_figure(figures, "workloads.coder.ttft_s.p95")->value == Approx(0.5));
  CHECK(find_figure(figures, "workloads.coder.slos.ttft_p95.attainment")->value == Approx(0.99));
  CHECK(find_figure(figures, "workloads.coder.slos_met")->value == Approx(1.0));
  CHECK_FALSE(find_figure(figures, "fleet.energy_per_session_j")->value);  // null
  CHECK(find_figure(figures, "checks.little_law.relative_error"));
  CHECK_FALSE(find_figure(figures, "pools.gpu.a.hardware"));  // text is not a figure
  CHECK_THAT(figure_path_hint(figures, "fleet.cost_per_sesion_usd"), Contains("did you mean \"fleet.cost_per_session_usd\""));
  CHECK_THAT(figure_path_hint(figures, "workloads.coder.nothing_like_it"), Contains("figures under workloads.coder"));

  const auto keys = key_figures(small_report());
  CHECK(find_figure(keys, "fleet.cost_per_session_usd"));
  CHECK(find_figure(keys, "workloads.coder.ttft_s.p99"));
  CHECK(find_figure(keys, "workloads.coder.slos.ttft_p95.attainment"));
  CHECK_FALSE(find_figure(keys, "checks.little_law.relative_error"));
}

TEST_CASE("parse_report accepts reports only", "[figures]") {
  std::string error;
  CHECK(parse_report(small_report().dump(), error));
  CHECK_FALSE(parse_report("{\"schema\": \"fleetsim.catalog/1\"}", error));
  CHECK_THAT(error, Contains("not a fleetsim report"));
  CHECK_FALSE(parse_report("{", error));
  CHECK_FALSE(parse_report("{\"schema\": \"fleetsim.report/2\"}", error));
  CHECK_THAT(error, Contains("not supported"));
}

TEST_CASE("Figures format in units chosen from their names", "[figures]") {
  CHECK(format_figure("fleet.cost_per_session_usd", 0.0123) == "$0.0123");
  CHECK(format_figure("workloads.x.ttft_s.p95", 0.0125) == "12.5 ms");
  CHECK(format_figure("fleet.mean_it_power_w", 2390) == "2.39 kW");
  CHECK(format_figure("pools.x.utilization", 0.5) == "50.0%");
  CHECK(format_figure("workloads.x.slos_met", 1.0) == "yes");
  CHECK(format_figure("fleet.nodes", 20) == "20");
  CHECK(format_figure("fleet.nodes", std::nullopt) == "n/a");
}

TEST_CASE("Expectations are met, violated, or name an unknown figure", "[expect]") {
  const auto results = check_expectations(small_report(0.005),
                                          {bound("fleet.cost_per_session_usd", std::nullopt, 0.004),
                                           bound("pools.gpu.a.utilization", 0.3, std::nullopt),
                                           bound("fleet.energy_per_session_j", std::nullopt, 1e6),
                                           bound("pools.gpu.b.utilization", 0.3, std::nullopt)},
                                          nullptr);
  REQUIRE(results.size() == 4);
  CHECK(results[0].status == ExpectationResult::Status::violated);
  CHECK(results[0].message == "fleet.cost_per_session_usd = 0.005, above max 0.004");
  CHECK(results[1].status == ExpectationResult::Status::met);
  CHECK(results[1].message == "pools.gpu.a.utilization = 0.4, within min 0.3");
  // A null figure cannot be shown to meet a bound.
  CHECK(results[2].status == ExpectationResult::Status::violated);
  CHECK_THAT(results[2].message, Contains("has no value"));
  CHECK(results[3].status == ExpectationResult::Status::unknown_figure);
  CHECK_THAT(results[3].message, Contains("did you mean \"pools.gpu.a.utilization\""));
}

TEST_CASE("Tolerances compare with a baseline report", "[expect]") {
  const OrderedJson baseline = small_report(0.004, 0.5);
  const OrderedJson current = small_report(0.0042, 0.5);  // +5%
  auto expectations = baseline_expectations(baseline, 0.04);
  CHECK(expectations.size() == key_figures(baseline).size());
  auto results = check_expectations(current, expectations, &baseline);
  std::size_t violated = 0;
  for (const auto& r : results)
    if (r.status == ExpectationResult::Status::violated) {
      ++violated;
      CHECK(r.expectation.figure == "fleet.cost_per_session_usd");
      CHECK_THAT(r.message, Contains("+5.00% change, tolerance 4%"));
    }
  CHECK(violated == 1);
  results = check_expectations(current, baseline_expectations(baseline, 0.05), &baseline);
  for (const auto& r : results) CHECK(r.status == ExpectationResult::Status::met);

  Expectation t;
  t.figure = "fleet.cost_per_session_usd";
  t.tolerance = 0.1;
  CHECK(check_expectations(current, {t}, nullptr)[0].status == ExpectationResult::Status::no_baseline);
}

TEST_CASE("diff reports changes beyond the tolerance, removed figures, and ignores run metadata", "[diff]") {
  OrderedJson before = small_report(0.004, 0.5);
  OrderedJson after = small_report(0.0041, 0.6);  // +2.5% and +20%
  after["run"]["seed"] = 99;
  after["fleet"].erase("mean_it_power_w");
  after["fleet"]["new_figure"] = 1.0;
  const ReportDiff d = diff_reports(before, after, 0.05, false);
  std::size_t beyond = 0;
  for (const auto& c : d.changes) {
    CHECK(c.path.rfind("run.", 0) != 0);
    if (c.path == "fleet.cost_per_session_usd") CHECK_FALSE(c.beyond_tolerance);
    if (c.path == "workloads.coder.ttft_s.p95") {
      CHECK(c.beyond_tolerance);
      CHECK(*c.relative == Approx(0.2));
    }
    if (c.path == "fleet.mean_it_power_w") CHECK(c.kind == FigureChange::Kind::removed);
    if (c.path == "fleet.new_figure") {
      CHECK(c.kind == FigureChange::Kind::added);
      CHECK_FALSE(c.beyond_tolerance);
    }
    beyond += c.beyond_tolerance ? 1 : 0;
  }
  CHECK(beyond == 2);  // ttft p95 and the removed power
  CHECK(d.beyond_tolerance == 2);
  CHECK_THAT(render_diff_table(d, 0.05, false), Contains("BEYOND TOLERANCE"));
  CHECK(diff_reports(before, before, 0.0, false).changes.empty());
}

TEST_CASE("JUnit XML counts failures and errors and escapes text", "[junit]") {
  JunitSuite suite;
  suite.name = "a <b> & \"c\"";
  suite.cases.push_back({"ok", "k", JunitCase::Outcome::passed, "", "", 0.0});
  suite.cases.push_back({"bad", "k", JunitCase::Outcome::failure, "x > 1", "details\x01", 0.0});
  suite.cases.push_back({"broken", "k", JunitCase::Outcome::error, "no figure", "", 0.0});
  const std::string xml = render_junit("fleetsim check", {suite});
  CHECK_THAT(xml, Contains("<testsuites name=\"fleetsim check\" tests=\"3\" failures=\"1\" errors=\"1\""));
  CHECK_THAT(xml, Contains("name=\"a &lt;b&gt; &amp; &quot;c&quot;\""));
  CHECK_THAT(xml, Contains("<failure message=\"x &gt; 1\">details?</failure>"));
  CHECK_THAT(xml, Contains("<error message=\"no figure\">"));
  CHECK_THAT(xml, Contains("<testcase classname=\"k\" name=\"ok\" time=\"0.000\"/>"));
}

TEST_CASE("A comparison gives differences against the first run", "[compare]") {
  std::vector<ComparedRun> runs = {{"a", "a.yaml", small_report(0.004, 0.5)}, {"b", "b.yaml", small_report(0.005, 0.4)}};
  const OrderedJson j = OrderedJson::parse(render_comparison_json(runs));
  bool seen = false;
  for (const auto& f : j["figures"])
    if (f["figure"] == "fleet.cost_per_session_usd") {
      seen = true;
      CHECK(f["values"][1].get<double>() == Approx(0.005));
      CHECK(f["difference"][0].is_null());
      CHECK(f["difference"][1].get<double>() == Approx(0.001));
      CHECK(f["relative_difference"][1].get<double>() == Approx(0.25));
    }
  CHECK(seen);
  const std::string table = render_comparison_table(runs);
  CHECK_THAT(table, Contains("+25.0%"));
  CHECK_THAT(table, Contains("-20.0%"));
}
