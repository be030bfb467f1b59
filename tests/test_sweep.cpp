// Sweeps without the engine: parameter values, points, replication
// statistics, shards and their merge.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fleetsim/workflows/replication_stats.hpp"
#include "fleetsim/workflows/sweep.hpp"
#include "fleetsim/workflows/sweep_results.hpp"
#include "support/cli_runner.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;

TEST_CASE("Sweep values: ranges (with units), lists, single values", "[sweep]") {
  std::string error;
  CHECK(sweep_values("10:100:10", error) ==
        std::vector<std::string>{"10", "20", "30", "40", "50", "60", "70", "80", "90", "100"});
  CHECK(sweep_values("0.1/s:0.3/s:0.1/s", error) == std::vector<std::string>{"0.1/s", "0.2/s", "0.3/s"});
  CHECK(sweep_values("1/s:2/s:0.5", error) == std::vector<std::string>{"1/s", "1.5/s", "2/s"});
  CHECK(sweep_values("8:2:-3", error) == std::vector<std::string>{"8", "5", "2"});
  CHECK(sweep_values("1000000:3000000:1000000", error) == std::vector<std::string>{"1000000", "2000000", "3000000"});
  CHECK(sweep_values("a, b,c", error) == std::vector<std::string>{"a", "b", "c"});
  CHECK(sweep_values("[a, b],[c]", error) == std::vector<std::string>{"[a, b]", "[c]"});
  CHECK(sweep_values("{dist: fixed, value: 3}", error) == std::vector<std::string>{"{dist: fixed, value: 3}"});
  CHECK(sweep_values("3/s", error) == std::vector<std::string>{"3/s"});
  CHECK(error.empty());

  for (const char* bad : {"1:10:0", "10:1:1", "1/s:10/h:1/s", "a:b:c", "1,,2"}) {
    INFO(bad);
    error.clear();
    CHECK(sweep_values(bad, error).empty());
    CHECK_FALSE(error.empty());
  }
}

TEST_CASE("Cross product runs the first parameter slowest, zip pairs values", "[sweep]") {
  SweepSpec spec;
  spec.parameters = {{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}};
  std::string error;
  const auto cross = sweep_points(spec, error);
  REQUIRE(cross.size() == 6);
  CHECK(cross[0].settings == std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "x"}});
  CHECK(cross[1].settings[1].second == "y");
  CHECK(cross[3].settings == std::vector<std::pair<std::string, std::string>>{{"a", "2"}, {"b", "x"}});
  CHECK(cross[5].index == 5);

  spec.mode = SweepMode::zip;
  CHECK(sweep_points(spec, error).empty());
  CHECK_THAT(error, Contains("zip needs parameters with as many values"));
  spec.parameters[1].values.pop_back();
  error.clear();
  const auto zip = sweep_points(spec, error);
  REQUIRE(zip.size() == 2);
  CHECK(zip[1].settings == std::vector<std::pair<std::string, std::string>>{{"a", "2"}, {"b", "y"}});
}

TEST_CASE("A sweep file gives parameters, mode and replications", "[sweep]") {
  const auto file = load_sweep_file(testing::write_temp_file("s.yaml", R"(sweep:
  parameters:
    fleet.pools.cpu.count: {from: 2, to: 6, step: 2}
    workloads.chat.arrivals.rate: [1/s, 2/s]
    fleet.pools.cpu.engine: [{max_batch_size: 8}]
  mode: cross
  replications: 3
)"));
  REQUIRE(file.ok());
  REQUIRE(file.spec.parameters.size() == 3);
  CHECK(file.spec.parameters[0].values == std::vector<std::string>{"2", "4", "6"});
  CHECK(file.spec.parameters[1].values == std::vector<std::string>{"1/s", "2/s"});
  CHECK(file.spec.parameters[2].values == std::vector<std::string>{"{max_batch_size: 8}"});
  CHECK(file.spec.replications == 3);
  CHECK(file.replications_given);

  const auto bad = load_sweep_file(testing::write_temp_file("bad.yaml", R"(sweep:
  parameters:
    x: {from: 1, to: 3}
  mode: crosss
  replications: 0
)"));
  CHECK_FALSE(bad.ok());
  std::string text;
  for (const auto& d : bad.diagnostics) text += d.format() + "\n";
  CHECK_THAT(text, Contains("missing required key \"step\""));
  CHECK_THAT(text, Contains("did you mean \"cross\""));
  CHECK_THAT(text, Contains("sweep.replications"));
}

TEST_CASE("Student t quantiles and the mean's 95% interval", "[sweep][statistics]") {
  CHECK(student_t_975(1) == Approx(12.706));
  CHECK(student_t_975(10) == Approx(2.228));
  CHECK(student_t_975(30) == Approx(2.042));
  CHECK(student_t_975(31) == Approx(2.0395).epsilon(1e-4));
  CHECK(student_t_975(60) == Approx(2.0003).epsilon(1e-4));
  CHECK(student_t_975(100000) == Approx(1.96).epsilon(1e-3));

  // 1, 2, 3, 4: mean 2.5, s = sqrt(5/3), half-width t(3) s / 2.
  const MeanInterval m = mean_interval({1.0, 2.0, std::nullopt, 3.0, 4.0});
  CHECK(m.n == 4);
  CHECK(*m.mean == Approx(2.5));
  CHECK(*m.half_width == Approx(3.182 * std::sqrt(5.0 / 3.0) / 2.0));
  const MeanInterval one = mean_interval({7.0});
  CHECK(*one.mean == 7.0);
  CHECK_FALSE(one.half_width);
  CHECK_FALSE(mean_interval({std::nullopt}).mean);
}

TEST_CASE("Shards split the points round robin, each exactly once", "[sweep]") {
  CHECK_FALSE(parse_shard("0/4"));
  CHECK_FALSE(parse_shard("5/4"));
  CHECK_FALSE(parse_shard("1-4"));
  const Shard s = *parse_shard("2/3");
  CHECK(s.contains(1));
  CHECK(s.contains(4));
  CHECK_FALSE(s.contains(2));
  for (std::size_t point = 0; point < 20; ++point) {
    int owners = 0;
    for (int k = 1; k <= 3; ++k) owners += parse_shard(std::to_string(k) + "/3")->contains(point) ? 1 : 0;
    CHECK(owners == 1);
  }
}

TEST_CASE("The sweep id changes with anything that changes the points", "[sweep]") {
  SweepSpec spec;
  spec.parameters = {{"a", {"1", "2"}}};
  const std::string id = sweep_id("scenario", "", {}, spec, std::nullopt);
  CHECK(id == sweep_id("scenario", "", {}, spec, std::nullopt));
  CHECK(id != sweep_id("scenario2", "", {}, spec, std::nullopt));
  CHECK(id != sweep_id("scenario", "v", {}, spec, std::nullopt));
  CHECK(id != sweep_id("scenario", "", {{"x", "1"}}, spec, std::nullopt));
  CHECK(id != sweep_id("scenario", "", {}, spec, 5));
  spec.replications = 2;
  CHECK(id != sweep_id("scenario", "", {}, spec, std::nullopt));
}

TEST_CASE("Shards' JSON lines merge into the CSV the whole sweep writes", "[sweep][merge]") {
  SweepHeader header{"abc", "s", 3, 2};
  std::vector<SweepRow> rows(3);
  for (std::size_t i = 0; i < 3; ++i) {
    rows[i].point = i;
    rows[i].parameters = {{"fleet.pools.cpu.count", std::to_string(2 * i + 2)}};
    rows[i].seeds = {7, 8};
    rows[i].figures = summarize_replications({{{"fleet.cost_per_session_usd", 0.1 * (i + 1)}, {"x", std::nullopt}},
                                              {{"fleet.cost_per_session_usd", 0.1 * (i + 1) + 0.01}, {"x", 1.0}}});
  }
  rows[2].figures.clear();
  rows[2].error = "fleet.pools[1].count: expected a whole number, \"x\"";
  const std::string whole = sweep_csv(rows, 2);
  CHECK_THAT(whole, Contains("point,fleet.pools.cpu.count,seed,status,fleet.cost_per_session_usd,"
                             "fleet.cost_per_session_usd.ci95,x,x.ci95,error\n"));
  CHECK_THAT(whole, Contains("\n0,2,7,ok,0.105,"));
  CHECK_THAT(whole, Contains("failed,,,,,\"fleet.pools[1].count: expected a whole number, \"\"x\"\"\"\n"));

  const std::string shard1 = sweep_jsonl_line(header, rows[0]) + sweep_jsonl_line(header, rows[2]);
  const std::string shard2 = sweep_jsonl_line(header, rows[1]);
  const MergedSweep merged = merge_sweep_shards({{"b.jsonl", shard2}, {"a.jsonl", shard1}});
  REQUIRE(merged.ok());
  CHECK(sweep_csv(merged.rows, merged.header.replications) == whole);

  const MergedSweep missing = merge_sweep_shards({{"a.jsonl", shard1}});
  REQUIRE(missing.errors.size() == 1);
  CHECK_THAT(missing.errors[0], Contains("1 of 3 points are missing: 1"));
  const MergedSweep twice = merge_sweep_shards({{"a.jsonl", shard1}, {"b.jsonl", shard2}, {"c.jsonl", shard2}});
  REQUIRE(twice.errors.size() == 1);
  CHECK_THAT(twice.errors[0], Contains("c.jsonl:1: point 1 appears twice (also at b.jsonl:1)"));
  SweepHeader other = header;
  other.sweep_id = "def";
  const MergedSweep foreign = merge_sweep_shards({{"a.jsonl", shard1}, {"d.jsonl", sweep_jsonl_line(other, rows[1])}});
  CHECK_FALSE(foreign.ok());
  CHECK_THAT(foreign.errors[0], Contains("d.jsonl:1: belongs to another sweep"));
  const MergedSweep junk = merge_sweep_shards({{"e.jsonl", "{\"schema\": \"fleetsim.report/1\"}\n"}});
  CHECK_FALSE(junk.ok());
  CHECK_THAT(junk.errors[0], Contains("e.jsonl:1: not a sweep row"));
}

TEST_CASE("A sweep writes the same bytes whatever the number of parallel runs", "[sweep][cli]") {
  // Replications finish in any order with -j 4; each keeps its seed's slot,
  // so the means sum in seed order (command_sweep.cpp, SweepRuns).
  const std::string scenario = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";
  auto run = [&](int jobs) {
    const std::string csv = testing::temp_path("sweep-j" + std::to_string(jobs) + ".csv");
    const std::string jsonl = testing::temp_path("sweep-j" + std::to_string(jobs) + ".jsonl");
    const auto r = testing::run_fleetsim("sweep '" + scenario + "' --set simulation.duration=3min,11min,7min -r 4 -j " +
                                         std::to_string(jobs) + " --no-progress -o '" + csv + "' --jsonl '" + jsonl +
                                         "'");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return testing::read_file(csv) + testing::read_file(jsonl);
  };
  const std::string sequential = run(1);
  CHECK_THAT(sequential, Contains("ci95"));
  for (int i = 0; i < 2; ++i) CHECK(run(4) == sequential);
}

TEST_CASE("Children forked from the workflow write the same bytes as children started from the binary",
          "[sweep][cli]") {
  // child_runs.hpp: a workflow's children are forks of it unless
  // FLEETSIM_SPAWN_CHILDREN=1 starts each as a new process. A catalog file
  // checks that a fork reads it again as a new process would.
  const std::string dir = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/";
  const std::string catalog = testing::write_temp_file("forked-children-catalog.yaml",
                                                       "stacks:\n  vllm-0.5: {overhead: {per_sequence: 90us}}\n");
  auto outputs = [&](const std::string& environment) {
    const std::string tag = environment.empty() ? "fork" : "spawn";
    const std::string csv = testing::temp_path("children-" + tag + ".csv");
    const std::string json = testing::temp_path("children-" + tag + ".json");
    const std::string binary = std::string("'") + FLEETSIM_BINARY + "'";
    const auto sweep = testing::run_shell(environment + binary + " --catalog '" + catalog + "' sweep '" + dir +
                                          "quickstart.yaml' --set simulation.duration=3min,7min -r 2 -j 2 "
                                          "--no-progress -o '" + csv + "'");
    INFO(sweep.err);
    REQUIRE(sweep.exit_code == 0);
    const auto compare = testing::run_shell(environment + binary + " compare '" + dir +
                                            "cpu-vs-gpu-agentic.yaml' --variants -j 2 --no-progress --format json -o '" +
                                            json + "'");
    INFO(compare.err);
    REQUIRE(compare.exit_code == 0);
    return testing::read_file(csv) + testing::read_file(json);
  };
  const std::string forked = outputs("");
  CHECK_THAT(forked, Contains("ci95"));
  CHECK(outputs("FLEETSIM_SPAWN_CHILDREN=1 ") == forked);
}
