// Tool pools: CPU nodes that run tool calls. The pool's discipline on cases
// computed by hand, its power and price, the loader's refusals, and the
// engine against queueing theory (an M/M/c pool).
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "fleetsim/core/tool_pool.hpp"
#include "support/cli_runner.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::check_error;
using fleetsim::testing::load_test_yaml;
using fleetsim::testing::messages;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::with;
using fleetsim::testing::write_temp_file;
using nlohmann::json;

namespace {

// A node of `sockets` x `cores` cores and `memory` bytes per socket, 10 W idle
// and 50 W at full load per socket, 20 W of host, $2 an hour.
ToolPoolSpec toy_pool(int nodes, int sockets, int cores, double memory_bytes, double core_speed = 1.0) {
  ToolPoolSpec spec;
  spec.name = "sandbox";
  spec.hardware.name = "toy-cpu";
  spec.hardware.kind = DeviceKind::cpu;
  spec.hardware.devices = sockets;
  spec.hardware.cores_per_device = cores;
  spec.hardware.memory_capacity_bytes = memory_bytes;
  spec.hardware.device_power = {10.0, 40.0, 50.0};
  spec.hardware.host_power_w = 20.0;
  spec.hardware.price_per_hour_usd = 2.0;
  spec.count = nodes;
  spec.core_speed = core_speed;
  return spec;
}

struct Arrival {
  double at_s;
  int cores;
  double memory_bytes;
  double work_s;
};

struct Trace {
  std::map<std::uint32_t, double> start_s;  // by call id (the arrival's index)
  std::map<std::uint32_t, double> end_s;
};

// Drives a pool as the fleet model does: arrivals in time order, each started
// call's end an event; ties go to ends first, as a call that ends frees cores
// before a call arriving then could take them (EventQueue: scheduled order).
Trace drive(ToolPool& pool, const std::vector<Arrival>& arrivals) {
  Trace t;
  using End = std::pair<double, std::uint32_t>;
  std::priority_queue<End, std::vector<End>, std::greater<>> ends;
  std::vector<ToolCallStart> started;
  auto record = [&](double now) {
    for (const ToolCallStart& s : started) {
      t.start_s[s.id] = now;
      t.end_s[s.id] = s.end_s;
      ends.push({s.end_s, s.id});
    }
    started.clear();
  };
  std::size_t next = 0;
  while (next < arrivals.size() || !ends.empty()) {
    if (!ends.empty() && (next == arrivals.size() || ends.top().first <= arrivals[next].at_s)) {
      const auto [at, id] = ends.top();
      ends.pop();
      pool.finish(id, at, started);
      record(at);
    } else {
      const Arrival& a = arrivals[next];
      pool.submit({static_cast<std::uint32_t>(next), 0, a.cores, a.memory_bytes, a.work_s}, a.at_s, started);
      record(a.at_s);
      ++next;
    }
  }
  return t;
}

// One tool node of `cores` cores and nothing else: one-core calls of `work`
// arriving by a Poisson process, measured after a warm-up of duration / 50.
std::string one_node_queue_yaml(int cores, const std::string& pool_extra, double lambda, const std::string& work,
                                double duration, int seed) {
  return fmt::format(R"(name: one-node-queue
hardware:
  small-cpu:
    catalog: graviton3-c7g.16xlarge
    sockets: 1
    cores_per_socket: {cores}
    power: {{idle: 10W, memory_bound: 40W, compute_bound: 50W, host: 20W}}
    price_per_hour: 1.0
fleet:
  pools:
    - {{name: gpu, hardware: h100-p5.48xlarge, count: 0, models: [llama-3.1-8b]}}
  tool_pools:
    - {{name: cpu, hardware: small-cpu, count: 1{extra}}}
workloads:
  - name: calls
    arrivals: {{process: poisson, rate: {lambda}/s}}
    steps:
      - tool: {{pool: cpu, cores: 1, work: {work}}}
simulation: {{duration: {duration}s, warmup: {warmup}s, seed: {seed}}}
)",
                     fmt::arg("cores", cores), fmt::arg("extra", pool_extra), fmt::arg("lambda", lambda),
                     fmt::arg("work", work), fmt::arg("duration", duration), fmt::arg("warmup", duration / 50),
                     fmt::arg("seed", seed));
}

}  // namespace

TEST_CASE("A two-core node serves fixed-length calls first-come first-served: exact waits", "[tool_pool]") {
  ToolPool pool(toy_pool(1, 1, 2, 8e9), 0.0, 1);
  // A, B, C, D: one core, 10 s each, at 0, 1, 2, 3. E: two cores at 4; F: one core at 5.
  const std::vector<Arrival> arrivals = {{0, 1, 0, 10}, {1, 1, 0, 10}, {2, 1, 0, 10},
                                         {3, 1, 0, 10}, {4, 2, 0, 10}, {5, 1, 0, 10}};
  const Trace t = drive(pool, arrivals);
  // A and B start at once; C takes A's core at 10, D B's at 11.
  CHECK(t.start_s.at(0) == 0.0);
  CHECK(t.start_s.at(1) == 1.0);
  CHECK(t.start_s.at(2) == 10.0);
  CHECK(t.start_s.at(3) == 11.0);
  // E needs both cores: C ends at 20, D at 21. F, behind E, does not overtake
  // it into the core C frees at 20: it waits for E to end at 31.
  CHECK(t.start_s.at(4) == 21.0);
  CHECK(t.start_s.at(5) == 31.0);
  CHECK(t.end_s.at(5) == 41.0);

  pool.settle(41.0);
  const ToolPoolStats& st = pool.stats();
  CHECK(st.calls_served == 6);
  // Waits 0, 0, 8, 8, 17, 26.
  CHECK(st.wait_s.count() == 6);
  CHECK(st.wait_s.mean() == Approx(59.0 / 6.0));
  CHECK(st.wait_s.max() == Approx(26.0).epsilon(0.005));
  // Core-seconds: four 10 s one-core calls, one 10 s two-core call, F: 70 over 2 x 41.
  CHECK(st.busy_cores.mean(0.0, 41.0) == Approx(70.0 / 41.0));
  CHECK(st.core_seconds_by_workload[0] == Approx(70.0));
}

TEST_CASE("Calls go to the least-loaded node and wait for memory as for cores", "[tool_pool]") {
  SECTION("least loaded: cores held plus cores waiting, lowest node on ties") {
    ToolPool pool(toy_pool(2, 1, 1, 8e9), 0.0, 1);
    // Two one-core nodes: the first two calls run at once, one on each; the
    // third waits on node 0 (a tie, the lowest node) until 10.
    const Trace t = drive(pool, {{0, 1, 0, 10}, {0.5, 1, 0, 10}, {1, 1, 0, 5}});
    CHECK(t.start_s.at(0) == 0.0);
    CHECK(t.start_s.at(1) == 0.5);
    CHECK(t.start_s.at(2) == 10.0);
  }
  SECTION("memory: a call waits until the memory it holds is free") {
    ToolPool pool(toy_pool(1, 1, 4, 8e9), 0.0, 1);
    const Trace t = drive(pool, {{0, 1, 6e9, 10}, {1, 1, 6e9, 10}, {2, 1, 1e9, 10}});
    CHECK(t.start_s.at(1) == 10.0);  // 6 + 6 GB do not fit in 8
    CHECK(t.start_s.at(2) == 10.0);  // behind it, first-come first-served
  }
  SECTION("core_speed: work is given on a reference core") {
    ToolPool pool(toy_pool(1, 1, 1, 8e9, 2.0), 0.0, 1);
    const Trace t = drive(pool, {{0, 1, 0, 10}, {1, 1, 0, 10}});
    CHECK(t.end_s.at(0) == 5.0);
    CHECK(t.start_s.at(1) == 5.0);
    CHECK(t.end_s.at(1) == 10.0);
  }
}

TEST_CASE("A tool pool's power follows its busy cores, waits count from warm-up", "[tool_pool]") {
  // Two sockets of 4 cores: idle 20 + 2 x 10 = 40 W a node; each busy core adds
  // 2 x (50 - 10) / 8 = 10 W.
  ToolPool pool(toy_pool(1, 2, 4, 8e9), 5.0, 1);
  CHECK(pool.node_idle_power_w() == 40.0);
  CHECK(pool.busy_core_power_w() == 10.0);
  // A 3-core call from 0 to 10: 5 s of it in the window (from warm-up at 5).
  const Trace t = drive(pool, {{0, 3, 0, 10}, {12, 8, 0, 1}});
  CHECK(t.start_s.at(1) == 12.0);
  pool.settle(20.0);
  const ToolPoolStats& st = pool.stats();
  CHECK(st.core_seconds_by_workload[0] == Approx(3 * 5.0 + 8 * 1.0));
  CHECK(st.wait_s.count() == 1);  // the call at 0 started before the window
  CHECK(st.calls_served == 2);
  // The 8-core second at 12-13 is the peak: 40 + 8 x 10 W.
  CHECK(pool.power().peak_power_w(pool.node_idle_power_w(), 20.0) == Approx(120.0));
}

namespace {

const std::string kToolPoolScenario = R"(name: tools
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}
  tool_pools:
    - name: sandbox
      hardware: graviton4-c8g.48xlarge
      count: 2
workloads:
  - name: agent
    arrivals: {process: poisson, rate: 1/s}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 20}
      - tool: {pool: sandbox, cores: 2, memory: 4GiB, work: 3s}
simulation: {duration: 10min}
)";

}  // namespace

TEST_CASE("A scenario with a tool pool loads into the pool and the step's claim", "[tool_pool][validation]") {
  const LoadResult r = load_test_yaml(kToolPoolScenario);
  INFO(messages(r));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  REQUIRE(s.tool_pools.size() == 1);
  CHECK(s.tool_pools[0].cores_per_node() == 192);
  CHECK(s.tool_pools[0].core_speed == 1.0);
  const Step& tool = s.workloads[0].steps[1];
  CHECK(tool.tool_pool == 0);
  CHECK(tool.cores == 2);
  CHECK(tool.memory_bytes == 4.0 * (1 << 30));
  CHECK(tool.work_s.p1 == 3.0);
}

TEST_CASE("Tool pool mistakes are reported at their line and column with a hint", "[tool_pool][validation]") {
  // Line 14 is the tool step.
  check_error(with(kToolPoolScenario, "pool: sandbox,", "pool: sandbx,"),
              "test.yaml:14:22: error: workloads[0].steps[1].tool.pool: unknown tool pool \"sandbx\"",
              "did you mean \"sandbox\"?");
  check_error(with(kToolPoolScenario, "pool: sandbox,", "pool: gpu,"), "unknown tool pool \"gpu\"", "is a model pool");
  check_error(with(kToolPoolScenario, "cores: 2,", "cores: 256,"),
              "test.yaml:14:38: error: workloads[0].steps[1].tool.cores: a call holds 256 cores, but a "
              "\"graviton4-c8g.48xlarge\" node of tool pool \"sandbox\" has 192",
              "use at most 192 cores per call");
  check_error(with(kToolPoolScenario, "memory: 4GiB", "memory: 500GiB"),
              "test.yaml:14:49: error: workloads[0].steps[1].tool.memory: a call holds",
              "per call, or a node type with more memory");
  check_error(with(kToolPoolScenario, "hardware: graviton4-c8g.48xlarge", "hardware: h100-p5.48xlarge"),
              "test.yaml:7:17: error: fleet.tool_pools[0].hardware: tool pools run on CPU cores",
              "name a cpu entry");
  check_error(with(kToolPoolScenario, "work: 3s}", "work: 3s, latency: 1s}"),
              "tool.latency: a tool on a pool takes its time from work:", "remove latency:");
  check_error(with(kToolPoolScenario, "pool: sandbox, cores: 2, memory: 4GiB, work: 3s", "cores: 2, latency: 3s"),
              "tool.cores: cores applies only to a tool that runs on a tool pool", "add pool: NAME");
  check_error(with(kToolPoolScenario, "count: 2\n", "count: 0\n"), "tool pool \"sandbox\" has no nodes",
              "--set fleet.tool_pools.sandbox.count=N");
  // A tool pool named as a model pool; the step's pool is then unknown too.
  const LoadResult twice = load_test_yaml(with(kToolPoolScenario, "name: sandbox", "name: gpu"));
  REQUIRE_FALSE(twice.diagnostics.empty());
  CHECK_THAT(twice.diagnostics[0].format(), Contains("fleet.tool_pools[0].name: pool name \"gpu\" is used twice"));
  CHECK_THAT(twice.diagnostics[0].hint, Contains("a model pool has this name"));
}

TEST_CASE("An M/M/c tool pool waits as Erlang C says", "[tool_pool][engine][queueing]") {
  // One node of 4 cores, one core per call, exponential work of mean 1 s,
  // Poisson arrivals at 3/s: an M/M/4 queue at load 0.75.
  const double lambda = 3.0, mu = 1.0;
  const int c = 4;
  const double duration = 250000.0;
  const std::string yaml = one_node_queue_yaml(c, "", lambda, fmt::format("{{dist: exponential, mean: {}s}}", 1.0 / mu),
                                               duration, 3);
  const std::string path = write_temp_file("mmc.yaml", yaml);
  const auto run = run_fleetsim("run '" + path + "' --format json --no-progress");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json r = json::parse(run.out);
  const json& pool = r["tool_pools"][0];
  // Erlang C: the probability that a call waits, then Wq = C / (c mu - lambda).
  const double a = lambda / mu;
  double below = 0.0, term = 1.0;
  for (int k = 0; k < c; ++k) {
    below += term;
    term *= a / (k + 1);
  }
  const double top = term * c / (c - a);  // a^c / c! x c / (c - a)
  const double erlang_c = top / (below + top);
  const double theory = erlang_c / (c * mu - lambda);
  const double wait = pool["queueing_delay_mean_s"].get<double>();
  INFO("wait " << wait << " theory " << theory << " calls " << pool["tool_calls"]);
  CHECK(pool["tool_calls"].get<double>() > 700000);
  CHECK(wait == Approx(theory).epsilon(0.02));
  CHECK(pool["utilization"].get<double>() == Approx(lambda / (c * mu)).epsilon(0.01));
  // Power: 30 W idle + 10 W per busy core (50 - 10 over 4 cores); price $1/h.
  const double window_h = (r["run"]["window_end_s"].get<double>() - r["run"]["window_start_s"].get<double>()) / 3600;
  CHECK(pool["mean_power_w"].get<double>() == Approx(30.0 + 10.0 * c * pool["utilization"].get<double>()));
  CHECK(pool["compute_cost_usd"].get<double>() == Approx(window_h));
  CHECK(pool["node_hours"].get<double>() == Approx(window_h));
  // The only cost is the tool pool's, so it is what a session costs.
  CHECK(r["fleet"]["total_cost_usd"].get<double>() == Approx(pool["cost_usd"].get<double>()));
  CHECK(r["workloads"][0]["cost_usd"].get<double>() == Approx(pool["cost_usd"].get<double>()));
  CHECK(r["checks"]["stability"]["stable"].get<bool>());
}

TEST_CASE("Processor sharing: calls on a node run at once and slow each other down, by hand",
          "[tool_pool][processor_sharing]") {
  ToolPoolSpec spec = toy_pool(1, 1, 4, 8e9);
  spec.discipline = ToolDiscipline::processor_sharing;
  ToolPool pool(spec, 0.0, 1);
  std::vector<NodeDue> dues;
  std::vector<std::uint32_t> ended;
  // A: four cores, 10 s of work, at 0: alone, it would end at 10.
  pool.submit_shared({0, 0, 4, 0, 10}, 0.0, dues);
  REQUIRE(dues.size() == 1);
  CHECK(dues.back().at_s == 10.0);
  // B: four more at 5. A has had 5 s; both now run at 4 / 8 of their speed,
  // so A's other 5 s take 10: it ends at 15.
  pool.submit_shared({1, 0, 4, 0, 10}, 5.0, dues);
  CHECK(dues.back().at_s == 15.0);
  pool.node_due(0, 10.0, ended, dues);  // the timer set for 10 is stale
  CHECK(ended.empty());
  pool.node_due(0, 15.0, ended, dues);
  CHECK(ended == std::vector<std::uint32_t>{0});
  // B has had 5 s (at half speed from 5 to 15); alone again, it ends at 20.
  CHECK(dues.back().at_s == 20.0);
  pool.node_due(0, 20.0, ended, dues);
  CHECK(ended == std::vector<std::uint32_t>{0, 1});
  pool.settle(20.0);
  // The node's four cores were busy all along: 80 core-seconds, 40 each.
  CHECK(pool.stats().core_seconds_by_workload[0] == Approx(80.0));
  CHECK(pool.stats().busy_cores.mean(0.0, 20.0) == Approx(4.0));
  CHECK(pool.stats().calls_served == 2);
  CHECK(pool.stats().wait_s.max() == 0.0);
}

TEST_CASE("Processor sharing still waits for memory, first come first served", "[tool_pool][processor_sharing]") {
  ToolPoolSpec spec = toy_pool(1, 1, 4, 8e9);
  spec.discipline = ToolDiscipline::processor_sharing;
  ToolPool pool(spec, 0.0, 1);
  std::vector<NodeDue> dues;
  std::vector<std::uint32_t> ended;
  pool.submit_shared({0, 0, 1, 6e9, 10}, 0.0, dues);  // 6 GB of the node's 8
  pool.submit_shared({1, 0, 1, 4e9, 2}, 1.0, dues);   // does not fit: waits
  pool.submit_shared({2, 0, 1, 1e9, 2}, 2.0, dues);   // fits, but is behind B
  CHECK(dues.back().at_s == 10.0);                    // A alone, at full speed
  pool.node_due(0, 10.0, ended, dues);
  CHECK(ended == std::vector<std::uint32_t>{0});
  // B and C start at 10, two cores asked of four: full speed, both end at 12.
  CHECK(dues.back().at_s == 12.0);
  pool.node_due(0, 12.0, ended, dues);
  CHECK(ended == std::vector<std::uint32_t>{0, 1, 2});
  CHECK(pool.stats().wait_s.mean() == Approx((0.0 + 9.0 + 8.0) / 3));
}

TEST_CASE("An M/D/1 processor-sharing tool pool keeps calls E[work] / (1 - rho) on average",
          "[tool_pool][processor_sharing][engine][queueing]") {
  // One core, one-core calls of exactly 1 s, Poisson arrivals at 0.7/s. Under
  // processor sharing the mean time in system is insensitive to the work's
  // distribution: 1 / (1 - 0.7) = 3.33 s. First come first served would give
  // M/D/1's 1 + 0.7 / (2 x 0.3) = 2.17 s.
  const double lambda = 0.7, duration = 400000.0;
  const std::string yaml = one_node_queue_yaml(1, ", discipline: processor_sharing", lambda, "1s", duration, 5);
  const auto run = run_fleetsim("run '" + write_temp_file("md1-ps.yaml", yaml) + "' --format json --no-progress");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json r = json::parse(run.out);
  const json& w = r["workloads"][0];
  INFO("sessions " << w["sessions_completed"]);
  CHECK(w["sessions_completed"].get<double>() > 250000);
  CHECK(w["session_latency_s"]["mean"].get<double>() == Approx(1.0 / (1.0 - lambda)).epsilon(0.02));
  CHECK(r["tool_pools"][0]["discipline"] == "processor_sharing");
  CHECK(r["tool_pools"][0]["queueing_delay_mean_s"].get<double>() == 0.0);  // nothing waits for memory
  CHECK(r["tool_pools"][0]["utilization"].get<double>() == Approx(lambda).epsilon(0.01));
}

TEST_CASE("An orchestrator runs the agent harness on a tool pool before each LLM call",
          "[tool_pool][orchestrator]") {
  // One session of two LLM calls and one tool call; the harness takes 2 s of
  // one core before each LLM call, so the pool serves the tool call and two
  // harness calls, the session lasts at least 2 x 2 s + 3 s, and only the
  // step counts as the workload's tool call.
  const std::string yaml = R"(name: harness
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}
  tool_pools:
    - {name: sandbox, hardware: graviton3-c7g.16xlarge, count: 1}
workloads:
  - name: agent
    arrivals: {process: constant, rate: 1/h}
    orchestrator: {pool: sandbox, cores: 1, memory: 512MiB, work: 2s}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 500, output_tokens: 20}
      - tool: {pool: sandbox, cores: 2, work: 3s}
      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 20}
simulation: {sessions: 1}
)";
  const auto run = run_fleetsim("run '" + write_temp_file("harness.yaml", yaml) + "' --format json --no-progress");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const json r = json::parse(run.out);
  const json& w = r["workloads"][0];
  CHECK(w["llm_calls"] == 2);
  CHECK(w["tool_calls"] == 1);
  CHECK(r["tool_pools"][0]["tool_calls"] == 3);
  CHECK(w["session_latency_s"]["mean"].get<double>() > 7.0);
  CHECK(w["session_latency_s"]["mean"].get<double>() < 8.0);  // two short model calls on an idle GPU
  // Core-seconds: 1 x 2 s twice and 2 x 3 s, over the pool's 64 cores.
  const double window = r["run"]["window_end_s"].get<double>() - r["run"]["window_start_s"].get<double>();
  CHECK(r["tool_pools"][0]["utilization"].get<double>() == Approx(10.0 / (64 * window)).epsilon(1e-9));
}

// Tool nodes that fail (docs/failures.md, "Tool pools"): the pool's side,
// with failures and repairs placed by hand.
TEST_CASE("A failed tool node's call starts over after the repair, or at once on another node",
          "[tool_pool][failures]") {
  std::vector<ToolCallStart> started;
  std::vector<NodeDue> dues;
  SECTION("one node: the retry ends at failure + repair + the whole work") {
    ToolPool pool(toy_pool(1, 1, 4, 8e9), 0.0, 1);
    pool.submit({0, 0, 2, 1e9, 10.0}, 0.0, started);
    REQUIRE(started.size() == 1);
    CHECK(started[0].end_s == 10.0);
    started.clear();
    // The node fails 4 s in: nowhere else to go, the call waits for it.
    pool.fail_node(0, 4.0, started, dues);
    CHECK(started.empty());
    // The end announced at its start (10 s) is void, once.
    CHECK(pool.stale_end(0));
    CHECK_FALSE(pool.stale_end(0));
    // Repaired 6 s later: the call runs its 10 s again, from 10 to 20.
    pool.repair_node(0, 10.0, started, dues);
    REQUIRE(started.size() == 1);
    CHECK(started[0].id == 0);
    CHECK(started[0].end_s == 20.0);
    pool.finish(0, 20.0, started);
    pool.settle(30.0);
    const ToolPoolStats& st = pool.stats();
    CHECK(st.node_failures == 1);
    CHECK(st.calls_retried == 1);
    CHECK(st.core_seconds_lost == 2 * 4.0);        // 2 cores for the 4 s it had run
    CHECK(st.nodes_down.area() == 6.0);            // down from 4 to 10
    CHECK(st.core_seconds_by_workload[0] == 2 * 14.0);  // 4 s lost + 10 s again, both spent
    CHECK(st.calls_served == 1);
    CHECK(st.wait_s.count() == 1);  // its wait counted once, at its first start
    CHECK(st.calls_in_flight.mean(0.0, 30.0) == Approx(20.0 / 30.0));  // in flight throughout 0-20
  }
  SECTION("two nodes: the call moves to the other node at the failure") {
    ToolPool pool(toy_pool(2, 1, 4, 8e9), 0.0, 1);
    pool.submit({0, 0, 2, 1e9, 10.0}, 0.0, started);  // node 0 (the lowest of a tie)
    pool.submit({1, 0, 4, 1e9, 30.0}, 1.0, started);  // node 1
    pool.submit({2, 0, 4, 1e9, 5.0}, 2.0, started);   // waits on node 0 (demand 2 + 4 < 4 + 4)
    REQUIRE(started.size() == 2);
    started.clear();
    pool.fail_node(0, 4.0, started, dues);
    // Both of node 0's calls go to node 1, whose 4 cores call 1 holds until
    // 31: they wait there, in node 0's order (running, then waiting).
    CHECK(started.empty());
    CHECK(pool.stats().calls_retried == 2);
    CHECK(pool.stats().core_seconds_lost == 8.0);
    pool.finish(1, 31.0, started);
    REQUIRE(started.size() == 1);
    CHECK(started[0].id == 0);
    CHECK(started[0].end_s == 41.0);
  }
  SECTION("two idle nodes: a retry starts at once, ending at failure + its work") {
    ToolPool pool(toy_pool(2, 1, 4, 8e9), 0.0, 1);
    pool.submit({0, 0, 2, 1e9, 10.0}, 0.0, started);
    started.clear();
    pool.fail_node(0, 4.0, started, dues);
    REQUIRE(started.size() == 1);
    CHECK(started[0].end_s == 14.0);
    // A new call avoids the failed node: it joins node 1.
    pool.submit({1, 0, 4, 1e9, 1.0}, 5.0, started);
    CHECK(started.size() == 1);  // it waits behind call 0's 2 cores
  }
  SECTION("processor sharing: the service done is lost, the node's timer void") {
    ToolPoolSpec spec = toy_pool(1, 1, 4, 8e9);
    spec.discipline = ToolDiscipline::processor_sharing;
    ToolPool pool(spec, 0.0, 1);
    pool.submit_shared({0, 0, 4, 0, 10}, 0.0, dues);
    pool.submit_shared({1, 0, 4, 0, 10}, 0.0, dues);
    REQUIRE(dues.back().at_s == 20.0);  // each at half speed
    dues.clear();
    // At 5 each has had 2.5 s of its own speed, 4 cores wide: 20 core-s lost.
    pool.fail_node(0, 5.0, started, dues);
    CHECK(pool.stats().core_seconds_lost == 20.0);
    std::vector<std::uint32_t> ended;
    pool.node_due(0, 20.0, ended, dues);  // the old timer: nothing ends
    CHECK(ended.empty());
    dues.clear();
    // Repaired at 8: both run their whole work again, sharing: due at 8 + 20.
    pool.repair_node(0, 8.0, started, dues);
    REQUIRE(dues.size() == 1);
    CHECK(dues[0].at_s == 28.0);
    pool.node_due(0, 28.0, ended, dues);
    CHECK(ended.size() == 2);
  }
}
