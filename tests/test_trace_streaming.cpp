// A streamed trace (read again row by row as the run goes, never held
// whole): its check gives what a trace held in memory gives, its feed the
// same calls, the shipped replays the same report byte for byte, and a file
// that changes between the two reads is refused.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetsim/core/trace_feed.hpp"
#include "../src/io/request_trace_reader.hpp"
#include "../src/io/trace_session_feed.hpp"
#include "support/cli_runner.hpp"
#include "support/trace_fixtures.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::all;
using fleetsim::testing::feed_all;
using fleetsim::testing::same_gap;
using fleetsim::testing::kTraces;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::run_shell;
using fleetsim::testing::session_mapping;
using fleetsim::testing::temp_path;
using fleetsim::testing::write_temp_file;

namespace {

TraceOptions options(double rate_scale = 1.0, std::optional<std::uint64_t> limit = std::nullopt) {
  TraceOptions o;
  o.default_model = "m";
  o.rate_scale = rate_scale;
  o.limit = limit;
  return o;
}


// Streamed and held in memory, the same trace: the same sessions in the same
// order, each with the same calls, hashes and gaps.
void check_same_calls(const std::string& file, const TraceMapping& m, const TraceOptions& o) {
  INFO(file);
  std::vector<Diagnostic> ds;
  const auto held = read_request_trace(file, m, o, ds);
  const auto streamed = scan_request_trace(file, m, o, ds);
  INFO(all(ds));
  REQUIRE(held);
  REQUIRE(streamed);
  REQUIRE(streamed->is_streamed());
  CHECK(streamed->calls.empty());
  CHECK(streamed->call_count() == held->call_count());
  CHECK(streamed->session_count() == held->session_count());
  CHECK(streamed->hashed() == held->hashed());
  CHECK(streamed->models == held->models);
  CHECK(streamed->pacing == held->pacing);
  CHECK(streamed->gap_from_start == held->gap_from_start);
  CHECK(streamed->sessions_starting_before(0.5) == held->sessions_starting_before(0.5));
  const auto fed = feed_all(*streamed);
  REQUIRE(fed.size() == held->sessions());
  for (std::size_t k = 0; k < fed.size(); ++k) {
    const std::uint32_t begin = held->session_begin[k];
    REQUIRE(fed[k].calls.size() == held->session_begin[k + 1] - begin);
    const bool paced = o.pacing == TracePacing::think_time;
    REQUIRE(fed[k].gap_after_s.size() == (paced ? fed[k].calls.size() : 0));
    for (std::size_t i = 0; i < fed[k].calls.size(); ++i) {
      const RequestTrace::Call& a = fed[k].calls[i];
      const RequestTrace::Call& b = held->calls[begin + i];
      CHECK(a.arrival_s == b.arrival_s);  // exactly: the same arithmetic
      CHECK(a.prompt_tokens == b.prompt_tokens);
      CHECK(a.output_tokens == b.output_tokens);
      CHECK(a.model == b.model);
      CHECK(a.row == b.row);
      if (paced) CHECK(same_gap(fed[k].gap_after_s[i], held->gap_after_s[begin + i]));
      REQUIRE(a.prefix_count == b.prefix_count);
      for (std::uint32_t h = 0; h < a.prefix_count; ++h)
        CHECK(fed[k].prefix_hashes[a.prefix_begin + h] == held->prefix_hashes[b.prefix_begin + h]);
    }
  }
}

// A generated session trace (session_mapping's columns) of `sessions`
// sessions of `calls` calls each, 3 s apart start to start. Sessions start
// out of their file order, several at one instant; `interleaved` writes
// their rows in turns (call 0 of each, then call 1, ...), else session by
// session.
std::string crowded_session_trace(std::size_t sessions, std::size_t calls, bool interleaved) {
  std::string text = "id,t,p,o,gap\n";
  auto row = [&](std::size_t s, std::size_t j) {
    const std::size_t start = (s * 37) % (sessions / 2 + 1);
    text += fmt::format("agent-{},{},{},{},{}\n", s, start + 3 * j, 100 + s % 1000 + j, 10 + j,
                        j + 1 < calls ? "3" : "");
  };
  if (interleaved)
    for (std::size_t j = 0; j < calls; ++j)
      for (std::size_t s = 0; s < sessions; ++s) row(s, j);
  else
    for (std::size_t s = 0; s < sessions; ++s)
      for (std::size_t j = 0; j < calls; ++j) row(s, j);
  return text;
}

TraceOptions with_pacing(TraceOptions o, TracePacing pacing) {
  o.pacing = pacing;
  return o;
}

}  // namespace

TEST_CASE("a streamed trace's feed gives the calls of the trace held in memory", "[trace][streaming]") {
  check_same_calls(kTraces + "azure2023-code-first10.csv", *trace_preset("azure-2023"), options());
  check_same_calls(kTraces + "azure2023-code-first10.csv", *trace_preset("azure-2023"), options(3.0, 4));
  check_same_calls(kTraces + "mooncake-first40.jsonl", *trace_preset("mooncake"), options());
  check_same_calls(kTraces + "mooncake-first40.jsonl", *trace_preset("mooncake"), options(0.5, 17));
}

TEST_CASE("a streamed session trace's feed gives the sessions of the trace held in memory, in order",
          "[trace][streaming][sessions]") {
  const std::string swe = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/traces/swebench_gemini3pro_minisweagent_calls.csv";
  const TraceMapping mini = *trace_preset("mini-swe-agent");
  for (const TracePacing pacing : {TracePacing::think_time, TracePacing::timestamp}) {
    INFO("pacing " << static_cast<int>(pacing));
    // Sessions in the file by name, not by start; rate scale and row limit as given.
    check_same_calls(swe, mini, with_pacing(options(), pacing));
    check_same_calls(swe, mini, with_pacing(options(2.5, 1000), pacing));
    // Ties in start, out of file order; rows of a session together or apart.
    for (const bool interleaved : {false, true}) {
      const std::string file = write_temp_file(interleaved ? "apart.csv" : "together.csv",
                                               crowded_session_trace(40, 6, interleaved));
      check_same_calls(file, session_mapping(), with_pacing(options(), pacing));
      check_same_calls(file, session_mapping(), with_pacing(options(0.5, 100), pacing));
    }
  }
  // JSON lines: a session's last gap null or absent.
  TraceMapping jsonl = session_mapping();
  jsonl.kind = TraceFileKind::jsonl;
  const std::string lines = write_temp_file(
      "sessions.jsonl",
      "{\"id\": \"b\", \"t\": 10, \"p\": 100, \"o\": 5, \"gap\": 2}\n"
      "{\"id\": \"a\", \"t\": 3, \"p\": 80, \"o\": 4, \"gap\": 1.5}\n"
      "{\"id\": \"b\", \"t\": 14, \"p\": 150, \"o\": 5, \"gap\": null}\n"
      "{\"id\": \"a\", \"t\": 5, \"p\": 90, \"o\": 4}\n");
  for (const TracePacing pacing : {TracePacing::think_time, TracePacing::timestamp})
    check_same_calls(lines, jsonl, with_pacing(options(), pacing));
  // Hashes and models per row, a session's rows apart.
  const TraceMapping m = fleetsim::testing::agent_sessions_mapping();
  TraceOptions o = options(2.0);
  o.default_model = "llama-3.1-8b";
  check_same_calls(kTraces + "agent-sessions.csv", m, o);
  o.limit = 4;
  check_same_calls(kTraces + "agent-sessions.csv", m, o);
}

TEST_CASE("a streamed session trace keeps an index of 16 bytes a session, not its rows",
          "[trace][streaming][sessions]") {
  const std::size_t sessions = 2000, calls = 50;
  const std::string file = write_temp_file("large-sessions.csv", crowded_session_trace(sessions, calls, false));
  std::vector<Diagnostic> ds;
  const auto held = read_request_trace(file, session_mapping(), with_pacing(options(), TracePacing::think_time), ds);
  const auto streamed =
      scan_request_trace(file, session_mapping(), with_pacing(options(), TracePacing::think_time), ds);
  INFO(all(ds));
  REQUIRE(held);
  REQUIRE(streamed);
  CHECK(streamed->call_count() == sessions * calls);
  const auto* source = dynamic_cast<const TraceSessionFeedSource*>(streamed->feed.get());
  REQUIRE(source != nullptr);
  CHECK(source->index_bytes() == 16 * sessions);
  // What the trace held whole keeps of its calls alone, beside the index.
  const std::size_t held_bytes = held->calls.size() * sizeof(RequestTrace::Call) + held->gap_after_s.size() * sizeof(double);
  CHECK(source->index_bytes() * calls < held_bytes);
  CHECK(feed_all(*streamed).size() == sessions);
}

TEST_CASE("a streamed session trace is checked as one held in memory is, with the same messages",
          "[trace][streaming][sessions]") {
  const TraceMapping m = session_mapping();
  for (const std::string& text : std::vector<std::string>{
           // time back within a session; another session in between
           "id,t,p,o,gap\na,5,10,5,1\nb,0,10,5,1\na,4,10,5,\nb,1,10,5,\n",
           // gaps missing before a next call, sessions reported in start order
           "id,t,p,o,gap\nlate,9,10,5,\nearly,0,10,5,\nlate,10,10,5,\nearly,1,10,5,\nearly,2,10,5,\n",
           // an empty session id, a bad token count
           "id,t,p,o,gap\n,0,10,5,1\na,1,x,5,\n"}) {
    INFO(text);
    const std::string file = write_temp_file("broken-sessions.csv", text);
    std::vector<Diagnostic> held, streamed;
    const TraceOptions o = with_pacing(options(), TracePacing::think_time);
    CHECK_FALSE(read_request_trace(file, m, o, held));
    CHECK_FALSE(scan_request_trace(file, m, o, streamed));
    CHECK(all(streamed) == all(held));
    REQUIRE_FALSE(held.empty());
    CHECK(held.front().line > 0);  // at its row
  }
  // The missing gaps, as a trace held whole orders them: "early" starts first.
  const std::string file =
      write_temp_file("gaps.csv", "id,t,p,o,gap\nlate,9,10,5,\nearly,0,10,5,\nlate,10,10,5,\nearly,1,10,5,\n");
  std::vector<Diagnostic> ds;
  CHECK_FALSE(scan_request_trace(file, m, with_pacing(options(), TracePacing::think_time), ds));
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].line == 3);
  CHECK(ds[0].column == 14);
  CHECK_THAT(ds[0].message, Contains("column \"gap\" (gap)") && Contains("(line 5)"));
  CHECK(ds[1].line == 2);
}

TEST_CASE("a streamed trace is checked as a trace held in memory is, with the same messages", "[trace][streaming]") {
  TraceMapping m = *trace_preset("csv");
  m.time = "t";
  m.prompt_tokens = "p";
  m.output_tokens = "o";
  static const char kNul[] = "t,p,o\n0,10,5\n1,1\0,5\n";
  for (const std::string& text : std::vector<std::string>{"t,p,o\n0,10,5\n2,10,5\n1,x,5\n", "t,p,o\n0,10,5\n1,10\n",
                                                          "t,p\n0,10\n", std::string(kNul, sizeof kNul - 1),
                                                          "t,p,o\n", ""}) {
    const std::string file = write_temp_file("broken.csv", text);
    std::vector<Diagnostic> held, streamed;
    CHECK_FALSE(read_request_trace(file, m, options(), held));
    CHECK_FALSE(scan_request_trace(file, m, options(), streamed));
    CHECK(all(streamed) == all(held));
    CHECK_FALSE(held.empty());
  }
}

TEST_CASE("a streamed trace whose file changes before the run reads it again is refused", "[trace][streaming]") {
  const std::string file = temp_path("changing.csv");
  std::filesystem::copy_file(kTraces + "azure2023-code-first10.csv", file,
                             std::filesystem::copy_options::overwrite_existing);
  std::vector<Diagnostic> ds;
  const auto t = scan_request_trace(file, *trace_preset("azure-2023"), options(), ds);
  REQUIRE(t);
  { std::ofstream(file, std::ios::app) << "2023-11-16 18:17:05.0000000,10,10\n"; }
  auto feed = t->feed->open();
  FedSession s;
  CHECK_FALSE(feed->next(s));
  REQUIRE_FALSE(feed->problems().empty());
  CHECK_THAT(all(feed->problems()), Contains("has changed since it was checked"));
}

TEST_CASE("a streamed session trace whose file changes before the run reads it again is refused",
          "[trace][streaming][sessions]") {
  const std::string text = "id,t,p,o,gap\nalpha,0,10,5,1\nbeta,1,10,5,1\nalpha,2,10,5,\nbeta,3,10,5,\n";
  const std::string file = write_temp_file("changing-sessions.csv", text);
  const TraceOptions o = with_pacing(options(), TracePacing::think_time);
  std::vector<Diagnostic> ds;
  const auto t = scan_request_trace(file, session_mapping(), o, ds);
  REQUIRE(t);
  SECTION("grown") {
    { std::ofstream(file, std::ios::app) << "beta,4,10,5,\n"; }
    auto feed = t->feed->open();
    FedSession s;
    CHECK_FALSE(feed->next(s));
    CHECK_THAT(all(feed->problems()), Contains("has changed since it was checked"));
  }
  SECTION("the same size and time of change, a row now of another session") {
    const auto when = std::filesystem::last_write_time(file);
    std::string changed = text;
    changed.replace(changed.rfind("alpha"), 5, "alphb");
    { std::ofstream(file, std::ios::trunc) << changed; }
    std::filesystem::last_write_time(file, when);
    auto feed = t->feed->open();
    FedSession s;
    CHECK_FALSE(feed->next(s));
    CHECK(s.calls.empty());
    CHECK_THAT(all(feed->problems()), Contains(":2:") && Contains("now has 1 rows to replay; it had 2 when checked"));
  }
}

TEST_CASE("the shipped trace replays report the same, byte for byte, streamed or held in memory",
          "[trace][streaming][end-to-end][slow]") {
  const std::string dir = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/";
  const std::vector<std::pair<std::string, std::string>> runs = {{"azure-conv-replay.yaml", ""},
                                                                 {"mooncake-prefix-cache.yaml", ""},
                                                                 {"mooncake-prefix-cache.yaml", "--variant least-outstanding"},
                                                                 {"mooncake-prefix-cache.yaml", "--variant no-cache"},
                                                                 {"swebench-agents.yaml", ""},
                                                                 {"swebench-agents.yaml", "--variant llama-70b"},
      {"swebench-agents.yaml", "--set workloads.swe-agents.trace.pacing=timestamp"}};
  for (const auto& [file, extra] : runs) {
    const std::string args = "run '" + dir + file + "' " + extra + " --format json --no-progress";
    INFO(args);
    const auto streamed = run_fleetsim(args);
    const auto held = run_shell("FLEETSIM_TRACE_IN_MEMORY=1 '" + std::string(FLEETSIM_BINARY) + "' " + args);
    REQUIRE(streamed.exit_code == 0);
    REQUIRE(held.exit_code == 0);
    CHECK(streamed.out == held.out);
  }
}
