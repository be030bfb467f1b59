// Empirical agents (docs/scenario-format.md, "Empirical agents"): a workload
// with both `arrivals:` and `trace:` starts sessions by its arrival process,
// each replaying one recorded session drawn at random; a replay that is not
// the recorded session itself sends new hashes where the recording was that
// session's own, and keeps those other sessions shared.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/core/prefix_block_cache.hpp"
#include "fleetsim/core/request_trace.hpp"
#include "support/cli_runner.hpp"
#include "support/report_run.hpp"
#include "support/trace_fixtures.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::kTraces;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::run_scenario_json;
using fleetsim::testing::temp_path;
using fleetsim::testing::write_temp_file;

namespace {

// agent-sessions.csv as templates: alpha (3 calls, 3,600 prompt and 170
// output tokens), beta (2 calls, 850 and 50), gamma (1 call, 300 and 10).
std::string templates_scenario(const std::string& name, const std::string& arrivals,
                               const std::string& trace_extra, const std::string& simulation) {
  std::filesystem::copy_file(kTraces + "agent-sessions.csv", temp_path("agent-sessions.csv"),
                             std::filesystem::copy_options::overwrite_existing);
  return write_temp_file(name, R"(name: empirical
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b, llama-3.2-3b]}
workloads:
  - name: agents
    arrivals: )" + arrivals + R"(
    trace: {file: agent-sessions.csv, format: csv, model: llama-3.1-8b, time_unit: ms, )" + trace_extra + R"(
            columns: {time: t_ms, session: session, model: model, prompt_tokens: prompt, output_tokens: output}}
simulation: )" + simulation + "\n");
}

}  // namespace

TEST_CASE("Empirical agents: sessions arrive by the process, each a whole recorded session drawn at random",
          "[trace][empirical]") {
  const std::string scenario =
      templates_scenario("empirical.yaml", "{process: constant, rate: 1/min}", "", "{sessions: 30, seed: 3}");
  std::string first, second;
  const auto w = run_scenario_json(scenario, &first)["workloads"][0];
  run_scenario_json(scenario, &second);
  CHECK(first == second);
  CHECK(w["sessions_started"] == 30);
  CHECK(w["sessions_completed"] == 30);
  // Some a, b, c sessions of alpha, beta and gamma (a + b + c = 30) give
  // every total at once: each session replayed one template whole.
  const long calls = w["llm_calls"].get<long>();
  const double prompt = w["prompt_tokens"].get<double>(), output = w["output_tokens"].get<double>();
  int found = 0, a_found = 0, b_found = 0, c_found = 0;
  for (int a = 0; a <= 30; ++a)
    for (int b = 0; a + b <= 30; ++b) {
      const int c = 30 - a - b;
      if (3 * a + 2 * b + c == calls && 3600.0 * a + 850.0 * b + 300.0 * c == prompt &&
          170.0 * a + 50.0 * b + 10.0 * c == output) {
        ++found;
        a_found = a, b_found = b, c_found = c;
      }
    }
  REQUIRE(found == 1);
  // Thirty draws of three templates, uniformly: each one drawn.
  CHECK(a_found > 0);
  CHECK(b_found > 0);
  CHECK(c_found > 0);
  // The constant process: one session a minute, the 30th at 30 min.
  const auto r = nlohmann::json::parse(first)["run"];
  CHECK(r["simulated_end_s"].get<double>() > 30 * 60.0);
}

TEST_CASE("A template keeps its own rhythm: its calls are due at their recorded offsets from its start",
          "[trace][empirical]") {
  // alpha's last call is due 4 s after its first, beta's 2 s: with sessions
  // starting every 10 min and a fleet that answers in well under a second,
  // no call is late and every session lasts at most its template's span
  // plus one call.
  const std::string scenario =
      templates_scenario("empirical-rhythm.yaml", "{process: constant, rate: 6/h}", "", "{duration: 2h, seed: 5}");
  const auto w = run_scenario_json(scenario)["workloads"][0];
  CHECK(w["sessions_started"] == 11);  // at 10, 20, ..., 110 min
  CHECK(w["trace_replay"]["calls_late"] == 0);
  CHECK(w["session_latency_s"]["max"].get<double>() < 5.0);
  CHECK(w["session_latency_s"]["max"].get<double>() > 4.0);  // some alpha was drawn: 11 draws of 3
}

TEST_CASE("A trace whose sessions are templates does not loop", "[trace][empirical][loader]") {
  const std::string scenario =
      templates_scenario("empirical-loop.yaml", "{process: poisson, rate: 1/s}", "loop: true,", "{duration: 1h}");
  const auto r = run_fleetsim("validate '" + scenario + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("a trace whose sessions are templates does not loop"));
}

TEST_CASE("A replay's own chunks get new names, chunks other recorded sessions share keep theirs",
          "[trace][empirical][prefix_cache]") {
  // Sessions: s0 sends [0 1 2], s1 [0 3], s2 two calls [4] and [4 5]. Only
  // 0 is sent by two sessions; 4 is s2's own, though sent twice.
  RequestTrace t;
  t.prefix_hashes = {0, 1, 2, 0, 3, 4, 4, 5};
  t.prefix_block_tokens = 512;
  t.calls = {{0.0, 1536, 1, 0, 0, 3, 1}, {1.0, 1024, 1, 0, 3, 2, 2}, {2.0, 512, 1, 0, 5, 1, 3},
             {3.0, 1024, 1, 0, 6, 2, 4}};
  t.session_begin = {0, 1, 2, 4};
  t.mark_shared_prefixes();
  CHECK(t.prefix_shared == std::vector<std::uint8_t>{1, 0, 0, 1, 0, 0, 0, 0});

  // Two replays of s0 with salts 1 and 2, and s0 as recorded (no salt).
  const TraceCursor one(t, {0, 0.0, 1}, 1), two(t, {0, 0.0, 2}, 2), recorded(t, {0, 0.0, 0});
  const PrefixHashes h1 = one.prefix(t.calls[0]), h2 = two.prefix(t.calls[0]), h0 = recorded.prefix(t.calls[0]);
  CHECK(h1.at(0) == 0);  // shared: kept
  CHECK(h1.at(1) != 1);
  CHECK(h1.at(1) != h2.at(1));
  CHECK(h0.at(1) == 1);
  PrefixBlockCache cache(16);
  cache.add_computed(h1, 0, 1536, 1, 1000);
  CHECK(cache.pin_leading(h2, 1536, 2).tokens == 512);   // the shared chunk only
  CHECK(cache.pin_leading(h1, 1536, 1).tokens == 1536);  // the same replay again: all
  CHECK(cache.pin_leading(h0, 1536, 3).tokens == 512);   // the recording's own names are not the replay's

  // A loop's later rounds are replays too: their round is their salt.
  t.loop_period_s = 10.0;
  CHECK(t.session(2)->round == 0);
  CHECK(t.session(3)->round == 1);
  CHECK(t.session(7)->round == 2);
}
