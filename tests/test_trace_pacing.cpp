// Pacing a replayed agent trace (docs/scenario-format.md, "Pacing"): the rules
// on a toy fleet with times worked out by hand, the reader's think and gap
// columns and their refusals, the warning when a timestamp replay falls
// behind, and the SWE-bench mini-swe-agent trace replayed against its own
// per-session table (docs/scenario-format.md, "Validation of the SWE-bench
// replay").
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "../src/io/request_trace_reader.hpp"
#include "support/cli_runner.hpp"
#include "support/toy_fleet.hpp"
#include "support/trace_fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

const std::string kShipped = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/";
const double kNoGap = std::nan("");

// One recorded session of three toy calls: prompts 100, 160, 200 and outputs
// 10, 5, 4, recorded at `at` and followed by `gaps`.
std::shared_ptr<const RequestTrace> toy_trace(TracePacing pacing, bool gap_from_start, std::vector<double> at,
                                              std::vector<double> gaps) {
  RequestTrace t;
  t.file = "toy.csv";
  t.models = {"toy"};
  const long prompt[] = {100, 160, 200}, output[] = {10, 5, 4};
  for (std::size_t i = 0; i < 3; ++i) {
    RequestTrace::Call c;
    c.arrival_s = at[i];
    c.prompt_tokens = prompt[i];
    c.output_tokens = output[i];
    c.row = static_cast<std::uint32_t>(i + 2);
    t.calls.push_back(c);
  }
  t.session_begin = {0, 3};
  t.pacing = pacing;
  t.gap_from_start = gap_from_start;
  if (pacing == TracePacing::think_time) t.gap_after_s = std::move(gaps);
  return std::make_shared<const RequestTrace>(std::move(t));
}

Scenario replaying(std::shared_ptr<const RequestTrace> trace, int replicas = 1) {
  Scenario sc = toy_scenario(1, replicas, {});
  sc.workloads[0].arrivals.kind = ArrivalProcess::Kind::trace;
  sc.workloads[0].arrivals.trace = std::move(trace);
  return sc;
}

// Each call's time on one toy replica: the cached context is read, not
// computed, but touches the same KV (tests/test_fleet_model.cpp).
const double t0 = toy_call_s(100, 10), t1 = toy_call_s(160, 5), t2 = toy_call_s(200, 4);

}  // namespace

TEST_CASE("timestamp pacing issues a call at its recorded time, or late when its predecessor runs on",
          "[trace][pacing]") {
  // Recorded at 0, 1 s and 1.005 s: the third is due before the second
  // (about 15 ms) has ended.
  const Scenario sc = replaying(toy_trace(TracePacing::timestamp, false, {0.0, 1.0, 1.005}, {}));
  FleetModel fleet(sc);
  ToyDriver driver(fleet);
  driver.arrive(0.0, 0);
  driver.run();
  REQUIRE(t1 > 0.005);
  REQUIRE(driver.session_ends.size() == 1);
  CHECK(driver.session_ends[0] == exactly(1.0 + t1 + t2));
  const WorkloadMetrics& m = fleet.metrics().workloads[0];
  CHECK(m.llm_calls == 3);
  CHECK(m.trace_calls == 2);       // the first call of a session is never late
  CHECK(m.trace_calls_late == 1);  // the second waited for its time; the third for the second
  CHECK(m.trace_late_total_s == Approx(1.0 + t1 - 1.005).margin(1e-12));
  CHECK(m.trace_late_max_s == m.trace_late_total_s);
}

TEST_CASE("think_time pacing with a think column issues each call its gap after the previous one ends",
          "[trace][pacing]") {
  // The recorded times of later calls are not used: only the start.
  const Scenario sc = replaying(toy_trace(TracePacing::think_time, false, {2.0, 50.0, 60.0}, {0.5, 0.25, kNoGap}));
  FleetModel fleet(sc);
  ToyDriver driver(fleet);
  driver.arrive(2.0, 0);
  driver.run();
  REQUIRE(driver.session_ends.size() == 1);
  CHECK(driver.session_ends[0] == exactly(2.0 + t0 + 0.5 + t1 + 0.25 + t2));
  const WorkloadMetrics& m = fleet.metrics().workloads[0];
  CHECK(m.trace_calls == 2);
  CHECK(m.trace_calls_late == 0);  // a gap from the end can never be missed
  CHECK(m.session_latency_s.mean() == exactly(t0 + 0.5 + t1 + 0.25 + t2));
}

TEST_CASE("think_time pacing with a start-to-start gap waits for the later of start + gap and the end",
          "[trace][pacing]") {
  // 0.5 s after the first call's start, which has ended by then (t0 is about
  // 30 ms); 1 ms after the second's, which has not: the third follows its end.
  const Scenario sc = replaying(toy_trace(TracePacing::think_time, true, {0.0, 9.0, 9.0}, {0.5, 0.001, kNoGap}));
  FleetModel fleet(sc);
  ToyDriver driver(fleet);
  driver.arrive(0.0, 0);
  driver.run();
  REQUIRE(t0 < 0.5);
  REQUIRE(t1 > 0.001);
  REQUIRE(driver.session_ends.size() == 1);
  CHECK(driver.session_ends[0] == exactly(0.5 + t1 + t2));
  const WorkloadMetrics& m = fleet.metrics().workloads[0];
  CHECK(m.trace_calls == 2);
  CHECK(m.trace_calls_late == 1);
  CHECK(m.trace_late_total_s == Approx(t1 - 0.001).margin(1e-12));
}

namespace {

TraceOptions paced_options(TracePacing pacing) {
  TraceOptions o;
  o.default_model = "m";
  o.pacing = pacing;
  return o;
}

std::string errors_of(const std::string& text, const TraceMapping& m, const TraceOptions& o) {
  std::vector<Diagnostic> ds;
  CHECK_FALSE(parse_request_trace(text, "x.csv", m, o, ds));
  std::string all;
  for (const auto& d : ds) all += d.format() + "\n";
  return all;
}

}  // namespace

TEST_CASE("the reader takes gaps per call, sessions in any order, and orders them by their start",
          "[trace][pacing]") {
  const std::string text = "id,t,p,o,gap\nb,10,100,5,2\nb,14,150,5,\na,3,80,4,1.5\na,5,90,4,\n";
  std::vector<Diagnostic> ds;
  const auto t = parse_request_trace(text, "x.csv", session_mapping(), paced_options(TracePacing::think_time), ds);
  REQUIRE(ds.empty());
  REQUIRE(t);
  REQUIRE(t->session_begin == std::vector<std::uint32_t>{0, 2, 4});
  CHECK(t->calls[0].row == 4);  // a starts first, at t = 0
  CHECK(t->calls[0].arrival_s == 0.0);
  CHECK(t->calls[2].arrival_s == 7.0);
  CHECK(t->pacing == TracePacing::think_time);
  CHECK(t->gap_from_start);
  REQUIRE(t->gap_after_s.size() == 4);
  CHECK(t->gap_after_s[0] == 1.5);
  CHECK(t->gap_after_s[2] == 2.0);
  CHECK(std::isnan(t->gap_after_s[3]));

  // rate_scale divides the gaps like every recorded time.
  TraceOptions twice = paced_options(TracePacing::think_time);
  twice.rate_scale = 2.0;
  ds.clear();
  const auto fast = parse_request_trace(text, "x.csv", session_mapping(), twice, ds);
  REQUIRE(fast);
  CHECK(fast->gap_after_s[0] == 0.75);
  CHECK(fast->calls[2].arrival_s == 3.5);

  // JSON lines: a think key, absent on the session's last call.
  TraceMapping json = session_mapping();
  json.kind = TraceFileKind::jsonl;
  json.gap.clear();
  json.think = "th";
  ds.clear();
  const auto lines = parse_request_trace(
      "{\"t\": 0, \"id\": \"a\", \"p\": 10, \"o\": 2, \"th\": 0.5}\n{\"t\": 1, \"id\": \"a\", \"p\": 12, \"o\": 2}\n",
      "y.jsonl", json, paced_options(TracePacing::think_time), ds);
  REQUIRE(ds.empty());
  REQUIRE(lines);
  CHECK_FALSE(lines->gap_from_start);
  CHECK(lines->gap_after_s[0] == 0.5);

  // Timestamp pacing neither reads nor needs the gap column.
  ds.clear();
  const auto plain = parse_request_trace("id,t,p,o\nb,10,100,5\na,3,80,4\n", "x.csv", session_mapping(),
                                         paced_options(TracePacing::timestamp), ds);
  REQUIRE(plain);
  CHECK(plain->gap_after_s.empty());
  CHECK(plain->calls[0].row == 3);
}

TEST_CASE("bad gaps and times are refused at their line and column, with the column's name",
          "[trace][pacing]") {
  const TraceOptions o = paced_options(TracePacing::think_time);
  CHECK_THAT(errors_of("id,t,p,o,gap\nb,10,100,5,-1\nb,14,150,5,\n", session_mapping(), o),
             Contains("x.csv:2:12: error: column \"gap\" (gap): expected a gap in seconds >= 0, found \"-1\"\n"
                      "  hint: the time from this call's start to the session's next call"));
  CHECK_THAT(errors_of("id,t,p,o,gap\nb,10,100,5,\nb,14,150,5,\n", session_mapping(), o),
             Contains("x.csv:2:12: error: column \"gap\" (gap): expected a gap in seconds >= 0 before the "
                      "session's next call (line 3), found an empty cell"));
  CHECK_THAT(errors_of("id,t,p,o,gap\nb,10,100,5,1\nb,9,150,5,\n", session_mapping(), o),
             Contains("x.csv:3:3: error: column \"t\" (time): expected a time at or after the session's previous "
                      "row's (line 2), found \"9\""));
  TraceMapping think = session_mapping();
  think.gap.clear();
  think.think = "gap";
  CHECK_THAT(errors_of("id,t,p,o,gap\nb,10,100,5,x\nb,14,150,5,\n", think, o),
             Contains("x.csv:2:12: error: column \"gap\" (think): expected a gap in seconds >= 0, found \"x\""));
  TraceMapping missing = session_mapping();
  missing.gap = "think_s";
  CHECK_THAT(errors_of("id,t,p,o,gap\nb,10,100,5,1\n", missing, o),
             Contains("x.csv:1:1: error: no column \"think_s\" (gap) in the header"));
}

namespace {

// A scenario replaying `csv` (written beside it) with the trace keys given.
LoadResult load_paced(const std::string& csv, const std::string& trace_keys,
                      const std::string& columns = "{time: t, session: id, prompt_tokens: p, output_tokens: o}") {
  write_temp_file("pacing.csv", csv);
  const std::string yaml = "name: p\n"
                           "fleet:\n"
                           "  pools: [{name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}]\n"
                           "workloads:\n"
                           "  - name: replay\n"
                           "    trace:\n"
                           "      file: pacing.csv\n"
                           "      format: csv\n"
                           "      model: llama-3.1-8b\n"
                           "      columns: " + columns + "\n" + trace_keys + "simulation: {seed: 1}\n";
  return load_scenario_text(yaml, temp_path("p.yaml"));
}

std::string diagnostics_of(const LoadResult& r) {
  std::string text;
  for (const auto& d : r.diagnostics) text += d.format() + "\n";
  return text;
}

}  // namespace

TEST_CASE("a scenario's pacing is checked at its key: the word, and the column it needs", "[trace][pacing]") {
  const std::string csv = "t,id,p,o\n0,a,100,5\n1,a,200,5\n";
  const LoadResult unknown = load_paced(csv, "      pacing: think\n");
  CHECK_FALSE(unknown.scenario);
  CHECK_THAT(diagnostics_of(unknown), Contains("p.yaml:11:15: error: workloads[0].trace.pacing:"));
  CHECK_THAT(diagnostics_of(unknown), Contains("think_time"));

  const LoadResult no_column = load_paced(csv, "      pacing: think_time\n");
  CHECK_FALSE(no_column.scenario);
  CHECK_THAT(diagnostics_of(no_column),
             Contains("p.yaml:11:15: error: workloads[0].trace.pacing: think_time pacing needs the gap after each "
                      "call, and no column gives it\n  hint: map one in columns: `think`"));

  const LoadResult ok = load_paced("t,id,p,o,th\n0,a,100,5,1\n1,a,200,5,\n", "      pacing: think_time\n",
                                   "{time: t, session: id, prompt_tokens: p, output_tokens: o, think: th}");
  INFO(diagnostics_of(ok));
  CHECK(ok.scenario);
}

namespace {

nlohmann::json run_pacing_json(const std::string& scenario, std::string* err = nullptr) {
  const auto r = run_fleetsim("run '" + scenario + "' --format json --no-progress");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  if (err) *err = r.err;
  return nlohmann::json::parse(r.out);
}

// One agent session whose three calls were recorded a millisecond apart,
// each generating 400 tokens: no fleet answers that fast.
std::string rushed_scenario(const std::string& pacing_keys) {
  write_temp_file("rushed.csv", "t,id,p,o,think\n0,a,1000,400,1\n0.001,a,1200,400,1\n0.002,a,1400,400,\n");
  return write_temp_file("rushed-" + std::to_string(pacing_keys.size()) + ".yaml", R"(name: rushed
fleet:
  pools: [{name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}]
workloads:
  - name: agent
    trace:
      file: rushed.csv
      format: csv
      model: llama-3.1-8b
      columns: {time: t, session: id, prompt_tokens: p, output_tokens: o, think: think}
)" + pacing_keys + "simulation: {seed: 1}\n");
}

}  // namespace

TEST_CASE("a timestamp replay the fleet falls behind warns, with how many calls and by how much",
          "[trace][pacing][end-to-end]") {
  std::string err;
  const auto r = run_pacing_json(rushed_scenario(""), &err);
  const auto& t = r["workloads"][0]["trace_replay"];
  CHECK(t["pacing"] == "timestamp");
  CHECK(t["calls_issued"] == 2);
  CHECK(t["calls_late"] == 2);
  CHECK(t["late_max_s"].get<double>() > 1.0);  // 400 tokens of decode take seconds
  CHECK_THAT(err, Contains("rushed-0.yaml:7:7: warning: workloads[0].trace: the fleet fell behind the recorded "
                           "timestamps: 2 of 2 later calls were issued late"));
  CHECK_THAT(err, Contains("hint: a larger or faster fleet keeps to the trace; pacing: think_time"));

  // Think-time pacing: each call a second after the previous one ends; nothing is late.
  const auto paced = run_pacing_json(rushed_scenario("      pacing: think_time\n"), &err);
  const auto& p = paced["workloads"][0]["trace_replay"];
  CHECK(p["pacing"] == "think_time");
  CHECK(p["calls_late"] == 0);
  CHECK_THAT(err, !Contains("warning"));
  const double session = paced["workloads"][0]["session_latency_s"]["mean"].get<double>();
  CHECK(session > 2.0 + 3 * 400 * 0.002);  // two thinks and three decodes of 400 tokens at >= 2 ms each
}

namespace {

struct SessionTotals {
  std::int64_t calls = 0;
  std::int64_t prompt = 0;
  std::int64_t output = 0;
  bool operator==(const SessionTotals&) const = default;
};

// The fleet model, recording each finished call by its session.
class RecordingFleet : public FleetModel {
 public:
  using FleetModel::FleetModel;
  void on_call_finished(const CallOutcome& out) override {
    SessionTotals& s = by_key[out.request.session_key];
    ++s.calls;
    s.prompt += out.request.prompt_tokens;
    s.output += out.generated_tokens;
    FleetModel::on_call_finished(out);
  }
  std::map<std::uint64_t, SessionTotals> by_key;
};

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace

TEST_CASE("the SWE-bench replay makes each session's calls with its tokens, exactly as its sessions table says",
          "[trace][pacing][validation]") {
  const std::string calls_csv = kShipped + "traces/swebench_gemini3pro_minisweagent_calls.csv";
  std::vector<Diagnostic> ds;
  TraceOptions o = paced_options(TracePacing::think_time);
  o.default_model = "toy";
  auto trace = read_request_trace(calls_csv, *trace_preset("mini-swe-agent"), o, ds);
  REQUIRE(ds.empty());
  REQUIRE(trace);
  REQUIRE(trace->sessions() == 500);
  const auto shared = std::make_shared<const RequestTrace>(std::move(*trace));

  // An ample toy fleet (eight replicas, no memory pressure): every call runs.
  const Scenario sc = replaying(shared, 8);
  RecordingFleet fleet(sc);
  ToyDriver driver(fleet);
  for (std::uint32_t k = 0; k < 500; ++k) driver.arrive(shared->start_s({k, 0.0}), 0);
  driver.run();
  REQUIRE(driver.session_ends.size() == 500);

  // The k-th session started is key k + 1 and replays the k-th recorded one;
  // its first call's line names its instance.
  const auto calls = read_csv(calls_csv);
  std::map<std::string, SessionTotals> simulated;
  for (std::uint32_t k = 0; k < 500; ++k) {
    const std::uint32_t line = shared->calls[shared->session_begin[k]].row;
    simulated[calls[line - 1][0]] = fleet.by_key.at(k + 1);
  }
  const auto table = read_csv(kShipped + "traces/swebench_gemini3pro_minisweagent_sessions.csv");
  REQUIRE(table[0][0] == "instance_id");
  REQUIRE(table[0][1] == "n_calls");
  REQUIRE(table[0][4] == "sum_prompt_tokens");
  REQUIRE(table[0][5] == "sum_completion_tokens");
  REQUIRE(table.size() == 501);
  std::size_t exact = 0;
  for (std::size_t i = 1; i < table.size(); ++i) {
    const SessionTotals want{std::stoll(table[i][1]), std::stoll(table[i][4]), std::stoll(table[i][5])};
    INFO(table[i][0]);
    REQUIRE(simulated.count(table[i][0]) == 1);
    CHECK(simulated[table[i][0]] == want);
    exact += simulated[table[i][0]] == want;
  }
  CHECK(exact == 500);
}

// The tolerance was stated before the first run (docs/scenario-format.md,
// "Validation of the SWE-bench replay"): on a fleet that keeps up, a
// start-to-start gap replays each session's recorded rhythm, adding only the
// last call's latency and the few calls the simulated model takes longer
// than their recorded gap; 5% either way on the trace's p50 and p90.
TEST_CASE("the SWE-bench replay under think-time pacing keeps the trace's session times within 5%",
          "[trace][pacing][validation][end-to-end]") {
  std::string err;
  const auto r = run_pacing_json(kShipped + "swebench-agents.yaml", &err);
  const auto& w = r["workloads"][0];
  CHECK(w["sessions_completed"] == 500);
  CHECK(w["llm_calls"] == 20163);
  CHECK(w["llm_calls_failed"] == 0);
  CHECK(w["prompt_tokens"].get<double>() == 333047929.0);  // the sessions table's sums
  CHECK(w["output_tokens"].get<double>() == 5556752.0);
  const double p50 = w["session_latency_s"]["p50"].get<double>();
  const double p90 = w["session_latency_s"]["p90"].get<double>();
  WARN("simulated session p50 " << p50 << " s (trace 225 s), p90 " << p90 << " s (trace 467 s); "
                                << w["trace_replay"]["calls_late"] << " of " << w["trace_replay"]["calls_issued"]
                                << " later calls after their recorded gap");
  CHECK(p50 == Approx(225.0).epsilon(0.05));
  CHECK(p90 == Approx(467.0).epsilon(0.05));
}
