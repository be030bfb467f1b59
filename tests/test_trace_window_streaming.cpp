// A trace replayed through a `window` (or looped, without prefix hashes) is
// streamed too: its check reads every row as a trace held whole does (the
// same diagnostics), keeps only the window's sessions, and its feed reads the
// file from the window's first session on and stops after its last. Here:
// the scenario loaded streamed and held in memory gives the same sessions,
// calls and times, exactly, at the window's edges too; the same errors; the
// same report byte for byte; and the feed of a small window reads a small
// part of a large file.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetsim/core/trace_feed.hpp"
#include "fleetsim/io/scenario_loader.hpp"
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
using fleetsim::testing::temp_path;
using fleetsim::testing::write_temp_file;

namespace {

const std::string kSwe = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/traces/swebench_gemini3pro_minisweagent_calls.csv";

// A scenario replaying `file` (an absolute path) with `trace_keys`.
std::string scenario_yaml(const std::string& file, const std::string& trace_keys,
                          const std::string& simulation = "{seed: 7}") {
  return R"(name: window
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b, llama-3.2-3b],
       engine: {kv_retention: lru}}
routing:
  - {model: llama-3.1-8b, pools: [gpu], policy: session_affinity}
workloads:
  - name: replay
    trace: {file: ')" + file + "', " + trace_keys + R"(}
simulation: )" + simulation + "\n";
}

struct Loaded {
  std::shared_ptr<const RequestTrace> trace;
  std::string errors;
};

// The scenario's trace, held in memory (FLEETSIM_TRACE_IN_MEMORY=1) or as
// the loader chooses, with the diagnostics as text.
Loaded load_trace(const std::string& yaml, bool held) {
  const char* before = std::getenv("FLEETSIM_TRACE_IN_MEMORY");
  const std::string saved = before != nullptr ? before : "";
  if (held) ::setenv("FLEETSIM_TRACE_IN_MEMORY", "1", 1);
  else ::unsetenv("FLEETSIM_TRACE_IN_MEMORY");
  const LoadResult r = load_scenario_text(yaml, temp_path("window.yaml"));
  if (before != nullptr) ::setenv("FLEETSIM_TRACE_IN_MEMORY", saved.c_str(), 1);
  else ::unsetenv("FLEETSIM_TRACE_IN_MEMORY");
  Loaded out;
  out.errors = all(r.diagnostics);
  if (r.scenario) out.trace = r.scenario->workloads.at(0).arrivals.trace;
  return out;
}


// Loaded streamed and held: the streamed one is streamed, and replays the
// held one's sessions in order, each call with the same time (exactly),
// tokens, model, row, gap and hashes. Returns the sessions replayed.
std::size_t check_same(const std::string& file, const std::string& trace_keys) {
  const std::string yaml = scenario_yaml(file, trace_keys);
  INFO(trace_keys);
  const Loaded held = load_trace(yaml, true), streamed = load_trace(yaml, false);
  INFO(held.errors);
  REQUIRE(held.trace);
  REQUIRE(streamed.trace);
  CHECK(streamed.errors == held.errors);
  REQUIRE(streamed.trace->is_streamed());
  REQUIRE_FALSE(held.trace->is_streamed());
  const RequestTrace& h = *held.trace;
  const RequestTrace& s = *streamed.trace;
  CHECK(s.calls.empty());
  CHECK(s.call_count() == h.call_count());
  CHECK(s.session_count() == h.session_count());
  CHECK(s.hashed() == h.hashed());
  CHECK(s.models == h.models);
  CHECK(s.loop_period_s == h.loop_period_s);  // exactly: the same arithmetic
  const auto fed = feed_all(s);
  REQUIRE(fed.size() == h.sessions());
  const bool paced = h.pacing == TracePacing::think_time;
  for (std::size_t k = 0; k < fed.size(); ++k) {
    const std::uint32_t begin = h.session_begin[k];
    REQUIRE(fed[k].calls.size() == h.session_begin[k + 1] - begin);
    REQUIRE(fed[k].gap_after_s.size() == (paced ? fed[k].calls.size() : 0));
    for (std::size_t i = 0; i < fed[k].calls.size(); ++i) {
      const RequestTrace::Call& a = fed[k].calls[i];
      const RequestTrace::Call& b = h.calls[begin + i];
      CHECK(a.arrival_s == b.arrival_s);
      CHECK(a.prompt_tokens == b.prompt_tokens);
      CHECK(a.output_tokens == b.output_tokens);
      CHECK(a.model == b.model);
      CHECK(a.row == b.row);
      if (paced) CHECK(same_gap(fed[k].gap_after_s[i], h.gap_after_s[begin + i]));
      REQUIRE(a.prefix_count == b.prefix_count);
      for (std::uint32_t x = 0; x < a.prefix_count; ++x)
        CHECK(fed[k].prefix_hashes[a.prefix_begin + x] == h.prefix_hashes[b.prefix_begin + x]);
    }
  }
  return fed.size();
}

// Both ways the scenario is refused, with the same messages.
std::string check_same_errors(const std::string& file, const std::string& trace_keys) {
  const std::string yaml = scenario_yaml(file, trace_keys);
  INFO(trace_keys);
  const Loaded held = load_trace(yaml, true), streamed = load_trace(yaml, false);
  CHECK_FALSE(held.trace);
  CHECK_FALSE(streamed.trace);
  CHECK(streamed.errors == held.errors);
  CHECK_FALSE(held.errors.empty());
  return held.errors;
}

// A CSV trace of one call a session at whole seconds: two rows at each of
// 0, 2, 3, 5 s, one at 9 s.
std::string seconds_trace() {
  return write_temp_file("window-seconds.csv",
                         "t,p,o\n0,100,5\n0,110,6\n2,120,7\n2,130,8\n3,140,9\n3,150,10\n5,160,11\n5,170,12\n9,180,13\n");
}
const std::string kSecondsKeys = "format: csv, columns: {time: t, prompt_tokens: p, output_tokens: o}, model: llama-3.1-8b";

// A session trace (id, t, p, o, gap) whose sessions start at 0, 1, ..., n - 1 s
// in an order other than the file's, `calls` calls each 2 s apart; its rows
// session by session, or interleaved.
std::string staggered_session_trace(std::size_t n, std::size_t calls, bool interleaved) {
  std::string text = "id,t,p,o,gap\n";
  auto row = [&](std::size_t s, std::size_t j) {
    const std::size_t start = (s * 7) % n;
    text += fmt::format("agent-{},{},{},{},{}\n", s, start + 2 * j, 100 + s + j, 10 + j, j + 1 < calls ? "2" : "");
  };
  if (interleaved)
    for (std::size_t j = 0; j < calls; ++j)
      for (std::size_t s = 0; s < n; ++s) row(s, j);
  else
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t j = 0; j < calls; ++j) row(s, j);
  return text;
}
const std::string kSessionKeys =
    "format: csv, columns: {session: id, time: t, prompt_tokens: p, output_tokens: o, gap: gap}, model: llama-3.1-8b";

// Bytes this process has read through read(2) so far (Linux).
std::uint64_t bytes_read() {
  std::ifstream io("/proc/self/io");
  std::string key;
  std::uint64_t value = 0;
  while (io >> key >> value)
    if (key == "rchar:") return value;
  return 0;
}

}  // namespace

TEST_CASE("a windowed request trace streams the sessions the trace held in memory replays, CSV and JSON lines",
          "[trace][streaming][window]") {
  const std::string azure = kTraces + "azure2023-code-first10.csv";
  const std::string az = "format: azure-2023, model: llama-3.1-8b";
  CHECK(check_same(azure, az + ", window: {from: 0.4s, to: 1.1s}") == 4);
  CHECK(check_same(azure, az + ", rate_scale: 2, window: {from: 0.4s, to: 1.1s}") == 4);
  CHECK(check_same(azure, az + ", rate_scale: 0.3, limit: 6, window: {from: 0.1s}") == 3);
  CHECK(check_same(azure, az + ", window: {to: 0.1s}") == 3);
  // Mooncake: times in ms, many at one instant, prefix hashes.
  const std::string moon = kTraces + "mooncake-first40.jsonl";
  const std::string mk = "format: mooncake, model: llama-3.1-8b";
  CHECK(check_same(moon, mk + ", window: {from: 3s, to: 9s}") == 19);
  CHECK(check_same(moon, mk + ", window: {from: 1s}, limit: 30, rate_scale: 4") == 20);
  // Without a window, as before.
  CHECK(check_same(azure, az) == 10);
  // A model per row, the window's first model named second in the file: the
  // feed, reading from the window on, meets the models in another order.
  const std::string models =
      write_temp_file("window-two-models.csv", "t,p,o,m\n0,100,5,llama-3.2-3b\n1,110,6,llama-3.1-8b\n2,120,7,llama-3.1-8b\n"
                                               "3,130,8,llama-3.2-3b\n");
  CHECK(check_same(models, "format: csv, columns: {time: t, prompt_tokens: p, output_tokens: o, model: m}, "
                           "window: {from: 1s}") == 3);
}

TEST_CASE("a streamed window keeps the rows exactly at its bounds as a held one does", "[trace][streaming][window]") {
  const std::string file = seconds_trace();
  CHECK(check_same(file, kSecondsKeys + ", window: {from: 2s, to: 5s}") == 4);  // 2, 2, 3, 3: 5 is out
  CHECK(check_same(file, kSecondsKeys + ", window: {from: 0s, to: 2s}") == 2);
  CHECK(check_same(file, kSecondsKeys + ", window: {from: 5s}") == 3);
  CHECK(check_same(file, kSecondsKeys + ", window: {from: 9s, to: 10s}") == 1);  // the last row alone
  CHECK(check_same(file, kSecondsKeys + ", window: {from: 3s, to: 1h}") == 5);   // past the end
  CHECK(check_same(file, kSecondsKeys + ", rate_scale: 2, window: {from: 2s, to: 5s}") == 4);
  // A window in the middle of the file, with the row limit before its end.
  CHECK(check_same(file, kSecondsKeys + ", limit: 5, window: {from: 2s, to: 5s}") == 3);
}

TEST_CASE("a windowed session trace streams the sessions the trace held in memory replays, in both pacings",
          "[trace][streaming][window][sessions]") {
  for (const std::string pacing : {"think_time", "timestamp"}) {
    const std::string p = ", pacing: " + pacing;
    INFO(pacing);
    // The SWE-bench table: sessions by name, not by start.
    const std::string mini = "format: mini-swe-agent, model: llama-3.1-8b" + p;
    CHECK(check_same(kSwe, mini + ", window: {from: 1h, to: 1.5h}") > 10);
    CHECK(check_same(kSwe, mini + ", rate_scale: 3, limit: 5000, window: {from: 10min}") > 10);
    for (const bool interleaved : {false, true}) {
      const std::string file = write_temp_file(interleaved ? "window-apart.csv" : "window-together.csv",
                                               staggered_session_trace(30, 4, interleaved));
      CHECK(check_same(file, kSessionKeys + p + ", window: {from: 10s, to: 20s}") == 10);
      CHECK(check_same(file, kSessionKeys + p + ", window: {from: 29s}") == 1);
      CHECK(check_same(file, kSessionKeys + p + ", window: {to: 1s}") == 1);
      CHECK(check_same(file, kSessionKeys + p + ", rate_scale: 0.5, limit: 50, window: {from: 3s, to: 1h}") > 0);
    }
  }
  // Models and prefix hashes per row, sessions interleaved.
  CHECK(check_same(kTraces + "agent-sessions.csv",
                   "format: csv, time_unit: ms, columns: {time: t_ms, session: session, model: model, prompt_tokens: "
                   "prompt, output_tokens: output, prefix_hashes: blocks}, prefix_block_tokens: 256, model: "
                   "llama-3.1-8b, window: {from: 0.4s, to: 3s}") == 2);
}

TEST_CASE("a streamed loop of a trace without prefix hashes has the held loop's period, and one with hashes is held",
          "[trace][streaming][window]") {
  const std::string azure = kTraces + "azure2023-code-first10.csv";
  const std::string sim = "{duration: 10s, seed: 7}";
  const std::string keys = "format: azure-2023, model: llama-3.1-8b, loop: true, window: {from: 0.1s}";
  const std::string yaml = scenario_yaml(azure, keys, sim);
  const Loaded held = load_trace(yaml, true), streamed = load_trace(yaml, false);
  REQUIRE(held.trace);
  REQUIRE(streamed.trace);
  CHECK(streamed.trace->is_streamed());
  CHECK(streamed.trace->loop_period_s == held.trace->loop_period_s);
  CHECK(streamed.trace->loop_period_s > 0);
  const Loaded hashed = load_trace(scenario_yaml(kTraces + "mooncake-first40.jsonl",
                                                 "format: mooncake, model: llama-3.1-8b, loop: true", sim),
                                   false);
  REQUIRE(hashed.trace);
  CHECK_FALSE(hashed.trace->is_streamed());
  // A loop whose sessions all start at one instant, refused both ways alike.
  check_same_errors(seconds_trace(), kSecondsKeys + ", loop: true, window: {from: 9s}");
}

TEST_CASE("a windowed trace is refused streamed as held in memory, with the same messages",
          "[trace][streaming][window]") {
  const std::string seconds = seconds_trace();
  // No session in the window: past the end, and between two sessions.
  CHECK_THAT(check_same_errors(seconds, kSecondsKeys + ", window: {from: 1h}"),
             Contains("no session of the trace starts in the window") && Contains("from 0 to 9 s"));
  CHECK_THAT(check_same_errors(seconds, kSecondsKeys + ", rate_scale: 2, window: {from: 6s, to: 9s}"),
             Contains("from 0 to 9 s"));
  const std::string sessions = write_temp_file("window-sessions.csv", staggered_session_trace(10, 3, true));
  check_same_errors(sessions, kSessionKeys + ", pacing: think_time, window: {from: 1h}");
  // A bad row after the window, and one before it: the whole file is checked.
  const std::string broken =
      write_temp_file("window-broken.csv", "t,p,o\n0,100,5\n1,x,5\n2,100,5\n3,100,5\n4,100,-1\n");
  CHECK_THAT(check_same_errors(broken, kSecondsKeys + ", window: {from: 2s, to: 3s}"),
             Contains(":3:") && Contains(":6:"));
  // A model no pool serves, named outside the window: reported at its first row.
  const std::string models = write_temp_file("window-models.csv", "t,p,o,m\n0,100,5,nope\n1,100,5,\n2,100,5,\n");
  CHECK_THAT(check_same_errors(models, "format: csv, columns: {time: t, prompt_tokens: p, output_tokens: o, model: "
                                       "m}, model: llama-3.1-8b, window: {from: 1s}"),
             Contains(":2:") && Contains("unknown model \"nope\""));
  CHECK_THAT(check_same_errors(models, "format: csv, columns: {time: t, prompt_tokens: p, output_tokens: o, model: "
                                       "m}, model: llama-3.1-8b, window: {from: 1h}"),
             Contains("unknown model \"nope\"") && Contains("no session of the trace starts in the window"));
}

TEST_CASE("a streamed window's feed reads the window, not the file", "[trace][streaming][window]") {
  // 200,000 rows at 0.01 s; windows of the first, a middle and the last 1%.
  const std::size_t rows = 200000;
  std::string text = "t,p,o\n";
  for (std::size_t i = 0; i < rows; ++i) text += fmt::format("{:.2f},{},{}\n", 0.01 * static_cast<double>(i), 100 + i % 900, 10);
  const std::string file = write_temp_file("window-large.csv", text);
  const auto file_bytes = static_cast<std::uint64_t>(std::filesystem::file_size(file));
  for (const auto& [from, to] : std::vector<std::pair<int, int>>{{0, 20}, {1000, 1020}, {1980, 2000}}) {
    INFO(from << " s to " << to << " s");
    const Loaded l = load_trace(
        scenario_yaml(file, kSecondsKeys + fmt::format(", window: {{from: {}s, to: {}s}}", from, to)), false);
    REQUIRE(l.trace);
    REQUIRE(l.trace->is_streamed());
    CHECK(l.trace->session_count() == rows / 100);
    const std::uint64_t before = bytes_read();
    const auto fed = feed_all(*l.trace);
    const std::uint64_t read = bytes_read() - before;
    CHECK(fed.size() == rows / 100);
    // The window is 1% of the file; the feed reads it in 64 KiB chunks, and a CSV's header.
    CHECK(read < file_bytes / 100 + 3 * 65536);
    CHECK(read > 0);
  }
}

TEST_CASE("a streamed session trace's index holds the window's sessions alone, 16 bytes each",
          "[trace][streaming][window][sessions]") {
  const std::size_t sessions = 2000, calls = 20;
  const std::string file =
      write_temp_file("window-large-sessions.csv", staggered_session_trace(sessions, calls, false));
  const Loaded l =
      load_trace(scenario_yaml(file, kSessionKeys + ", pacing: think_time, window: {from: 500s, to: 600s}"), false);
  REQUIRE(l.trace);
  const auto* source = dynamic_cast<const TraceSessionFeedSource*>(l.trace->feed.get());
  REQUIRE(source != nullptr);
  CHECK(l.trace->session_count() == 100);
  CHECK(l.trace->call_count() == 100 * calls);
  CHECK(source->index_bytes() == 16 * 100);
  CHECK(feed_all(*l.trace).size() == 100);
}

TEST_CASE("windowed and looped trace replays report the same, byte for byte, streamed or held in memory",
          "[trace][streaming][window][end-to-end]") {
  const std::string dir = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/";
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"azure-conv-replay.yaml", "--set 'workloads.conversation.trace.window={from: 10s, to: 30s}'"},
      {"azure-conv-replay.yaml",
       "--set 'workloads.conversation.trace.window={from: 5s}' --set workloads.conversation.trace.loop=true "
       "--set simulation.duration=200s"},
      {"mooncake-prefix-cache.yaml", "--set 'workloads.conversation.trace.window={from: 60s, to: 200s}'"},
      {"swebench-agents.yaml", "--set 'workloads.swe-agents.trace.window={from: 30min, to: 60min}'"},
      {"swebench-agents.yaml",
       "--set 'workloads.swe-agents.trace.window={from: 30min, to: 60min}' --set "
       "workloads.swe-agents.trace.pacing=timestamp"},
      {"swebench-agents.yaml",
       "--set 'workloads.swe-agents.trace.window={to: 20min}' --set workloads.swe-agents.trace.loop=true "
       "--set simulation.duration=1h"}};
  for (const auto& [file, extra] : runs) {
    const std::string args = "run '" + dir + file + "' " + extra + " --format json --no-progress";
    INFO(args);
    const auto streamed = run_fleetsim(args);
    const auto held = run_shell("FLEETSIM_TRACE_IN_MEMORY=1 '" + std::string(FLEETSIM_BINARY) + "' " + args);
    INFO(streamed.err);
    REQUIRE(streamed.exit_code == 0);
    REQUIRE(held.exit_code == 0);
    CHECK(streamed.out == held.out);
  }
}
