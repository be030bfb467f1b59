// The one figure-path syntax (report_path.hpp): what check, plan, diff,
// compare, sweep and validate-model accept, including every path the shipped
// scenarios' `expect:` sections and validation/cases.yaml use.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "fleetsim/workflows/report_expression.hpp"
#include "fleetsim/workflows/report_figures.hpp"
#include "fleetsim/workflows/report_path.hpp"
#include "support/report_run.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using OrderedJson = nlohmann::ordered_json;

namespace {

OrderedJson report() {
  return OrderedJson::parse(R"({
    "schema": "fleetsim.report/1",
    "run": {"scenario": "s", "seed": 1},
    "fleet": {"nodes": 2, "cost_per_session_usd": null},
    "pools": [{"name": "gpu", "utilization": 0.4, "models": ["m"]},
              {"name": "gpu.a", "utilization": 0.7},
              {"name": "7", "utilization": 0.1},
              {"name": "cpu", "utilization": 0.2, "kv_tiers": [{"name": "host", "hits": 5}]}],
    "purchase_options": [{"option": "reserved_1y", "cost_usd": 12.5}],
    "workloads": [{"name": "coder", "ttft_s": {"p95": 0.5},
                   "slos": [{"metric": "ttft", "percentile": 99.5, "attainment": 0.98, "met": false}],
                   "slos_met": true}],
    "checks": {"stability": {"stable": true, "findings": [{"kind": "k", "utilization": 0.9}]}}
  })");
}

std::optional<double> value(const std::string& path) {
  const PathLookup r = resolve_report_path(report(), path);
  INFO(path << ": " << r.error);
  REQUIRE(r.found);
  return r.value;
}

std::string error(const std::string& path) {
  const PathLookup r = resolve_report_path(report(), path);
  CHECK_FALSE(r.found);
  return r.error;
}

}  // namespace

TEST_CASE("Figure paths: keys, list items by name or index, SLOs by metric and percentile", "[report][path]") {
  CHECK(value("fleet.nodes") == 2.0);
  CHECK_FALSE(value("fleet.cost_per_session_usd"));  // null: found, no value
  CHECK(value("pools.gpu.utilization") == 0.4);
  CHECK(value("pools.gpu.a.utilization") == 0.7);  // a name holding a dot
  CHECK(value("pools.1.utilization") == 0.7);      // by index
  CHECK(value("pools.7.utilization") == 0.1);      // a name wins over an index
  CHECK(value("pools.cpu.kv_tiers.host.hits") == 5.0);
  CHECK(value("purchase_options.reserved_1y.cost_usd") == 12.5);
  CHECK(value("workloads.coder.slos.ttft_p99.5.attainment") == 0.98);
  CHECK(value("workloads.coder.slos.0.attainment") == 0.98);
  CHECK(value("workloads.coder.slos.ttft_p99.5.met") == 0.0);  // booleans are 1 and 0
  CHECK(value("workloads.coder.slos_met") == 1.0);
  CHECK(value("checks.stability.findings.0.utilization") == 0.9);
}

TEST_CASE("Figure paths that name no figure say where they fail", "[report][path]") {
  CHECK(error("fleet.nodez") == "no key 'nodez' in 'fleet.nodez'");
  CHECK(error("pools.tpu.utilization") == "no element 'tpu' in 'pools.tpu.utilization'");
  CHECK(error("pools.9.utilization") == "no element '9' in 'pools.9.utilization'");
  CHECK(error("fleet.nodes.max") == "'fleet.nodes.max' goes past a value at 'max'");
  CHECK(error("run.scenario") == "'run.scenario' is text, not a figure");
  CHECK(error("pools.gpu") == "'pools.gpu' is an object, not a figure");
  CHECK(error("pools") == "'pools' is a list, not a figure");
  CHECK(error("") == "an empty path names no figure");
}

TEST_CASE("Every figure report_figures lists resolves to its own value", "[report][path]") {
  const OrderedJson r = report();
  for (const Figure& f : report_figures(r)) {
    INFO(f.path);
    const PathLookup lookup = resolve_report_path(r, f.path);
    REQUIRE(lookup.found);
    CHECK(lookup.value == f.value);
  }
}

TEST_CASE("validate-model expressions take figure paths in the same syntax", "[report][path][validation]") {
  CHECK(evaluate_report_expression(report(), "1 / pools.gpu.a.utilization * 7") == Approx(10.0));
  CHECK(evaluate_report_expression(report(), "pools.1.utilization - pools.0.utilization") == Approx(0.3));
  CHECK_THROWS_WITH(evaluate_report_expression(report(), "fleet.cost_per_session_usd * 2"),
                    Contains("is null in the report"));
  CHECK_THROWS_WITH(evaluate_report_expression(report(), "2 * fleet.nodez"), Contains("no key 'nodez'"));
}

TEST_CASE("validate-model expressions group with parentheses", "[report][path][validation]") {
  // gpu.a (pools.1) is 0.7 busy and gpu (pools.0) 0.4: by hand,
  // 2 / (0.7 + 0.3) = 2, against 2 / 0.7 + 0.3 without the parentheses.
  const OrderedJson r = report();
  CHECK(evaluate_report_expression(r, "2 / (pools.gpu.a.utilization + 0.3)") == Approx(2.0));
  CHECK(evaluate_report_expression(r, "2 / pools.gpu.a.utilization + 0.3") == Approx(2.0 / 0.7 + 0.3));
  // Nested, and a product of groups: (0.7 - (0.4 - 0.1)) * (1 + 1) = 0.8.
  CHECK(evaluate_report_expression(r, "(pools.1.utilization - (pools.0.utilization - 0.1)) * (1 + 1)") ==
        Approx(0.8));
  CHECK_THROWS_WITH(evaluate_report_expression(r, "2 / (pools.0.utilization + 0.3"), Contains("unbalanced"));
  CHECK_THROWS_WITH(evaluate_report_expression(r, "2 / pools.0.utilization) + 0.3"), Contains("unbalanced"));
  CHECK_THROWS_WITH(evaluate_report_expression(r, "2 * ()"), Contains("malformed"));
}

TEST_CASE("Every figure path the shipped files use resolves on a report of their scenario", "[report][path][shipped]") {
  const std::string root = FLEETSIM_SOURCE_DIR;
  // The expect: sections of the shipped scenarios, each on its own report.
  for (const char* name : {"quickstart", "cpu-vs-gpu-agentic", "agentic-tool-pool"}) {
    const std::string file = root + "/scenarios/" + name + ".yaml";
    const YAML::Node expect = YAML::LoadFile(file)["expect"];
    REQUIRE(expect.IsMap());
    std::string text;
    testing::run_scenario_json(file, &text);
    const OrderedJson r = OrderedJson::parse(text);
    for (const auto& kv : expect) {
      const std::string path = kv.first.as<std::string>();
      INFO(name << ": " << path);
      CHECK(resolve_report_path(r, path).found);
    }
  }
  // validation/cases.yaml's value: expressions: each path's shape, on one
  // report that has it (the cases' own reports are checked by validate-model
  // in test_model_validation.cpp).
  const YAML::Node cases = YAML::LoadFile(root + "/validation/cases.yaml")["cases"];
  const std::regex path_pattern(R"([A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+)");
  std::set<std::string> paths;
  for (const auto& c : cases) {
    const std::string value = c["value"].as<std::string>();
    for (std::sregex_iterator it(value.begin(), value.end(), path_pattern), end; it != end; ++it)
      paths.insert(it->str());
  }
  REQUIRE(paths.size() >= 10);
  // Each path on a report built to hold it, a pool or workload by the name
  // the case gives: what is checked is how the path is read.
  const std::regex named(R"(^(pools|workloads)\.([^.]+)\.(.*)$)");
  for (const std::string& path : paths) {
    OrderedJson shaped = OrderedJson::object();
    OrderedJson* node = &shaped;
    std::string rest = path;
    std::smatch m;
    if (std::regex_match(path, m, named)) {
      shaped[m[1].str()] = OrderedJson::array({{{"name", m[2].str()}}});
      node = &shaped[m[1].str()][0];
      rest = m[3].str();
    }
    for (std::size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1))
      node = &(*node)[rest.substr(0, dot)];
    (*node)[rest] = 1.5;
    INFO(path);
    CHECK(resolve_report_path(shaped, path).value == 1.5);
  }
}
