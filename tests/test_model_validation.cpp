// `fleetsim validate-model`: the published-measurement suite in validation/
// runs, its fitted and check cases stay within their tolerances, and every
// simulated figure matches the table recorded in docs/validation.md (so a
// change of the model shows in that table's diff); the command itself reports
// drift, bad manifests and bad metrics, and rewrites only the marked block of
// a Markdown file.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>
#include <set>
#include <string>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "support/cli_runner.hpp"

using fleetsim::testing::read_file;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::temp_path;
using fleetsim::testing::write_temp_file;

namespace {

const std::string kValidationDir = std::string(FLEETSIM_SOURCE_DIR) + "/validation";

// A small scenario whose figures are known: one toy replica, 1 ms per
// iteration, 100-token calls, so TPOT is 1 ms.
std::string toy_scenario_yaml() {
  return R"(name: toy
hardware:
  toy:
    kind: gpu
    devices: 1
    peak_flops: {bf16: 1000000TFLOPS}
    memory_bandwidth: 1TB/s
    memory_capacity: 80GB
    efficiency: {compute: 1.0, memory: 1.0}
    power: {idle: 100W, memory_bound: 300W, compute_bound: 500W, host: 0W}
    price_per_hour: 1.0
models:
  toy-model: {params_total: 5e8, layers: 1, hidden_size: 8, attention_heads: 1, kv_heads: 1, head_dim: 8}
fleet:
  pools:
    - {name: solo, hardware: toy, count: 1, models: [toy-model], engine: {max_batch_size: 1}}
workloads:
  - name: bench
    arrivals: {process: constant, rate: 1/h}
    steps:
      - llm: {model: toy-model, prompt_tokens: 1, output_tokens: 100}
simulation:
  sessions: 1
)";
}

const std::string kToyTpot = "workloads.bench.tpot_s.mean";

// One case of a manifest on the toy scenario; `extra` adds keys to it.
std::string toy_case(const std::string& id, double published, const std::string& role,
                     const std::string& value = kToyTpot, const std::string& extra = "") {
  return fmt::format(R"(  - id: {}
    scenario: toy.yaml
    hardware: toy
    model: toy-model
    metric: TPOT s
    value: {}
    published: {}
    role: {}
    kind: latency
    source_id: hand
    source: hand computation
{})",
                     id, value, published, role, extra);
}

// The tolerances a hold-out takes from its role, as validation/cases.yaml gives them.
const std::string kRoleTolerances = R"(tolerances:
  fitted: 0.10
  holdout: {throughput: 0.15, latency: 0.25}
)";

// A manifest of one check case within 2%.
std::string manifest(double published, const std::string& value = kToyTpot, const std::string& extra = "") {
  return "cases:\n" + toy_case("toy-tpot", published, "check", value, "    tolerance: 0.02\n" + extra);
}

// A manifest fleetsim must refuse, with `fragment` in its message.
void check_refused(const std::string& file, const std::string& text, const std::string& fragment) {
  const auto r = run_fleetsim("validate-model '" + write_temp_file(file, text) + "'");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(fragment) != std::string::npos);
}

double summary_number(const std::string& out, const std::string& role, const std::string& what) {
  const std::regex line(role + R"(: (\d+) throughput/latency cases, median \|error\| ([0-9.]+)%, max ([0-9.]+)%, (\d+) above 35%)");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, line));
  if (what == "n") return std::stod(m[1]);
  if (what == "median") return std::stod(m[2]);
  if (what == "max") return std::stod(m[3]);
  return std::stod(m[4]);
}

}  // namespace

TEST_CASE("The published cases in validation/ run, fitted and check cases hold, figures match the record",
          "[validation][slow]") {
  const auto r = run_fleetsim("validate-model '" + kValidationDir + "' --jobs 2 --recorded '" +
                              std::string(FLEETSIM_SOURCE_DIR) + "/docs/validation.md'");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("every simulated figure matches") != std::string::npos);

  // Every case of the manifest was run and reported.
  const YAML::Node cases = YAML::LoadFile(kValidationDir + "/cases.yaml")["cases"];
  REQUIRE(cases.size() >= 30);
  std::set<std::string> roles, hardware;
  std::size_t holdouts = 0;
  for (const auto& c : cases) {
    const auto id = c["id"].as<std::string>();
    CHECK(r.out.find(id) != std::string::npos);
    roles.insert(c["role"].as<std::string>());
    hardware.insert(c["hardware"].as<std::string>());
    if (c["role"].as<std::string>() == "holdout") ++holdouts;
  }
  CHECK(roles.count("fitted") == 1);
  CHECK(holdouts >= 10);
  CHECK(hardware.size() >= 8);

  // Every throughput and latency case not used for fitting is counted.
  std::size_t not_fitted = 0;
  for (const auto& c : cases) {
    const auto role = c["role"].as<std::string>(), kind = c["kind"].as<std::string>();
    if ((role == "holdout" || role == "reference") && (kind == "throughput" || kind == "latency")) ++not_fitted;
  }
  const std::regex line(R"(not fitted \(holdout \+ reference\): (\d+) throughput/latency cases)");
  std::smatch m;
  REQUIRE(std::regex_search(r.out, m, line));
  CHECK(std::stoul(m[1]) == not_fitted);
  // The fit itself is tight: each fitted case within 10%.
  CHECK(summary_number(r.out, "fitted", "max") <= 10.0);
  // The recorded cross-validation is printed, and it was recorded for the
  // fitted cases the manifest declares now (else: a refit without a new cv).
  CHECK(r.out.find("cross-validated, leave one source out") != std::string::npos);
  CHECK(r.out.find("  throughput: ") != std::string::npos);
  CHECK(r.out.find("  latency: ") != std::string::npos);
  CHECK(r.out.find("note: recorded with") == std::string::npos);
}

TEST_CASE("validate-model --recorded prints the recorded cross-validation and says when it is stale",
          "[validation]") {
  write_temp_file("toy.yaml", toy_scenario_yaml());
  const std::string m = write_temp_file("cv-manifest.yaml", manifest(0.001));
  const std::string cv = R"(<!-- fit-catalog-cv:begin -->
| cases | n | median \|error\| | max | above 35% |
|---|---:|---:|---:|---:|
| all (out of fold) | 12 | 7.5% | 40.0% | 1 |
| throughput | 10 | 8.0% | 40.0% | 1 |
| latency | 2 | 3.0% | 4.0% | 0 |
| role fitted | 3 | 1.0% | 2.0% | 0 |

| fit | a |
|---|---:|
| all sources | 1 |
<!-- fit-catalog-cv:end -->
)";
  const std::string doc = write_temp_file("cv.md", "<!-- validate-model:begin -->\n<!-- validate-model:end -->\n" + cv);
  REQUIRE(run_fleetsim("validate-model '" + m + "' --write-doc '" + doc + "'").exit_code == 0);
  const auto r = run_fleetsim("validate-model '" + m + "' --recorded '" + doc + "'");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("  all (out of fold): 12 cases, median |error| 7.5%, max 40.0%, 1 above 35%") != std::string::npos);
  CHECK(r.out.find("  throughput: 10 cases, median |error| 8.0%") != std::string::npos);
  CHECK(r.out.find("  latency: 2 cases, median |error| 3.0%") != std::string::npos);
  // The toy manifest has no fitted case; the recording had 3.
  CHECK(r.out.find("note: recorded with 3 fitted cases, the suite now declares 0") != std::string::npos);
  // The parameters table after the summary is not read as summary rows.
  CHECK(r.out.find("all sources") == std::string::npos);
}

TEST_CASE("validate-model --recorded fails when a figure moved from the recorded table", "[validation]") {
  write_temp_file("toy.yaml", toy_scenario_yaml());
  const std::string m = write_temp_file("rec-manifest.yaml", manifest(0.001));
  const std::string doc = write_temp_file("rec.md", "<!-- validate-model:begin -->\n<!-- validate-model:end -->\n");
  REQUIRE(run_fleetsim("validate-model '" + m + "' --write-doc '" + doc + "'").exit_code == 0);
  const auto same = run_fleetsim("validate-model '" + m + "' --recorded '" + doc + "'");
  INFO(same.out << same.err);
  CHECK(same.exit_code == 0);
  // The toy's TPOT is 1 ms; record 1.1 ms instead.
  std::string text = read_file(doc);
  // The row reads "| 0.001 | 0.001 |": published, then simulated.
  const auto at = text.find("| 0.001 | 0.001 |");
  REQUIRE(at != std::string::npos);
  text.replace(at, 17, "| 0.001 | 0.0011 |");
  const std::string edited = write_temp_file("rec-edited.md", text);
  const auto moved = run_fleetsim("validate-model '" + m + "' --recorded '" + edited + "'");
  INFO(moved.out << moved.err);
  CHECK(moved.exit_code == 4);
  CHECK(moved.out.find("toy-tpot (0.0011 -> 0.001)") != std::string::npos);
}

TEST_CASE("validate-model takes tolerances from the role, and a hold-out outside it is reported, not failed",
          "[validation]") {
  write_temp_file("toy.yaml", toy_scenario_yaml());
  const std::string holdout = kRoleTolerances + "cases:\n" + toy_case("toy-holdout", 0.002, "holdout");
  const auto r = run_fleetsim("validate-model '" + write_temp_file("holdout.yaml", holdout) + "'");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("-50.0%") != std::string::npos);
  CHECK(r.out.find("±25%") != std::string::npos);
  CHECK(r.out.find("outside") != std::string::npos);
  CHECK(r.out.find("holdout: 1 throughput/latency cases, median |error| 50.0%, max 50.0%, 1 above 35%, 1 outside") !=
        std::string::npos);

  // A hold-out stating its own tolerance is refused: tolerances come from the role.
  std::string own = holdout;
  own.insert(own.find("    role: holdout"), "    tolerance: 0.6\n");
  const auto refused = run_fleetsim("validate-model '" + write_temp_file("own.yaml", own) + "'");
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("takes its tolerance from the role") != std::string::npos);
}

TEST_CASE("validate-model fails when a case drifts, and names the case", "[validation]") {
  write_temp_file("toy.yaml", toy_scenario_yaml());
  // 100 iterations of 1 GB at 1 TB/s: TPOT 1 ms.
  const std::string ok = write_temp_file("ok.yaml", manifest(0.001));
  const auto good = run_fleetsim("validate-model '" + ok + "'");
  INFO(good.out << good.err);
  CHECK(good.exit_code == 0);
  CHECK(good.out.find("toy-tpot") != std::string::npos);

  const std::string bad = write_temp_file("drift.yaml", manifest(0.0012));
  const auto drift = run_fleetsim("validate-model '" + bad + "'");
  INFO(drift.out << drift.err);
  CHECK(drift.exit_code == 4);
  CHECK(drift.out.find("DRIFT") != std::string::npos);
  CHECK(drift.out.find("-16.7%") != std::string::npos);

  // A drift explained by a known issue is shown but does not fail.
  const std::string known =
      write_temp_file("known.yaml", manifest(0.0012, kToyTpot, "    known_issue: reported\n"));
  const auto k = run_fleetsim("validate-model '" + known + "'");
  CHECK(k.exit_code == 0);
  CHECK(k.out.find("KNOWN ISSUE") != std::string::npos);
}

TEST_CASE("validate-model evaluates metric expressions and reports bad ones", "[validation]") {
  write_temp_file("toy.yaml", toy_scenario_yaml());
  // 1 / TPOT = 1000 tok/s; by name and by index; with a subtraction.
  const auto a = run_fleetsim("validate-model '" +
                              write_temp_file("expr1.yaml", manifest(1000, "1 / workloads.bench.tpot_s.mean")) + "'");
  CHECK(a.exit_code == 0);
  const auto b = run_fleetsim(
      "validate-model '" + write_temp_file("expr2.yaml", manifest(0.5, "workloads.0.tpot_s.mean * 1000 - 0.5")) + "'");
  CHECK(b.exit_code == 0);
  const auto c = run_fleetsim(
      "validate-model '" + write_temp_file("expr3.yaml", manifest(1, "workloads.nosuch.tpot_s.mean")) + "'");
  CHECK(c.exit_code == 4);
  CHECK(c.out.find("ERROR") != std::string::npos);
  CHECK(c.out.find("nosuch") != std::string::npos);
}

TEST_CASE("validate-model rejects a malformed manifest", "[validation]") {
  write_temp_file("toy.yaml", toy_scenario_yaml());
  check_refused("m1.yaml", manifest(0.001, kToyTpot, "    colour: red\n"), "unknown key 'colour'");
  std::string no_source = manifest(0.001);
  no_source.replace(no_source.find("    source: hand computation\n"), 29, "");
  check_refused("m2.yaml", no_source, "missing key 'source'");
}

TEST_CASE("validate-model --write-doc replaces only the marked block", "[validation]") {
  write_temp_file("toy.yaml", toy_scenario_yaml());
  const std::string m = write_temp_file("doc-manifest.yaml", manifest(0.001));
  const std::string doc = write_temp_file(
      "doc.md", "# Title\nbefore\n<!-- validate-model:begin -->\nold table\n<!-- validate-model:end -->\nafter\n");
  const auto r = run_fleetsim("validate-model '" + m + "' --write-doc '" + doc + "'");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string text = read_file(doc);
  CHECK(text.find("# Title\nbefore\n<!-- validate-model:begin -->\n") == 0);
  CHECK(text.find("old table") == std::string::npos);
  CHECK(text.find("| toy-tpot | toy | toy-model |") != std::string::npos);
  CHECK(text.find("- `toy-tpot`: hand computation") != std::string::npos);
  const std::string tail = "<!-- validate-model:end -->\nafter\n";
  REQUIRE(text.size() > tail.size());
  CHECK(text.substr(text.size() - tail.size()) == tail);

  const std::string plain = write_temp_file("plain.md", "no markers here\n");
  const auto no_markers = run_fleetsim("validate-model '" + m + "' --write-doc '" + plain + "'");
  CHECK(no_markers.exit_code == 1);
  CHECK(read_file(plain) == "no markers here\n");
}

TEST_CASE("validate-model stops a case past --timeout and reports it as not run", "[validation]") {
  // A long toy run: two million sessions, several seconds of simulation.
  std::string slow = toy_scenario_yaml();
  slow.replace(slow.find("sessions: 1"), 11, "sessions: 2000000");
  slow.replace(slow.find("rate: 1/h"), 9, "rate: 1000/s");
  write_temp_file("toy.yaml", slow);
  const auto r = run_fleetsim("validate-model '" + write_temp_file("slow.yaml", manifest(0.001)) + "' --timeout 0.2");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.out.find("ERROR") != std::string::npos);
  CHECK(r.out.find("timed out after") != std::string::npos);
  write_temp_file("toy.yaml", toy_scenario_yaml());  // as the other tests expect it
}

TEST_CASE("validate-model counts the cases beyond 35% and lists those that name no missing mechanism",
          "[validation]") {
  write_temp_file("toy.yaml", toy_scenario_yaml());
  // The toy's TPOT is 1 ms: published 2 ms is -50%, published 1.1 ms -9%.
  const std::string gap = "    gap: toy-gap\n";
  const auto manifest_text = [&](const std::string& unnamed_extra) {
    return kRoleTolerances + R"(gaps:
  toy-gap:
    mechanism: "A mechanism the toy lacks."
    evidence: "Its TPOT is half the published one."
cases:
)" + toy_case("named", 0.002, "holdout", kToyTpot, gap) +
           toy_case("unnamed", 0.002, "holdout", kToyTpot, unnamed_extra) +
           toy_case("near", 0.0011, "holdout", kToyTpot, gap) +
           toy_case("ref", 0.002, "reference", kToyTpot, "    note: \"a mechanism named in its note\"\n");
  };
  const std::string path = write_temp_file("gaps.yaml", manifest_text(""));
  const auto r = run_fleetsim("validate-model '" + path + "'");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  // Three beyond 35% (the near one is not); the reference names its mechanism in its note.
  CHECK(r.out.find("not fitted, above 35%: 3 cases, 2 naming the mechanism the model lacks (a gap, or a reference "
                   "case's note); without one: unnamed\n") != std::string::npos);

  // The doc lists each gap with the cases naming it, the ones beyond 35% in bold.
  const std::string doc = write_temp_file("gaps-doc.md", "<!-- validate-model:begin -->\n<!-- validate-model:end -->\n");
  REQUIRE(run_fleetsim("validate-model '" + path + "' --write-doc '" + doc + "'").exit_code == 0);
  const std::string md = read_file(doc);
  CHECK(md.find("- `toy-gap`: A mechanism the toy lacks. Cases: **named -50.0%**, near -9.1%.") != std::string::npos);
  // The recorded figures are still read from the table, not from the list.
  const auto again = run_fleetsim("validate-model '" + path + "' --recorded '" + doc + "'");
  CHECK(again.exit_code == 0);

  // With every case named, nothing is listed.
  const auto named = run_fleetsim("validate-model '" + write_temp_file("gaps-all.yaml", manifest_text(gap)) + "'");
  CHECK(named.out.find("not fitted, above 35%: 3 cases, 3 naming") != std::string::npos);
  CHECK(named.out.find("without one: none") != std::string::npos);
}

TEST_CASE("validate-model refuses a gap no entry defines and an entry without its evidence", "[validation]") {
  write_temp_file("toy.yaml", toy_scenario_yaml());
  check_refused("gap1.yaml", manifest(0.001, kToyTpot, "    gap: nosuch\n"),
                "cases[0] (toy-tpot): gap 'nosuch' is not one of the manifest's `gaps:`");
  check_refused("gap2.yaml", "gaps:\n  bare:\n    mechanism: \"something\"\n" + manifest(0.001, kToyTpot, "    gap: bare\n"),
                "gaps.bare: missing key 'evidence'");
  check_refused("gap3.yaml", "gaps:\n  odd:\n    mechanism: \"m\"\n    evidence: \"e\"\n    fix: \"f\"\n" + manifest(0.001),
                "gaps.odd: unknown key 'fix'");
}

TEST_CASE("Every gap of validation/cases.yaml states its evidence and is named by a case", "[validation]") {
  const YAML::Node root = YAML::LoadFile(kValidationDir + "/cases.yaml");
  REQUIRE(root["gaps"]);
  std::set<std::string> named;
  for (const auto& c : root["cases"])
    if (c["gap"]) named.insert(c["gap"].as<std::string>());
  for (const auto& g : root["gaps"]) {
    const auto id = g.first.as<std::string>();
    INFO(id);
    CHECK(named.count(id) == 1);
    CHECK(g.second["mechanism"].as<std::string>().size() > 40);
    CHECK(g.second["evidence"].as<std::string>().size() > 40);
  }
}
