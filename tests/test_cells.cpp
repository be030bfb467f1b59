// Cells (docs/cells.md): a scenario split into independent cells, each run in
// a child process, merged exactly; shards of cells joined by fleetsim merge.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace fleetsim::testing;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

const std::string kCellsScenario = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/regional-cells.yaml";
const std::vector<std::string> kCells = {"us-east", "eu-west", "ap-south"};

Json run_cells_json(const std::string& args) {
  const CliResult r = run_fleetsim(args);
  INFO(args << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return Json::parse(r.out);
}

// The quantile a sketch of these buckets gives, computed here from its
// definition (quantile_sketch.hpp): bucket i holds (g^(i-1), g^i] and stands
// for 2 g^i / (g + 1), the value of nearest rank ceil(q n), clamped to [min, max].
struct Buckets {
  double accuracy = 0.0;
  std::uint64_t count = 0, zeros = 0;
  double sum = 0.0, min = 0.0, max = 0.0;
  std::map<int, std::uint64_t> counts;

  void add(const Json& s) {
    accuracy = s["relative_accuracy"].get<double>();
    const auto n = s["count"].get<std::uint64_t>();
    if (n == 0) return;
    min = count == 0 ? s["min"].get<double>() : std::min(min, s["min"].get<double>());
    max = count == 0 ? s["max"].get<double>() : std::max(max, s["max"].get<double>());
    count += n;
    zeros += s["zeros"].get<std::uint64_t>();
    sum += s["sum"].get<double>();
    const int offset = s["offset"].get<int>();
    const auto& c = s["counts"];
    for (std::size_t i = 0; i < c.size(); ++i) counts[offset + static_cast<int>(i)] += c[i].get<std::uint64_t>();
  }
  double quantile(double q) const {
    const double g = (1 + accuracy) / (1 - accuracy);
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count))));
    if (rank <= zeros) return 0.0;
    std::uint64_t seen = zeros;
    for (const auto& [index, n] : counts) {
      seen += n;
      if (seen >= rank) return std::clamp(2.0 * std::pow(g, index) / (g + 1.0), min, max);
    }
    return max;
  }
};

const char* const kLatencies[] = {"ttft_s", "tpot_s", "call_latency_s", "session_latency_s"};

const char* sketch_of_metric(const std::string& metric) {
  return metric == "ttft" ? "ttft_s" : metric == "tpot" ? "tpot_s" : "session_latency_s";
}

}  // namespace

TEST_CASE("A report merged from cells equals one computed from the cells' own runs", "[cells][cli]") {
  const Json merged = run_cells_json("run " + kCellsScenario + " --format json -j 2 --no-progress");
  std::vector<Json> cells;
  for (const std::string& name : kCells)
    cells.push_back(run_cells_json("run " + kCellsScenario + " --cell " + name + " --cell-result --no-progress"));

  REQUIRE(merged["cells"].size() == cells.size());
  for (std::size_t c = 0; c < cells.size(); ++c) {
    INFO(kCells[c]);
    CHECK(merged["cells"][c]["name"] == kCells[c]);
    CHECK(merged["cells"][c]["seed"] == cells[c]["seed"]);
    CHECK(merged["cells"][c]["report"] == cells[c]["report"]);  // the cell's own report, whole
    // The sketch carried beside a cell's report is the one its percentiles came from.
    for (std::size_t w = 0; w < cells[c]["measures"]["workloads"].size(); ++w) {
      Buckets b;
      b.add(cells[c]["measures"]["workloads"][w]["ttft_s"]);
      CHECK(b.quantile(0.95) == cells[c]["report"]["workloads"][w]["ttft_s"]["p95"].get<double>());
    }
  }
  // The three cells' shares sum to the scenario's traffic; their seeds differ.
  CHECK(cells[0]["seed"] != cells[1]["seed"]);

  // Fleet totals: the cells' sums, in cell order.
  for (const char* key : {"total_cost_usd", "compute_cost_usd", "energy_cost_usd", "it_energy_j", "facility_energy_j",
                          "carbon_operational_g", "carbon_embodied_g", "peak_it_power_w"}) {
    double sum = 0.0;
    for (const Json& c : cells) sum += c["report"]["fleet"][key].get<double>();
    INFO(key);
    CHECK(merged["fleet"][key].get<double>() == sum);
  }
  int nodes = 0;
  for (const Json& c : cells) nodes += c["report"]["fleet"]["nodes"].get<int>();
  CHECK(merged["fleet"]["nodes"] == nodes);
  // Every cell's pools, by "cell/pool".
  std::size_t pools = 0;
  for (std::size_t c = 0; c < cells.size(); ++c)
    for (const Json& p : cells[c]["report"]["pools"]) {
      const Json& m = merged["pools"][pools++];
      CHECK(m["name"] == kCells[c] + "/" + p["name"].get<std::string>());
      CHECK(m["cost_usd"] == p["cost_usd"]);
      CHECK(m["utilization"] == p["utilization"]);
    }
  CHECK(merged["pools"].size() == pools);

  const double window = merged["run"]["window_end_s"].get<double>() - merged["run"]["window_start_s"].get<double>();
  REQUIRE(merged["workloads"].size() == 2);
  for (std::size_t w = 0; w < merged["workloads"].size(); ++w) {
    const Json& m = merged["workloads"][w];
    INFO(m["name"]);
    for (const char* key : {"sessions_started", "sessions_completed", "sessions_in_flight", "llm_calls", "tool_calls"}) {
      std::int64_t sum = 0;
      for (const Json& c : cells) sum += c["report"]["workloads"][w][key].get<std::int64_t>();
      INFO(key);
      CHECK(m[key].get<std::int64_t>() == sum);
    }
    for (const char* key : {"prompt_tokens", "prefill_tokens", "output_tokens", "cost_usd"}) {
      double sum = 0.0;
      for (const Json& c : cells) sum += c["report"]["workloads"][w][key].get<double>();
      INFO(key);
      CHECK(m[key].get<double>() == sum);
    }
    // Latencies: the cells' sketches merged by hand, bucket by bucket.
    for (const char* latency : kLatencies) {
      Buckets b;
      std::uint64_t reported = 0;
      for (const Json& c : cells) {
        b.add(c["measures"]["workloads"][w][latency]);
        reported += c["report"]["workloads"][w][latency]["count"].get<std::uint64_t>();
      }
      INFO(latency);
      CHECK(m[latency]["count"].get<std::uint64_t>() == reported);
      CHECK(b.count == reported);
      CHECK(m[latency]["p50"].get<double>() == b.quantile(0.50));
      CHECK(m[latency]["p90"].get<double>() == b.quantile(0.90));
      CHECK(m[latency]["p95"].get<double>() == b.quantile(0.95));
      CHECK(m[latency]["p99"].get<double>() == b.quantile(0.99));
      CHECK(m[latency]["max"].get<double>() == b.max);
      CHECK(m[latency]["mean"].get<double>() == b.sum / static_cast<double>(b.count));
    }
    // SLO attainment pooled by counts: the samples within the bound, over all samples.
    REQUIRE(m["slos"].size() == cells[0]["report"]["workloads"][w]["slos"].size());
    for (std::size_t s = 0; s < m["slos"].size(); ++s) {
      const std::string metric = m["slos"][s]["metric"].get<std::string>();
      double within = 0.0, samples = 0.0;
      Buckets b;
      for (const Json& c : cells) {
        const auto n = c["report"]["workloads"][w][sketch_of_metric(metric)]["count"].get<double>();
        within += std::round(c["report"]["workloads"][w]["slos"][s]["attainment"].get<double>() * n);
        samples += n;
        b.add(c["measures"]["workloads"][w][sketch_of_metric(metric)]);
      }
      INFO(metric);
      CHECK(m["slos"][s]["attainment"].get<double>() == within / samples);
      const double percentile = m["slos"][s]["percentile"].get<double>();
      CHECK(m["slos"][s]["observed_s"].get<double>() == b.quantile(percentile / 100.0));
      CHECK(m["slos"][s]["met"] == (b.quantile(percentile / 100.0) <= m["slos"][s]["bound_s"].get<double>()));
    }
    std::int64_t met = 0;
    for (const Json& c : cells) met += c["measures"]["workloads"][w]["sessions_met_slo"].get<std::int64_t>();
    CHECK(m["goodput_sessions_per_s"].get<double>() == static_cast<double>(met) / window);
  }
  // Rates over the one window all cells share.
  double sessions = 0.0;
  for (const Json& w : merged["workloads"]) sessions += w["sessions_completed"].get<double>();
  CHECK(merged["fleet"]["sessions_per_s"].get<double>() == sessions / window);
  CHECK(merged["fleet"]["cost_per_session_usd"].get<double>() == merged["fleet"]["total_cost_usd"].get<double>() / sessions);
  CHECK(merged["run"]["electricity_usd_per_kwh"].get<double>() == 0.08);
  CHECK(merged["run"]["seed"] == 42);
}

TEST_CASE("Cells that pay different electricity prices merge their costs, and the run has no price of its own",
          "[cells][cli]") {
  std::string text = read_file(kCellsScenario);
  const std::string eu = "  - name: eu-west\n    share: 0.3\n";
  REQUIRE(text.find(eu) != std::string::npos);
  text.replace(text.find(eu), eu.size(), eu + "    costs: {electricity_price: 0.21}\n");
  const std::string path = write_temp_file("priced-cells.yaml", text);
  const Json merged = run_cells_json("run " + path + " --format json -j 2 --no-progress");
  CHECK(merged["run"]["electricity_usd_per_kwh"].is_null());
  CHECK(merged["run"]["pue"].get<double>() == 1.14);
  double energy_cost = 0.0;
  for (const Json& cell : merged["cells"]) energy_cost += cell["report"]["fleet"]["energy_cost_usd"].get<double>();
  CHECK(merged["fleet"]["energy_cost_usd"].get<double>() == energy_cost);
  CHECK(merged["cells"][1]["report"]["run"]["electricity_usd_per_kwh"].get<double>() == 0.21);
}

TEST_CASE("Cells' remote KV stores come through the merge named by cell, and the fleet's nodes and cost add up",
          "[cells][kv_store][cli]") {
  // regional-cells with a one-node KV store under the H100 pools of every cell.
  std::string text = read_file(kCellsScenario);
  const std::string engine = "kv_retention: lru}";
  const std::string graviton = "kv_retention: none}\n";
  REQUIRE(text.find(engine) != std::string::npos);
  REQUIRE(text.find(graviton) != std::string::npos);
  text.replace(text.find(engine), engine.size(), "kv_retention: lru, kv_tiers: [{store: kv}]}");
  text.replace(text.find(graviton), graviton.size(),
               graviton + "  kv_stores:\n    - {name: kv, hardware: graviton4-c8g.48xlarge, count: 1, memory: 100GiB}\n");
  const std::string path = write_temp_file("kv-store-cells.yaml", text);
  const Json merged = run_cells_json("run " + path + " --format json -j 2 --no-progress");
  REQUIRE(merged.contains("kv_stores"));
  REQUIRE(merged["kv_stores"].size() == merged["cells"].size());
  int nodes = 0;
  double cost = 0.0;
  for (const Json& p : merged["pools"]) {
    nodes += p["nodes"].get<int>();
    cost += p["cost_usd"].get<double>();
  }
  for (std::size_t i = 0; i < merged["kv_stores"].size(); ++i) {
    Json store = merged["kv_stores"][i];
    const Json& cell = merged["cells"][i];
    CHECK(store["name"] == cell["name"].get<std::string>() + "/kv");
    nodes += store["nodes"].get<int>();
    cost += store["cost_usd"].get<double>();
    Json own = cell["report"]["kv_stores"][0];
    store.erase("name");
    own.erase("name");
    // The carbon per session and per token are the merged fleet's shares.
    for (const char* share : {"carbon_per_session_g", "carbon_per_million_tokens_g"}) {
      store.erase(share);
      own.erase(share);
    }
    CHECK(store == own);
  }
  CHECK(merged["fleet"]["nodes"].get<int>() == nodes);
  CHECK(merged["fleet"]["total_cost_usd"].get<double>() == Approx(cost).epsilon(1e-9));
}

TEST_CASE("One cell run alone is the plain run of its scenario, byte for byte", "[cells][cli]") {
  // quickstart as it ships, and with one cell that takes all of its traffic.
  const std::string base = read_file(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml");
  const std::string celled = write_temp_file("one-cell.yaml", base + "\ncells:\n  - {name: only, share: 1}\n");
  const Json merged = run_cells_json("run " + celled + " --format json -j 1 --no-progress");
  const std::uint64_t seed = merged["cells"][0]["seed"].get<std::uint64_t>();
  CHECK(seed != 42);  // derived from the scenario's seed and the cell's name

  const CliResult plain = run_fleetsim("run " + std::string(FLEETSIM_SOURCE_DIR) +
                                       "/scenarios/quickstart.yaml --format json --seed " + std::to_string(seed));
  const CliResult cell = run_fleetsim("run " + celled + " --cell only --format json");
  REQUIRE(plain.exit_code == 0);
  REQUIRE(cell.exit_code == 0);
  CHECK(cell.out == plain.out);

  // The merge of one cell is that cell's report, figure for figure: only the
  // pools' names (and those priced on demand) carry the cell's, the run the scenario's seed, and the cell's
  // own report rides along.
  Json expected = Json::parse(plain.out);
  Json got = merged;
  got.erase("cells");
  const auto unprefixed = [](const Json& name) { return name.get<std::string>().substr(std::string("only/").size()); };
  for (Json& p : got["pools"]) p["name"] = unprefixed(p["name"]);
  for (Json& option : got["purchase_options"])
    for (Json& pool : option["pools_on_demand"]) pool = unprefixed(pool);
  got["run"]["seed"] = seed;
  CHECK(got == expected);
  CHECK(merged["cells"][0]["report"] == expected);
}

TEST_CASE("Cells give the same bytes with -j 1 and -j 3, and merged from shards in any order", "[cells][cli]") {
  const CliResult one = run_fleetsim("run " + kCellsScenario + " --format json -j 1 --no-progress");
  const CliResult three = run_fleetsim("run " + kCellsScenario + " --format json -j 3 --no-progress");
  REQUIRE(one.exit_code == 0);
  REQUIRE(three.exit_code == 0);
  CHECK(one.out == three.out);
  // --json: the merged report beside the table, the same bytes; not for a shard.
  const std::string merged_json = temp_path("cells-merged-beside.json");
  const CliResult beside = run_fleetsim("run " + kCellsScenario + " --json " + merged_json + " -j 2 --no-progress");
  REQUIRE(beside.exit_code == 0);
  CHECK(read_file(merged_json) == one.out);
  CHECK_THAT(beside.out, Contains("us-east/h100"));
  const CliResult shard_json =
      run_fleetsim("run " + kCellsScenario + " --shard 1/2 --json " + temp_path("no.json") + " --no-progress");
  CHECK(shard_json.exit_code == 2);
  CHECK_THAT(shard_json.err, Contains("--json"));

  const std::string a = temp_path("cells-shard-1.jsonl");
  const std::string b = temp_path("cells-shard-2.jsonl");
  REQUIRE(run_fleetsim("run " + kCellsScenario + " --shard 1/2 -o " + a + " --no-progress").exit_code == 0);
  REQUIRE(run_fleetsim("run " + kCellsScenario + " --shard 2/2 -o " + b + " --no-progress").exit_code == 0);
  const CliResult forward = run_fleetsim("merge " + a + " " + b);
  const CliResult backward = run_fleetsim("merge " + b + " " + a);
  INFO(forward.err);
  REQUIRE(forward.exit_code == 0);
  CHECK(forward.out == one.out);
  CHECK(backward.out == one.out);
  const CliResult table = run_fleetsim("merge " + a + " " + b + " --format table");
  CHECK(table.exit_code == 0);
  CHECK_THAT(table.out, Contains("us-east/h100"));

  // A shard missing, a shard twice, a shard of another seed: refused, nothing written.
  const std::string out = temp_path("cells-merged.json");
  const CliResult missing = run_fleetsim("merge " + a + " -o " + out);
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Contains("1 of 3 cells are missing: 1"));
  const CliResult twice = run_fleetsim("merge " + a + " " + b + " " + a + " -o " + out);
  CHECK(twice.exit_code == 1);
  CHECK_THAT(twice.err, Contains("appears twice"));
  const std::string other = temp_path("cells-shard-other.jsonl");
  REQUIRE(run_fleetsim("run " + kCellsScenario + " --shard 2/2 --seed 7 -o " + other + " --no-progress").exit_code ==
          0);
  const CliResult foreign = run_fleetsim("merge " + a + " " + other + " -o " + out);
  CHECK(foreign.exit_code == 1);
  CHECK_THAT(foreign.err, Contains("belongs to another run"));
  CHECK_FALSE(std::filesystem::exists(out));
}

TEST_CASE("Bad cells are refused with file, line, column, key and a hint", "[cells][cli]") {
  const std::string base = read_file(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml");
  const struct {
    const char* cells;
    const char* message;
  } cases[] = {
      {"cells:\n  - {name: a, share: 0.5}\n  - {name: b, share: 0.4}\n", "cells: the cells' shares sum to 0.9, not 1"},
      {"cells:\n  - {name: a, share: 0.5}\n  - {name: a, share: 0.5}\n", "cells[1].name: cell \"a\" appears twice"},
      {"cells:\n  - {name: a, share: 0.5}\n  - {name: b, traffic_scale: 0.5}\n", "cells mix share and traffic_scale"},
      {"cells:\n  - {name: a, share: 1, traffic_scale: 1}\n", "a cell gives share or traffic_scale, not both"},
      {"cells:\n  - {name: a}\n", "gives neither share nor traffic_scale"},
      {"cells:\n  - {name: a, share: 1, simulation: {duration: 1h}}\n", "a cell cannot change the simulation"},
      {"cells:\n  - {name: a, share: 1, fleat: {}}\n", "fleat"},
      {"cells:\n  - {name: a, share: 0}\n", "cells[0].share"},
      {"cells: []\n", "the cells list is empty"},
  };
  for (const auto& c : cases) {
    INFO(c.cells);
    const std::string path = write_temp_file("bad-cells.yaml", base + "\n" + c.cells);
    const CliResult r = run_fleetsim("run " + path + " --format json");
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Contains(c.message));
    CHECK_THAT(r.err, Contains(path + ":"));
    CHECK_THAT(r.err, Contains("hint:"));
  }
  // Located at the key: the line the cells section starts on, past quickstart's lines.
  const std::string lines = base + "\ncells:\n  - {name: a, share: 0.5}\n";
  const std::string located = write_temp_file("located-cells.yaml", lines);
  const auto line = std::count(base.begin(), base.end(), '\n') + 3;
  CHECK_THAT(run_fleetsim("validate " + located).err, Contains(located + ":" + std::to_string(line) + ":3: error: cells:"));

  // A run of a session count has no common window to merge over.
  std::string by_count = base;
  by_count.replace(by_count.find("duration: 11min"), std::string("duration: 11min").size(), "sessions: 10");
  const std::string counted = write_temp_file("counted-cells.yaml", by_count + "\ncells:\n  - {name: a, share: 1}\n");
  const CliResult sessions = run_fleetsim("run " + counted);
  CHECK(sessions.exit_code == 1);
  CHECK_THAT(sessions.err, Contains("cells need a run of fixed duration"));

  // Unknown cell; -j or --shard without cells; what one simulation alone gives.
  const std::string one = write_temp_file("one-cell-ok.yaml", base + "\ncells:\n  - {name: only, share: 1}\n");
  const CliResult unknown = run_fleetsim("run " + one + " --cell onyl");
  CHECK(unknown.exit_code == 1);
  CHECK_THAT(unknown.err, Contains("no cell named \"onyl\""));
  CHECK_THAT(unknown.err, Contains("only"));
  const CliResult plain_j =
      run_fleetsim("run " + std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml -j 2");
  CHECK(plain_j.exit_code == 2);
  CHECK_THAT(plain_j.err, Contains("declares none"));
  const CliResult series = run_fleetsim("run " + one + " --timeseries " + temp_path("cells-series.csv"));
  CHECK(series.exit_code == 2);
  CHECK_THAT(series.err, Contains("--cell NAME"));
  CHECK(run_fleetsim("run " + one + " --cell-result").exit_code == 2);
  CHECK(run_fleetsim("run " + one + " --shard 3/2").exit_code == 2);
  // The copy of the example in docs/scenario-format.md validates, every cell with it.
  const std::string doc = read_file(std::string(FLEETSIM_SOURCE_DIR) + "/docs/scenario-format.md");
  const std::string open = "```yaml\n# scenarios/regional-cells.yaml";
  const auto at = doc.find(open);
  REQUIRE(at != std::string::npos);
  const std::string copy = doc.substr(at + 8, doc.find("```", at + 8) - (at + 8));
  const CliResult docs = run_fleetsim("validate " + write_temp_file("docs-cells.yaml", copy));
  INFO(docs.out << docs.err);
  CHECK(docs.exit_code == 0);
  CHECK_THAT(docs.out, Contains("(cell ap-south): ok"));
  // validate checks every cell as its own scenario.
  const CliResult valid = run_fleetsim("validate " + kCellsScenario);
  CHECK(valid.exit_code == 0);
  CHECK_THAT(valid.out, Contains("(cell ap-south): ok"));
}
