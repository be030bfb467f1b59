// The planning workflows end to end through the fleetsim binary: --set,
// sweep (replications, shards, merge), compare, check, diff, plan.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace fleetsim::testing;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

const std::string kAgentic = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/cpu-vs-gpu-agentic.yaml";
// Short runs: these tests check the workflows, not the fleets. The agentic
// ones run an hour: its sessions last about 8 minutes, and in a 25-minute
// window the stability check's two halves compare a start-up transient
// (two H100s measured 98% busy there and flipped between stable and not
// with the catalog's refits; 96% over the hour, stable as in the full run).
const std::string kShortQuickstart = " --set simulation.duration=4min --set simulation.warmup=1min";
const std::string kShortAgentic = " --set simulation.duration=1h --set simulation.warmup=10min";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> csv_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cell += line[++i];
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += c;
    }
  }
  cells.push_back(cell);
  return cells;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  FAIL("no column " << name);
  return 0;
}

// Well-formed enough for a CI's JUnit parser: balanced, properly nested
// elements, quoted attributes, no raw '<' or bare '&' in text.
bool well_formed_xml(const std::string& xml) {
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const auto semi = xml.find(';', i);
      const std::string entity = xml.substr(i, semi == std::string::npos ? 0 : semi - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" && entity != "&apos;")
        return false;
      i = semi + 1;
      continue;
    }
    if (xml[i] != '<') {
      ++i;
      continue;
    }
    const auto end = xml.find('>', i);
    if (end == std::string::npos) return false;
    const std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.front() == '?') continue;
    std::size_t quotes = 0;
    for (char c : tag) quotes += c == '"' ? 1 : 0;
    if (quotes % 2 != 0 || tag.find('<') != std::string::npos) return false;
    if (tag.front() == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
  }
  return open.empty();
}

json run_cli_json(const std::string& args) {
  const auto r = run_fleetsim("run " + args + " --format json --no-progress");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("run --set changes the scenario, a bad override exits 1 naming the argument", "[cli][overrides]") {
  const json report = run_cli_json(q(kQuickstart) + kShortQuickstart + " --set fleet.pools.graviton.count=3");
  CHECK(report["pools"][1]["nodes"] == 3);
  CHECK(report["run"]["window_end_s"].get<double>() == Approx(240));

  const auto bad = run_fleetsim("run " + q(kQuickstart) + " --set fleet.pools.graviton.count=three");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Contains("--set fleet.pools.graviton.count=three: error: fleet.pools[1].count: expected a whole number"));
  const auto missing = run_fleetsim("run " + q(kQuickstart) + " --set fleet.pools.gravitom.count=3");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Contains("did you mean \"graviton\"?"));
  CHECK(run_fleetsim("run " + q(kQuickstart) + " --set nothing-to-set").exit_code == 2);
}

TEST_CASE("sweep: a row per point, replications with confidence intervals, shards that merge back",
          "[cli][sweep]") {
  const std::string csv = temp_path("sweep.csv"), jsonl = temp_path("sweep.jsonl");
  const std::string sweep = "sweep " + q(kQuickstart) + kShortQuickstart +
                            " --set fleet.pools.graviton.count=1:3:1 -r 2 -j 2 --no-progress";
  const auto r = run_fleetsim(sweep + " -o " + q(csv) + " --jsonl " + q(jsonl));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("3 points, 2 replications each"));

  const auto rows = lines(read_file(csv));
  REQUIRE(rows.size() == 4);
  const auto header = csv_cells(rows[0]);
  const std::size_t count = column(header, "fleet.pools.graviton.count");
  const std::size_t cost = column(header, "fleet.cost_per_session_usd");
  const std::size_t ci = column(header, "fleet.cost_per_session_usd.ci95");
  column(header, "workloads.assistant.session_latency_s.p99");
  column(header, "workloads.triage.slos_met");
  for (std::size_t i = 1; i <= 3; ++i) {
    const auto cells = csv_cells(rows[i]);
    CHECK(cells[count] == std::to_string(i));
    CHECK(cells[column(header, "status")] == "ok");
    CHECK(cells[column(header, "seed")] == "42");
  }

  // Point 0's mean and interval are those of the runs with seeds 42 and 43.
  double x[2];
  for (int k = 0; k < 2; ++k)
    x[k] = run_cli_json(q(kQuickstart) + kShortQuickstart + " --set fleet.pools.graviton.count=1 --seed " +
                        std::to_string(42 + k))["fleet"]["cost_per_session_usd"]
               .get<double>();
  const auto point0 = csv_cells(rows[1]);
  CHECK(std::stod(point0[cost]) == Approx((x[0] + x[1]) / 2).epsilon(1e-8));
  CHECK(std::stod(point0[ci]) == Approx(12.706 * std::fabs(x[0] - x[1]) / 2).epsilon(1e-6));

  // Two shards, merged, give the same CSV.
  const std::string a = temp_path("shard1.jsonl"), b = temp_path("shard2.jsonl"), merged = temp_path("merged.csv");
  REQUIRE(run_fleetsim(sweep + " --shard 1/2 --jsonl " + q(a)).exit_code == 0);
  REQUIRE(run_fleetsim(sweep + " --shard 2/2 --jsonl " + q(b)).exit_code == 0);
  CHECK(lines(read_file(a)).size() == 2);  // points 0 and 2
  const auto m = run_fleetsim("merge " + q(b) + " " + q(a) + " -o " + q(merged));
  INFO(m.err);
  REQUIRE(m.exit_code == 0);
  CHECK(read_file(merged) == read_file(csv));

  const auto incomplete = run_fleetsim("merge " + q(a));
  CHECK(incomplete.exit_code == 1);
  CHECK_THAT(incomplete.err, Contains("1 of 3 points are missing: 1"));
  const auto twice = run_fleetsim("merge " + q(a) + " " + q(b) + " " + q(a));
  CHECK(twice.exit_code == 1);
  CHECK_THAT(twice.err, Contains("appears twice"));
}

TEST_CASE("sweep: an invalid point is reported with its point and the others still run", "[cli][sweep]") {
  const std::string csv = temp_path("partial.csv");
  const auto r = run_fleetsim("sweep " + q(kQuickstart) + kShortQuickstart +
                              " --set fleet.pools.graviton.count=2,x --no-progress -o " + q(csv));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("sweep point 1 (fleet.pools.graviton.count=x) failed"));
  const auto rows = lines(read_file(csv));
  REQUIRE(rows.size() == 3);
  const auto header = csv_cells(rows[0]);
  const auto ok = csv_cells(rows[1]), failed = csv_cells(rows[2]);
  CHECK(ok[column(header, "status")] == "ok");
  CHECK_FALSE(ok[column(header, "fleet.cost_per_session_usd")].empty());
  CHECK(failed[column(header, "status")] == "failed");
  CHECK_THAT(failed[column(header, "error")], Contains("expected a whole number"));
}

TEST_CASE("compare --variants: key figures side by side, differences against the base", "[cli][compare]") {
  const auto r = run_fleetsim("compare " + q(kAgentic) + " --variants --format json --no-progress" + kShortAgentic);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  REQUIRE(j["runs"].size() == 4);
  CHECK(j["runs"][0]["label"] == "base");
  CHECK(j["runs"][1]["label"] == "graviton4");
  std::size_t checked = 0;
  for (const auto& f : j["figures"]) {
    const auto& v = f["values"];
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (v[0].is_null() || v[i].is_null()) continue;
      CHECK(f["difference"][i].get<double>() == Approx(v[i].get<double>() - v[0].get<double>()));
      ++checked;
    }
  }
  CHECK(checked > 30);
  const auto table = run_fleetsim("compare " + q(kAgentic) + " --variant h100-node --variant base --no-progress" + kShortAgentic);
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Contains("differences are against h100-node"));
  CHECK_THAT(table.out, Contains("fleet.cost_per_session_usd"));
  CHECK(run_fleetsim("compare " + q(kAgentic)).exit_code == 2);  // nothing to compare it with
}

TEST_CASE("compare --set-in: a value set in one run only, where --set would fail on the others",
          "[cli][compare]") {
  // The graviton4 pool exists only in the graviton4 variant: --set would be
  // refused by the h100-small run.
  const std::string base = "compare " + q(kAgentic) + " --variant graviton4 --variant h100-small --format json --no-progress" +
                           kShortAgentic;
  const auto everywhere = run_fleetsim(base + " --set fleet.pools.graviton4.count=24");
  CHECK(everywhere.exit_code == 1);
  const auto one = run_fleetsim(base + " --set-in graviton4:fleet.pools.graviton4.count=24");
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  const json j = json::parse(one.out);
  bool found = false;
  for (const auto& f : j["figures"])
    if (f["figure"] == "fleet.nodes") {
      CHECK(f["values"][0].get<double>() == 24);  // set in graviton4
      CHECK(f["values"][1].get<double>() == 2);   // h100-small as the file has it
      found = true;
    }
  CHECK(found);
  const auto unknown = run_fleetsim(base + " --set-in graviton5:fleet.pools.graviton4.count=24");
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("no run is labelled 'graviton5'"));
  CHECK_THAT(unknown.err, Contains("runs: graviton4, h100-small"));
  CHECK(run_fleetsim(base + " --set-in fleet.pools.graviton4.count=24").exit_code != 0);  // no RUN:
}

// No ';' in a test's name: CTest's list splits it there, and the cut name
// matches no test, which Catch counts as a pass.
TEST_CASE("check: a violated expectation exits 4 naming figure, bound and value, and JUnit counts it",
          "[cli][check]") {
  // The quickstart's own expect: section (its last) gives way to this one.
  const std::string quickstart = read_file(kQuickstart);
  const std::size_t own_expect = quickstart.find("\nexpect:");
  REQUIRE(own_expect != std::string::npos);
  REQUIRE(quickstart.find("\n", own_expect + 1) != std::string::npos);
  const std::string base = quickstart.substr(0, own_expect + 1);
  const std::string scenario = write_temp_file("checked.yaml", base + R"(
expect:
  fleet.cost_per_session_usd: {max: 0.000001}
  pools.h100.utilization: {min: 0.01, max: 1}
)");
  const std::string junit = temp_path("junit.xml");
  const auto r = run_fleetsim("check " + q(scenario) + kShortQuickstart + " --no-progress --junit " + q(junit));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.out, Contains("FAIL   fleet.cost_per_session_usd = "));
  CHECK_THAT(r.out, Contains(", above max 1e-06"));
  const std::size_t expect_line = lines(base).size() + 3;
  CHECK_THAT(r.out, Contains("checked.yaml:" + std::to_string(expect_line) + ":3"));
  CHECK_THAT(r.out, Contains("PASS   pools.h100.utilization"));
  const std::string xml = read_file(junit);
  CHECK(well_formed_xml(xml));
  CHECK_THAT(xml, Contains("tests=\"2\" failures=\"1\" errors=\"0\""));

  // The quickstart without its expect: section, for --expect alone.
  const std::string plain = write_temp_file("plain.yaml", base);
  const std::string expect = write_temp_file("met.yaml", "expect:\n  pools.h100.utilization: {min: 0.01}\n");
  const auto met = run_fleetsim("check " + q(plain) + kShortQuickstart + " --no-progress --expect " + q(expect));
  INFO(met.out << met.err);
  CHECK(met.exit_code == 0);
  CHECK_THAT(met.out, Contains("1 expectation in 1 scenario: 1 met, 0 violated, 0 errors"));

  const std::string typo = write_temp_file("typo.yaml", "expect:\n  pools.h10.utilization: {min: 0.01}\n");
  const auto unknown = run_fleetsim("check " + q(plain) + kShortQuickstart + " --no-progress --expect " + q(typo));
  CHECK(unknown.exit_code == 1);
  CHECK_THAT(unknown.out, Contains("did you mean \"pools.h100.utilization\""));
  CHECK(run_fleetsim("check " + q(plain) + " --no-progress").exit_code == 1);  // nothing to check
}

TEST_CASE("check --baseline and diff catch a change beyond the tolerance", "[cli][check][diff]") {
  const std::string before = temp_path("before.json"), after = temp_path("after.json");
  REQUIRE(run_fleetsim("run " + q(kQuickstart) + kShortQuickstart + " --format json --no-progress -o " + q(before)).exit_code == 0);
  REQUIRE(run_fleetsim("run " + q(kQuickstart) + kShortQuickstart +
                       " --set workloads.assistant.arrivals.rate=1.5/s --format json --no-progress -o " + q(after))
              .exit_code == 0);
  const auto same = run_fleetsim("diff " + q(before) + " " + q(before));
  CHECK(same.exit_code == 0);
  CHECK_THAT(same.out, Contains("0 changed"));
  const auto changed = run_fleetsim("diff " + q(before) + " " + q(after) + " --tolerance 2%");
  CHECK(changed.exit_code == 4);
  CHECK_THAT(changed.out, Contains("BEYOND TOLERANCE"));
  CHECK_THAT(changed.out, Contains("fleet.sessions_per_s"));
  CHECK(run_fleetsim("diff " + q(before) + " " + q(kQuickstart)).exit_code == 1);  // not a report

  const auto unchanged = run_fleetsim("check " + q(kQuickstart) + kShortQuickstart + " --no-progress --baseline " +
                                      q(before) + " --tolerance 1%");
  CHECK(unchanged.exit_code == 0);
  const auto busier = run_fleetsim("check " + q(kQuickstart) + kShortQuickstart +
                                   " --set workloads.assistant.arrivals.rate=1.5/s --no-progress --baseline " +
                                   q(before) + " --tolerance 1%");
  CHECK(busier.exit_code == 4);
  CHECK_THAT(busier.out, Contains("FAIL   fleet.sessions_per_s"));
}

TEST_CASE("plan on the CPU-vs-GPU scenario: within 5% of the exhaustive grid's cheapest fleet, with fewer runs",
          "[cli][plan]") {
  const std::string plan = " --set 'plan={pools: {h100: {min: 0, max: 2}, graviton4: {min: 0, max: 3}}}'";
  const auto searched = run_fleetsim("plan " + q(kAgentic) + kShortAgentic + plan + " --format json --no-progress");
  const auto exhaustive =
      run_fleetsim("plan " + q(kAgentic) + kShortAgentic + plan + " --exhaustive --format json --no-progress");
  INFO(searched.err << exhaustive.err);
  REQUIRE(searched.exit_code == 0);
  REQUIRE(exhaustive.exit_code == 0);
  const json s = json::parse(searched.out), e = json::parse(exhaustive.out);
  REQUIRE(e["chosen"].is_object());
  REQUIRE(s["chosen"].is_object());
  const double grid_best = e["chosen"]["cost_per_hour_usd"].get<double>();
  CHECK(s["chosen"]["cost_per_hour_usd"].get<double>() <= grid_best * 1.05);
  // The exhaustive grid's choice really is the cheapest fleet that met the SLOs.
  CHECK(e["search"]["simulation_runs"] == 3 * 2 + 2 + 3);
  for (const auto& c : e["evaluated"])
    if (c["feasible"].get<bool>()) CHECK(c["cost_per_hour_usd"].get<double>() >= grid_best);
  CHECK(s["search"]["simulation_runs"].get<int>() < e["search"]["simulation_runs"].get<int>());
  for (const auto& m : s["chosen"]["slo_margins"]) CHECK(m["ratio"].get<double>() <= 1.0);
  CHECK(s["frontier"].size() >= 1);

  const auto table = run_fleetsim("plan " + q(kAgentic) + kShortAgentic + plan + " --no-progress");
  CHECK_THAT(table.out, Contains("Cheapest fleet meeting every SLO"));
  CHECK_THAT(table.out, Contains("<- chosen"));
  // The h100-node variant drops the base's plan: (plan: ~); the hint names its own pool.
  const auto no_plan = run_fleetsim("plan " + q(kAgentic) + " --variant h100-node --no-progress");
  CHECK(no_plan.exit_code == 1);
  CHECK_THAT(no_plan.err, Contains("no plan: section"));
  CHECK_THAT(no_plan.err, Contains("plan: {pools: {h100: {min: 0, max: 4}}}"));
}

TEST_CASE("plan does not count a fleet whose backlog grows, unless told to", "[cli][plan]") {
  // One Graviton4 node takes triage calls a little faster than it finishes
  // them: over three measured minutes the SLOs (made loose) still hold, but
  // the stability check sees the calls in flight grow. (1.2 calls a second
  // until round 37's refit made a Graviton4 socket's prompts 2% faster.)
  const std::string plan = "plan " + q(kQuickstart) + kShortQuickstart +
                           " --set 'plan={pools: {graviton: {min: 1, max: 3}}}'"
                           " --set workloads.triage.arrivals.rate=1.3/s"
                           " --set 'workloads.triage.slo={percentile: 95, ttft: 1000s, tpot: 10s}'"
                           " --exhaustive --no-progress";
  const auto strict = run_fleetsim(plan + " --format json");
  const auto lenient = run_fleetsim(plan + " --format json --allow-unstable");
  INFO(strict.err << lenient.err);
  REQUIRE(strict.exit_code == 0);
  REQUIRE(lenient.exit_code == 0);
  const json s = json::parse(strict.out), l = json::parse(lenient.out);
  REQUIRE(s["evaluated"].size() == 3);
  const json& one = s["evaluated"][0];
  REQUIRE(one["pools"][0]["nodes"] == 1);
  REQUIRE(one["slos_met"] == true);  // the setup: SLOs held over the window...
  REQUIRE(one["stable"] == false);   // ...by a backlog that grows
  CHECK(one["feasible"] == false);
  for (const auto& c : s["evaluated"])
    CHECK(c["feasible"] == (c["slos_met"].get<bool>() && c["stable"] == true));
  REQUIRE(s["chosen"].is_object());
  CHECK(s["chosen"]["stable"] == true);
  CHECK(s["chosen"]["pools"][0]["nodes"].get<int>() > 1);
  REQUIRE(l["chosen"].is_object());
  CHECK(l["chosen"]["pools"][0]["nodes"] == 1);  // accepted, and the cheapest
  const auto table = run_fleetsim(plan);
  CHECK_THAT(table.out, Contains("unstable  "));
}

TEST_CASE("plan runs the chosen fleet once more with the plan's autoscale: pools autoscaled", "[cli][plan]") {
  // The graviton pool, planned 1..4; its alternative autoscales on a
  // schedule that wants 2 nodes from time 0. It starts at the chosen count;
  // the first evaluation (15 s, inside the 1 min warm-up) starts any second
  // node with no provisioning delay, so over the measured window it holds
  // exactly 2 nodes and costs what the fixed 2-node fleet costs.
  const std::string base = "plan " + q(kQuickstart) + kShortQuickstart + " --exhaustive --no-progress";
  const std::string plain_plan = " --set 'plan={pools: {graviton: {min: 1, max: 4}}}'";
  const std::string scaled_plan =
      " --set 'plan={pools: {graviton: {min: 1, max: 4, autoscale: {policy: schedule, min: 1, max: 4, "
      "schedule: [{at: 0s, nodes: 2}], startup: 0s, load_bandwidth: 0GB/s}}}}'";
  const auto plain = run_fleetsim(base + plain_plan + " --format json");
  const auto scaled = run_fleetsim(base + scaled_plan + " --format json");
  INFO(plain.err << scaled.err);
  REQUIRE(plain.exit_code == 0);
  REQUIRE(scaled.exit_code == 0);
  const json a = json::parse(plain.out), b = json::parse(scaled.out);
  CHECK_FALSE(a.contains("autoscaled_alternative"));  // only when asked for
  REQUIRE(b["chosen"].is_object());
  CHECK(b["chosen"] == a["chosen"]);  // the search is not changed by it
  const json& alt = b["autoscaled_alternative"];
  REQUIRE(alt.is_object());
  CHECK(alt["pools"] == json::array({"graviton"}));
  CHECK(alt["simulated"] == true);
  REQUIRE(alt["nodes"].size() == 1);
  CHECK(alt["nodes"][0]["fixed_nodes"] == b["chosen"]["pools"][0]["nodes"]);
  CHECK(alt["nodes"][0]["mean_nodes"].get<double>() == Approx(2.0).epsilon(1e-9));
  CHECK(alt["nodes"][0]["peak_nodes"].get<double>() == 2.0);
  double two_nodes = -1.0;
  for (const auto& c : b["evaluated"])
    if (c["pools"][0]["nodes"] == 2) two_nodes = c["cost_per_hour_usd"].get<double>();
  REQUIRE(two_nodes > 0);
  CHECK(alt["cost_per_hour_usd"].get<double>() == Approx(two_nodes).epsilon(1e-9));
  const auto table = run_fleetsim(base + scaled_plan);
  CHECK_THAT(table.out, Contains("The same fleet with graviton autoscaled"));
  CHECK_THAT(table.out, Contains("graviton       2.00 nodes on average, 2 at most"));
  // A mistake in it is found before the search, at its key.
  const auto bad = run_fleetsim(base + " --set 'plan={pools: {graviton: {min: 1, max: 4, autoscale: {policy: "
                                       "utilization, target: 0.6, min: 3, max: 2}}}}'");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Contains("plan.pools.graviton.autoscale.max: max 2 is below min 3"));
}

TEST_CASE("plan with N+k spares: the same serving fleet, the spares priced in", "[cli][plan]") {
  const std::string base = " --set 'plan={pools: {h100: {min: 0, max: 2}, graviton4: {min: 0, max: 0}}}'";
  const std::string spared = " --set 'plan={pools: {h100: {min: 0, max: 2, spares: 1}, graviton4: {min: 0, max: 0}}}'";
  const auto plain = run_fleetsim("plan " + q(kAgentic) + kShortAgentic + base + " --format json --no-progress");
  const auto n_plus_1 = run_fleetsim("plan " + q(kAgentic) + kShortAgentic + spared + " --format json --no-progress");
  INFO(plain.err << n_plus_1.err);
  REQUIRE(plain.exit_code == 0);
  REQUIRE(n_plus_1.exit_code == 0);
  const json a = json::parse(plain.out), b = json::parse(n_plus_1.out);
  REQUIRE(a["chosen"].is_object());
  REQUIRE(b["chosen"].is_object());
  const auto& pa = a["chosen"]["pools"][0];
  const auto& pb = b["chosen"]["pools"][0];
  CHECK(pb["nodes"] == pa["nodes"]);  // the SLOs decide N; the spares do not change it
  CHECK(pb["spares"] == 1);
  CHECK(pa["spares"] == 0);
  const double node = 6.88;  // the scenario's h100-p5.4xlarge, per hour
  CHECK(b["chosen"]["cost_per_hour_usd"].get<double>() ==
        Approx(a["chosen"]["cost_per_hour_usd"].get<double>() + node));
  const double n = pa["nodes"].get<double>();
  CHECK(b["chosen"]["cost_per_session_usd"].get<double>() ==
        Approx(a["chosen"]["cost_per_session_usd"].get<double>() * (n + 1) / n).epsilon(1e-6));
  const auto table = run_fleetsim("plan " + q(kAgentic) + kShortAgentic + spared + " --no-progress");
  CHECK_THAT(table.out, Contains("+ 1 spare bought (N+1)"));
  CHECK_THAT(table.out, Contains("+ 1 spare"));
  CHECK(run_fleetsim("plan " + q(kAgentic) + kShortAgentic +
                     " --set 'plan={pools: {h100: {min: 0, max: 2, spares: -1}}}' --no-progress")
            .exit_code == 1);
}

TEST_CASE("The help lists the workflow commands and exit code 4", "[cli]") {
  const auto help = run_fleetsim("--help");
  for (const char* command : {"sweep", "merge", "compare", "plan", "capacity", "check", "diff"}) CHECK_THAT(help.out, Contains(command));
  CHECK_THAT(help.out, Contains("4 expectation violated"));
}
