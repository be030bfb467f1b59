// Request-trace replay: the reader (both ready-made formats, a custom
// mapping, every refusal at its line and column) and the replay end to end
// (the report counts the trace's calls and tokens exactly, run after run).
#include <catch2/catch.hpp>

#include <cmath>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/arrival_process.hpp"
#include "fleetsim/io/input_limits.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "../src/io/request_trace_reader.hpp"
#include "support/cli_runner.hpp"
#include "support/report_run.hpp"
#include "support/trace_fixtures.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::all;
using fleetsim::testing::kTraces;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::run_scenario_json;
using fleetsim::testing::temp_path;
using fleetsim::testing::write_temp_file;

namespace {

RequestTrace read_ok(const std::string& file, const TraceMapping& m, const TraceOptions& o) {
  std::vector<Diagnostic> ds;
  auto t = read_request_trace(file, m, o, ds);
  INFO(all(ds));
  REQUIRE(t);
  REQUIRE(ds.empty());
  return std::move(*t);
}

// The errors parsing `text` as a CSV trace with columns t, p, o gives.
std::string csv_errors(const std::string& text, TraceTimeUnit unit = TraceTimeUnit::seconds) {
  TraceMapping m = *trace_preset("csv");
  m.time_unit = unit;
  m.time = "t";
  m.prompt_tokens = "p";
  m.output_tokens = "o";
  TraceOptions o;
  o.default_model = "m";
  std::vector<Diagnostic> ds;
  const auto t = parse_request_trace(text, "x.csv", m, o, ds);
  CHECK_FALSE(t);
  return all(ds);
}

TraceOptions with_model(const std::string& model) {
  TraceOptions o;
  o.default_model = model;
  return o;
}

}  // namespace

TEST_CASE("format azure-2023 reads the Azure 2023 CSV: datetimes, one call per session", "[trace]") {
  const RequestTrace t = read_ok(kTraces + "azure2023-code-first10.csv", *trace_preset("azure-2023"),
                                 with_model("llama-3.1-8b"));
  REQUIRE(t.calls.size() == 10);
  REQUIRE(t.sessions() == 10);
  REQUIRE(t.models == std::vector<std::string>{"llama-3.1-8b"});
  CHECK(t.calls[0].arrival_s == 0.0);
  CHECK(t.calls[0].prompt_tokens == 4808);
  CHECK(t.calls[0].output_tokens == 10);
  CHECK(t.calls[0].row == 2);
  // 18:17:04.0319600 - 18:17:03.9799600, and the last row, 18:17:05.2792970.
  CHECK(t.calls[1].arrival_s == Approx(0.052).margin(1e-9));
  CHECK(t.calls[9].arrival_s == Approx(1.299337).margin(1e-9));
  CHECK(t.calls[9].prompt_tokens == 201);
  CHECK(t.prefix_hashes.empty());
}

TEST_CASE("format mooncake reads JSON lines with millisecond times and prefix hashes", "[trace]") {
  const RequestTrace t = read_ok(kTraces + "mooncake-first40.jsonl", *trace_preset("mooncake"), with_model("m"));
  REQUIRE(t.calls.size() == 40);
  CHECK(t.calls[0].prompt_tokens == 6758);
  CHECK(t.calls[0].output_tokens == 500);
  CHECK(t.calls.back().arrival_s == 12.0);
  std::size_t hashes = 0;
  for (const auto& c : t.calls) {
    // Mooncake's blocks are 512 tokens: one hash per started block.
    CHECK(c.prefix_count == static_cast<std::uint32_t>((c.prompt_tokens + 511) / 512));
    hashes += c.prefix_count;
  }
  CHECK(t.prefix_hashes.size() == hashes);
  CHECK(t.prefix_hashes[t.calls[1].prefix_begin] == 0);  // every request starts with block 0
  CHECK(t.prefix_hashes[t.calls[1].prefix_begin + 1] == 14);
}

TEST_CASE("a custom mapping groups calls into sessions, in order, with a model per call", "[trace]") {
  const TraceMapping m = fleetsim::testing::agent_sessions_mapping();
  TraceOptions o = with_model("llama-3.1-8b");
  o.rate_scale = 2.0;
  const RequestTrace t = read_ok(kTraces + "agent-sessions.csv", m, o);
  REQUIRE(t.sessions() == 3);  // alpha, beta, gamma: in order of their first call
  REQUIRE(t.session_begin == std::vector<std::uint32_t>{0, 3, 5, 6});
  REQUIRE(t.models == std::vector<std::string>{"llama-3.1-8b", "llama-3.2-3b"});
  // alpha at 0, 1.5 s and 4 s, replayed twice as fast; its last row names no model.
  CHECK(t.calls[0].arrival_s == 0.0);
  CHECK(t.calls[1].arrival_s == 0.75);
  CHECK(t.calls[2].arrival_s == 2.0);
  CHECK(t.calls[2].model == 0);
  CHECK(t.calls[2].prompt_tokens == 1400);
  CHECK(t.calls[3].model == 1);  // beta
  CHECK(t.calls[3].arrival_s == 0.25);
  CHECK(t.calls[5].prefix_count == 0);  // gamma's empty cell
  CHECK(t.calls[1].prefix_count == 3);

  o.limit = 4;  // the first four rows: alpha's first two, beta's first, gamma
  const RequestTrace first = read_ok(kTraces + "agent-sessions.csv", m, o);
  CHECK(first.calls.size() == 4);
  CHECK(first.session_begin == std::vector<std::uint32_t>{0, 2, 3, 4});
}

TEST_CASE("a looping trace starts its sessions again, one round after another", "[trace]") {
  RequestTrace t = read_ok(kTraces + "azure2023-code-first10.csv", *trace_preset("azure-2023"), with_model("m"));
  ArrivalProcess once;
  once.kind = ArrivalProcess::Kind::trace;
  once.trace = std::make_shared<const RequestTrace>(t);
  ArrivalGenerator g(once, Rng(1, 1));
  std::vector<double> starts;
  for (double at = g.next_after(0.0); std::isfinite(at); at = g.next_after(at)) starts.push_back(at);
  REQUIRE(starts.size() == 10);
  CHECK(starts.front() == 0.0);

  t.loop_period_s = 2.0;
  ArrivalProcess looped = once;
  looped.trace = std::make_shared<const RequestTrace>(t);
  ArrivalGenerator h(looped, Rng(1, 1));
  for (int i = 0; i < 10; ++i) h.next_after(0.0);
  CHECK(h.next_after(0.0) == 2.0);
  CHECK(h.next_after(0.0) == Approx(2.052));
}

TEST_CASE("trace errors name the file, line and column, and what was found", "[trace]") {
  SECTION("a missing column, with did-you-mean") {
    const std::string e = csv_errors("t,prompt,o\n0,1,1\n");
    CHECK_THAT(e, Contains("x.csv:1:1: error: no column \"p\" (prompt_tokens) in the header"));
  }
  SECTION("a bad number") {
    const std::string e = csv_errors("t,p,o\n0,10,5\n1,ten,5\n");
    CHECK_THAT(e, Contains("x.csv:3:3: error: column \"p\" (prompt_tokens): expected a whole number of tokens "
                           "from 1 to 10000000, found \"ten\""));
  }
  SECTION("tokens out of range or fractional") {
    CHECK_THAT(csv_errors("t,p,o\n0,10,0\n"), Contains("x.csv:2:6: error: column \"o\" (output_tokens)"));
    CHECK_THAT(csv_errors("t,p,o\n0,1e8,1\n"), Contains("found \"1e8\""));
    CHECK_THAT(csv_errors("t,p,o\n0,2.5,1\n"), Contains("found \"2.5\""));
  }
  SECTION("decreasing, negative and malformed times") {
    CHECK_THAT(csv_errors("t,p,o\n5,1,1\n4.5,1,1\n"),
               Contains("x.csv:3:1: error: column \"t\" (time): expected a time at or after the previous row's "
                        "(line 2), found \"4.5\""));
    CHECK_THAT(csv_errors("t,p,o\n-1,1,1\n"), Contains("x.csv:2:1: error: column \"t\" (time): expected a time in "
                                                       "seconds >= 0, found \"-1\""));
    CHECK_THAT(csv_errors("t,p,o\nnan,1,1\n"), Contains("found \"nan\""));
    CHECK_THAT(csv_errors("t,p,o\n2023-02-30 00:00:00,1,1\n", TraceTimeUnit::datetime),
               Contains("x.csv:2:1: error: column \"t\" (time): expected a date and time"));
  }
  SECTION("the shape of the file") {
    CHECK_THAT(csv_errors("t,p,o\n1,2\n"), Contains("x.csv:2:1: error: expected 3 cells as in the header, found 2"));
    CHECK_THAT(csv_errors("t,p,o\n"), Contains("x.csv:1: error: the trace has no rows"));
    CHECK_THAT(csv_errors(""), Contains("x.csv: error: the file is empty"));
    CHECK_THAT(csv_errors("t,p,o\n0,\"1,1\n"), Contains("x.csv:2:3: error: a quoted cell does not close"));
    CHECK_THAT(csv_errors(std::string("t,p,o\n0,1", 9) + std::string(1, '\0') + ",1\n"),
               Contains("x.csv:2:4: error: the file contains a NUL byte"));
  }
  SECTION("a broken file is summed up after a screenful") {
    std::string text = "t,p,o\n";
    for (int i = 0; i < 100; ++i) text += "0,x,1\n";
    const std::string e = csv_errors(text);
    CHECK_THAT(e, Contains("more errors in this trace are not shown"));
    CHECK(std::count(e.begin(), e.end(), '\n') <= 30);
  }
  SECTION("JSON lines") {
    TraceMapping m = *trace_preset("mooncake");
    std::vector<Diagnostic> ds;
    CHECK_FALSE(parse_request_trace("{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 2, \"hash_ids\": [1]}\n"
                                    "{\"timestamp\": 3, \"input_length\": 5, \"output_length\": 2}\n"
                                    "{\"timestamp\": 3, \"input_length\": 5, \"output_length\": 2, \"hash_ids\": [-1]}\n"
                                    "{\"timestamp\": 3, \"input_length\": 5,\n",
                                    "y.jsonl", m, with_model("m"), ds));
    const std::string e = all(ds);
    CHECK_THAT(e, Contains("y.jsonl:2:1: error: the row has no \"hash_ids\" (prefix_hashes)"));
    CHECK_THAT(e, Contains("y.jsonl:3:57: error: column \"hash_ids\" (prefix_hashes): expected a list of whole "
                           "numbers >= 0, found [-1]"));
    CHECK_THAT(e, Contains("y.jsonl:4:"));
    CHECK_THAT(e, Contains("not a JSON object on one line"));
  }
}

TEST_CASE("a trace file over the size limit is refused before it is read", "[trace]") {
  const std::string big = temp_path("big.csv");
  { std::ofstream(big) << "t,p,o\n"; }
  std::filesystem::resize_file(big, limits::kMaxTraceFileBytes + 1);  // sparse: costs no disk
  std::vector<Diagnostic> ds;
  CHECK_FALSE(read_request_trace(big, *trace_preset("azure-2023"), with_model("m"), ds));
  REQUIRE(ds.size() == 1);
  CHECK_THAT(ds[0].format(), Contains("cannot read the trace file: it is 256.0 MiB, larger than the 256 MiB limit"));
}

namespace {

// A scenario replaying the test trace `trace` (copied beside it) on one H100
// node serving both test models, with the `trace:` map's other keys.
std::string trace_scenario(const std::string& trace, const std::string& trace_keys,
                           const std::string& simulation = "{seed: 7}") {
  const std::string copy = temp_path(trace);
  std::filesystem::copy_file(kTraces + trace, copy, std::filesystem::copy_options::overwrite_existing);
  return write_temp_file("replay-" + trace + ".yaml", R"(name: replay
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b, llama-3.2-3b],
       engine: {kv_retention: lru}}
routing:
  - {model: llama-3.1-8b, pools: [gpu], policy: session_affinity}
workloads:
  - name: replay
    trace: {file: )" + trace + ", " + trace_keys + R"(}
simulation: )" + simulation + "\n");
}

}  // namespace

TEST_CASE("a replayed trace's calls and tokens are the report's, exactly, and the run is deterministic",
          "[trace][end-to-end]") {
  const std::string scenario = trace_scenario("azure2023-code-first10.csv", "format: azure-2023, model: llama-3.1-8b");
  std::string first, second;
  const auto r = run_scenario_json(scenario, &first);
  run_scenario_json(scenario, &second);
  CHECK(first == second);
  const auto& w = r["workloads"][0];
  CHECK(w["sessions_started"] == 10);
  CHECK(w["sessions_completed"] == 10);
  CHECK(w["llm_calls"] == 10);
  CHECK(w["tool_calls"] == 0);
  // The sums of ContextTokens and GeneratedTokens over the ten rows.
  CHECK(w["prompt_tokens"].get<double>() == 4808 + 3180 + 110 + 7433 + 34 + 374 + 6985 + 34 + 1145 + 201);
  CHECK(w["output_tokens"].get<double>() == 10 + 8 + 27 + 14 + 12 + 14 + 9 + 23 + 7 + 24);
  // No duration: the run lasts until the last call ends, after the last arrival.
  CHECK(r["run"]["simulated_end_s"].get<double>() > 1.299337);
}

TEST_CASE("a replayed session's calls run in order, each prompt as recorded, its context reused",
          "[trace][end-to-end]") {
  const std::string scenario = trace_scenario(
      "agent-sessions.csv",
      "format: csv, model: llama-3.1-8b, time_unit: ms, columns: {time: t_ms, session: session, model: model, "
      "prompt_tokens: prompt, output_tokens: output}");
  const auto r = run_scenario_json(scenario);
  const auto& w = r["workloads"][0];
  CHECK(w["sessions_completed"] == 3);
  CHECK(w["llm_calls"] == 6);
  CHECK(w["prompt_tokens"].get<double>() == 1000 + 400 + 1200 + 300 + 450 + 1400);
  CHECK(w["output_tokens"].get<double>() == 50 + 20 + 80 + 10 + 30 + 40);
  // alpha's second and third calls find its earlier context (1000 + 50 and
  // 1200 + 80 tokens) on the replica, so need no prefill for it.
  CHECK(w["prefill_tokens"].get<double>() <= 4750 - (1000 + 50) - (1200 + 80));
  // alpha's last call is due at 4 s.
  CHECK(r["run"]["simulated_end_s"].get<double>() > 4.0);
}

TEST_CASE("rate_scale, limit, loop and a duration shape the replay", "[trace][end-to-end]") {
  const std::string base = "format: azure-2023, model: llama-3.1-8b";
  const auto limited = run_scenario_json(trace_scenario("azure2023-code-first10.csv", base + ", limit: 4"));
  CHECK(limited["workloads"][0]["llm_calls"] == 4);
  const auto fast = run_scenario_json(trace_scenario("azure2023-code-first10.csv", base + ", rate_scale: 100"));
  CHECK(fast["workloads"][0]["llm_calls"] == 10);
  // Looping for 10 s: a round is 1.299337 s * 10/9 = 1.44371 s, so the
  // seventh round starts at 8.66 s and ends its starts at 9.96 s.
  const auto looped =
      run_scenario_json(
          trace_scenario("azure2023-code-first10.csv", base + ", loop: true", "{duration: 10s, seed: 7}"));
  CHECK(looped["workloads"][0]["sessions_started"] == 70);
}

TEST_CASE("a window of the recorded time and a sample of the sessions shape the replay", "[trace][end-to-end]") {
  const std::string base = "format: azure-2023, model: llama-3.1-8b";
  // The ten calls arrive 0, 0.052, 0.098, 0.141, 0.445, 0.539, 0.699, 1.016,
  // 1.299 and 1.299 s after the first: 0.4 s to 1.1 s holds the fifth to the
  // eighth (34 + 374 + 6985 + 34 prompt tokens), the fifth replayed at 0.
  const auto window = run_scenario_json(
      trace_scenario("azure2023-code-first10.csv", base + ", window: {from: 0.4s, to: 1.1s}"));
  CHECK(window["workloads"][0]["llm_calls"] == 4);
  CHECK(window["workloads"][0]["prompt_tokens"].get<double>() == 34 + 374 + 6985 + 34);
  CHECK(window["run"]["simulated_end_s"].get<double>() < 1.016 - 0.445 + 1.0);
  // The window is in recorded time: twice as fast, the same four calls.
  const auto fast = run_scenario_json(
      trace_scenario("azure2023-code-first10.csv", base + ", rate_scale: 2, window: {from: 0.4s, to: 1.1s}"));
  CHECK(fast["workloads"][0]["prompt_tokens"].get<double>() == 34 + 374 + 6985 + 34);
  // A sample of 4 of the 10 sessions: every 2.5th, sessions 0, 2, 5 and 7.
  const auto sample = run_scenario_json(trace_scenario("azure2023-code-first10.csv", base + ", sample: 4"));
  CHECK(sample["workloads"][0]["llm_calls"] == 4);
  CHECK(sample["workloads"][0]["prompt_tokens"].get<double>() == 4808 + 110 + 374 + 34);
  // A window with no session in it is an error at the window.
  const auto empty = run_fleetsim(
      "validate '" + trace_scenario("azure2023-code-first10.csv", base + ", window: {from: 1h}") + "'");
  CHECK(empty.exit_code == 1);
  CHECK_THAT(empty.err, Catch::Matchers::Contains("no session of the trace starts in the window"));
}

TEST_CASE("a scenario's trace problems are reported at the trace's line and column, and the run exits 1",
          "[trace][loader]") {
  const std::string bad = write_temp_file("bad-trace.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                                           "2023-11-16 18:17:04.0,10,5\n"
                                                           "2023-11-16 18:17:03.0,10,5\n");
  const std::string scenario = write_temp_file("bad-trace.yaml", R"(name: bad
fleet:
  pools: [{name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}]
workloads:
  - name: replay
    trace: {file: bad-trace.csv, format: azure-2023, model: llama-3.1-8b}
simulation: {}
)");
  const auto r = run_fleetsim("run '" + scenario + "' --no-progress");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains(bad + ":3:1: error: column \"TIMESTAMP\" (time): expected a time at or after the "
                                   "previous row's (line 2)"));

  // The mapping is checked in the scenario, at its own lines.
  const std::string unmapped = write_temp_file("unmapped.yaml", R"(name: bad
fleet:
  pools: [{name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}]
workloads:
  - name: replay
    trace: {file: bad-trace.csv, format: jsonl, model: llama-3.1-8b, columns: {time: t}}
    steps: []
simulation: {}
)");
  const auto u = run_fleetsim("validate '" + unmapped + "'");
  CHECK(u.exit_code == 1);
  CHECK_THAT(u.err, Contains("format \"jsonl\" needs the column of `prompt_tokens`"));
  CHECK_THAT(u.err, Contains("a workload that replays a trace takes no `steps`"));
}

TEST_CASE("a scenario without a run length needs traces that end", "[trace][loader]") {
  const std::string copy = temp_path("azure2023-code-first10.csv");
  std::filesystem::copy_file(kTraces + "azure2023-code-first10.csv", copy,
                             std::filesystem::copy_options::overwrite_existing);
  const std::string yaml = R"(name: loops
fleet:
  pools: [{name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}]
workloads:
  - name: replay
    trace: {file: azure2023-code-first10.csv, format: azure-2023, model: llama-3.1-8b, loop: true}
simulation: {seed: 1}
)";
  const auto r = load_scenario_text(yaml, temp_path("loops.yaml"));
  CHECK_FALSE(r.scenario);
  std::string text;
  for (const auto& d : r.diagnostics) text += d.format() + "\n";
  CHECK_THAT(text, Contains("missing the run length"));
}
