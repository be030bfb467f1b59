// Agent graphs: parallel branches joined on all, any or k of n, sub-agents,
// branches chosen by probability and loops that end early. Exact times on
// the toy fleet of support/toy_fleet.hpp, where an external tool of latency L
// takes exactly L and a call of p prompt tokens and o output tokens takes
// toy_call_s(p, o) on an idle replica; the loader's refusals; sampling checks
// against closed forms; and byte-identical JSON for one seed.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "fleetsim/core/session.hpp"
#include "support/cli_runner.hpp"
#include "support/scenario_text.hpp"
#include "support/toy_fleet.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

std::vector<Step> branch(Step s) { return {std::move(s)}; }

Step parallel(std::vector<std::vector<Step>> branches, int join_k) {
  Step s;
  s.kind = Step::Kind::parallel;
  s.branches = std::move(branches);
  s.join_k = join_k;
  return s;
}

Step agent_step(std::vector<Step> steps, bool inherit, double prompt_tokens, double result_tokens) {
  Step s;
  s.kind = Step::Kind::agent;
  s.body = std::move(steps);
  s.inherit_context = inherit;
  s.prompt_tokens = Distribution::constant(prompt_tokens);
  s.result_from_last_call = result_tokens < 0;
  if (result_tokens >= 0) s.result_tokens = Distribution::constant(result_tokens);
  return s;
}

// One session of `steps` after an initial context of 100 tokens, on one toy
// node of `replicas` replicas.
struct Run {
  Scenario sc;
  std::unique_ptr<FleetModel> fleet;
  std::unique_ptr<ToyDriver> driver;

  Run(std::vector<Step> steps, int replicas = 1) : sc(toy_scenario(1, replicas, std::move(steps))) {
    sc.workloads[0].initial_context_tokens = Distribution::constant(100);
    fleet = std::make_unique<FleetModel>(sc);
    driver = std::make_unique<ToyDriver>(*fleet);
    driver->arrive(0.0, 0);
    driver->run();
  }
  const WorkloadMetrics& metrics() const { return fleet->metrics().workloads[0]; }
  double session_end() const {
    REQUIRE(driver->session_ends.size() == 1);
    return driver->session_ends[0];
  }
};

}  // namespace

TEST_CASE("Two tool branches of 2 s and 5 s joined on all: the next call starts at 5 s", "[agent_graph]") {
  // Context 100; the branches return 20 and 50 tokens; the next call adds 30.
  Run run({parallel({branch(toy_tool(2.0, 20)), branch(toy_tool(5.0, 50))}, 2), toy_llm(30, 5)});
  const long prompt = 100 + 20 + 50 + 30;
  CHECK(run.metrics().prompt_tokens == prompt);
  CHECK(run.session_end() == exactly(5.0 + toy_call_s(prompt, 5)));
  CHECK(run.metrics().tool_calls == 2);
  CHECK(run.fleet->sessions_in_flight() == 0);

  // The session's graph: 1 call, 2 tools, one fan-out of width 2; 5 s
  // blocked on tools, then the call's time on the model.
  const SessionGraphMetrics& g = run.metrics().graph;
  const double call = toy_call_s(prompt, 5);
  CHECK(g.sessions == 1);
  CHECK(g.llm_calls == 1);
  CHECK(g.tool_calls == 2);
  CHECK(g.fan_outs == 1);
  CHECK(g.fan_out_width_sum == 2);
  CHECK(g.fan_out_width_max == 2);
  CHECK(g.critical_path_s == exactly(5.0 + call));
  CHECK(g.step_time_s == exactly(2.0 + 5.0 + call));
  CHECK(g.blocked_on_tools_s == exactly(5.0));
  CHECK(g.blocked_on_models_s == exactly(call));
  CHECK(g.blocked_on_both_s == 0.0);
}

TEST_CASE("Joined on any, the 2 s branch wins, the 5 s one finishes its tool and adds nothing", "[agent_graph]") {
  Run run({parallel({branch(toy_tool(2.0, 20)), branch(toy_tool(5.0, 50))}, 1), toy_llm(30, 5)});
  const long prompt = 100 + 20 + 30;
  CHECK(run.metrics().prompt_tokens == prompt);
  CHECK(run.session_end() == exactly(2.0 + toy_call_s(prompt, 5)));
  // The loser's tool call was in flight: it runs to 5 s and is counted.
  CHECK(run.metrics().tool_calls == 2);
  CHECK(run.fleet->sessions_in_flight() == 0);
}

TEST_CASE("A loser of an any join stops at its next step: its later call is never made", "[agent_graph]") {
  std::vector<Step> slow = {toy_tool(5.0, 50), toy_llm(10, 10)};
  Run run({parallel({branch(toy_tool(2.0, 20)), slow}, 1)});
  CHECK(run.session_end() == exactly(2.0));
  CHECK(run.metrics().llm_calls == 0);
  CHECK(run.metrics().tool_calls == 2);
}

TEST_CASE("Joined on 2 of 3, the step ends with the second branch to end", "[agent_graph]") {
  Run run({parallel({branch(toy_tool(9.0, 90)), branch(toy_tool(2.0, 20)), branch(toy_tool(5.0, 50))}, 2),
           toy_llm(30, 5)});
  const long prompt = 100 + 20 + 50 + 30;
  CHECK(run.metrics().prompt_tokens == prompt);
  CHECK(run.session_end() == exactly(5.0 + toy_call_s(prompt, 5)));
}

TEST_CASE("Two LLM branches on two replicas run at once, the join adds what each branch added", "[agent_graph]") {
  // Each branch's call: the parent's 100 tokens + 10 new, 4 out, on its own
  // replica. Each branch adds 10 + 4 to the context: the next prompt is
  // 100 + 14 + 14 + 30.
  Run run({parallel({branch(toy_llm(10, 4)), branch(toy_llm(10, 4))}, 2), toy_llm(30, 5)}, 2);
  CHECK(run.metrics().prompt_tokens == 110 + 110 + 158);
  CHECK(run.session_end() == exactly(toy_call_s(110, 4) + toy_call_s(158, 5)));
  const SessionGraphMetrics& g = run.metrics().graph;
  CHECK(g.llm_calls == 3);
  CHECK(g.step_time_s == exactly(2 * toy_call_s(110, 4) + toy_call_s(158, 5)));
  CHECK(g.blocked_on_models_s == exactly(toy_call_s(110, 4) + toy_call_s(158, 5)));
}

TEST_CASE("A sub-agent without the parent's context starts from its own prompt", "[agent_graph]") {
  // Parent: 100 + 50 -> prompt 150, 10 out: context 160. Sub-agent: its own
  // 200 tokens + 20 -> prompt 220; its result, 40 tokens, joins the parent's
  // 160; the parent's next call adds 30: 230.
  Run run({toy_llm(50, 10), agent_step({toy_llm(20, 5)}, false, 200, 40), toy_llm(30, 5)});
  CHECK(run.metrics().prompt_tokens == 150 + 220 + 230);
  CHECK(run.session_end() == exactly(toy_call_s(150, 10) + toy_call_s(220, 5) + toy_call_s(230, 5)));
  CHECK(run.metrics().graph.sub_agents == 1);
  CHECK(run.metrics().graph.llm_calls == 3);
}

TEST_CASE("A sub-agent with the parent's context, returning its last call's output", "[agent_graph]") {
  // Sub-agent: 160 inherited + 200 + 20 -> prompt 380, 5 out; it returns
  // those 5 tokens: the parent's next prompt is 160 + 5 + 30.
  Run run({toy_llm(50, 10), agent_step({toy_llm(20, 5)}, true, 200, -1), toy_llm(30, 5)});
  CHECK(run.metrics().prompt_tokens == 150 + 380 + 195);
}

TEST_CASE("A plain chain's graph tally splits its time between model and tools", "[agent_graph]") {
  // Prompts: 100 + 100 = 200; then 200 + 10 out + 20 from the tool + 30 = 260.
  Run run({toy_llm(100, 10), toy_tool(0.5, 20), toy_llm(30, 5)});
  const SessionGraphMetrics& g = run.metrics().graph;
  const double calls = toy_call_s(200, 10) + toy_call_s(260, 5);
  CHECK(g.blocked_on_tools_s == exactly(0.5));
  CHECK(g.blocked_on_models_s == exactly(calls));
  CHECK(g.critical_path_s == exactly(g.step_time_s));
  CHECK(g.fan_outs == 0);
}

TEST_CASE("A choose step runs each branch with its probability", "[agent_graph]") {
  // 20,000 sessions' streams; the share of the first branch is binomial with
  // sd sqrt(0.7 x 0.3 / 20000) = 0.0032: the bound is 5 sd.
  Step choose;
  choose.kind = Step::Kind::choose;
  choose.branches = {branch(toy_llm(1, 1)), branch(toy_tool(1, 1))};
  choose.branch_p = {0.7, 0.3};
  const std::vector<Step> steps = {choose};
  const int n = 20000;
  int first = 0;
  for (int i = 0; i < n; ++i) {
    Rng rng(1, static_cast<std::uint64_t>(i));
    StepCursor cursor(&steps);
    const Step* s = cursor.next(rng);
    REQUIRE(s != nullptr);
    first += s->kind == Step::Kind::llm ? 1 : 0;
    CHECK(cursor.next(rng) == nullptr);
  }
  CHECK(std::fabs(first / double(n) - 0.7) < 5 * std::sqrt(0.21 / n));
}

TEST_CASE("A loop with exit probability p runs a geometric number of rounds", "[agent_graph]") {
  // Rounds = min(n, G), G geometric on 1, 2, ... with success p, so the mean
  // is (1 - (1-p)^n) / p: 5 for p = 0.2 and n = 1000 (sd of G: sqrt(0.8) / 0.2
  // = 4.47), 2.44 for n = 3. Over 20,000 streams the standard error is at
  // most 0.032; the bound is 5 standard errors, 0.16.
  for (const auto& [repeat, expected] : {std::pair{1000.0, 5.0}, std::pair{3.0, 1 + 0.8 + 0.64}}) {
    Step loop;
    loop.kind = Step::Kind::loop;
    loop.repeat = Distribution::constant(repeat);
    loop.exit_probability = 0.2;
    loop.body = {toy_tool(1, 0)};
    const std::vector<Step> steps = {loop};
    const int n = 20000;
    double rounds = 0;
    for (int i = 0; i < n; ++i) {
      Rng rng(3, static_cast<std::uint64_t>(i));
      StepCursor cursor(&steps);
      while (cursor.next(rng) != nullptr) rounds += 1;
    }
    INFO("repeat " << repeat);
    CHECK(std::fabs(rounds / n - expected) < 0.16);
  }
}

TEST_CASE("A loop without an exit probability draws nothing between rounds", "[agent_graph]") {
  Step loop;
  loop.kind = Step::Kind::loop;
  loop.repeat = Distribution::constant(4);
  loop.body = {toy_tool(1, 0)};
  const std::vector<Step> steps = {loop};
  Rng rng(5, 9), untouched(5, 9);
  StepCursor cursor(&steps);
  int calls = 0;
  while (cursor.next(rng) != nullptr) ++calls;
  CHECK(calls == 4);
  CHECK(rng.next_u64() == untouched.next_u64());
}

namespace {

const std::string kGraphScenario = R"(name: graph
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}
workloads:
  - name: agent
    arrivals: {process: poisson, rate: 1/s}
    steps:
      - parallel:
          join: {k: 2}
          branches:
            - steps: [{tool: {latency: 1s}}]
            - steps: [{tool: {latency: 2s}}]
      - choose:
          - {p: 0.7, steps: [{llm: {model: llama-3.1-8b, output_tokens: 10}}]}
          - {p: 0.3, steps: [{tool: {latency: 1s}}]}
      - agent:
          inherit_context: false
          prompt_tokens: 300
          steps:
            - loop: {repeat: 5, exit_probability: 0.2, steps: [{tool: {latency: 1s}}]}
simulation: {duration: 10min}
)";

}  // namespace

TEST_CASE("Agent-graph steps load into their steps", "[agent_graph][validation]") {
  const LoadResult r = load_test_yaml(kGraphScenario);
  INFO(messages(r));
  REQUIRE(r.ok());
  const std::vector<Step>& steps = r.scenario->workloads[0].steps;
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].kind == Step::Kind::parallel);
  CHECK(steps[0].branches.size() == 2);
  CHECK(steps[0].join_k == 2);
  CHECK(steps[1].kind == Step::Kind::choose);
  CHECK(steps[1].branch_p == std::vector<double>{0.7, 0.3});
  CHECK(steps[2].kind == Step::Kind::agent);
  CHECK_FALSE(steps[2].inherit_context);
  CHECK(steps[2].result_from_last_call);  // no result_tokens
  CHECK(steps[2].body[0].exit_probability == 0.2);
  CHECK(uses_graph_steps(steps));
}

TEST_CASE("Agent-graph mistakes are reported at their line and column with a hint", "[agent_graph][validation]") {
  // Line 10 is the parallel step's join, line 13 its second branch, line 15 the choose list.
  check_error(with(kGraphScenario, "{k: 2}", "{k: 3}"),
              "test.yaml:10:21: error: workloads[0].steps[0].parallel.join.k: k is 3 but the parallel step has 2 "
              "branches",
              "use k of at most 2");
  check_error(with(kGraphScenario, "join: {k: 2}", "join: some"), "parallel.join: unknown join \"some\"",
              "join: any");
  check_error(with(kGraphScenario, "- steps: [{tool: {latency: 2s}}]", "- steps: []"),
              "test.yaml:13:22: error: workloads[0].steps[0].parallel.branches[1].steps: a branch needs at least one "
              "step",
              "remove the branch");
  check_error(with(kGraphScenario, "{p: 0.3,", "{p: 0.2,"),
              "test.yaml:15:11: error: workloads[0].steps[1].choose: the branches' probabilities p sum to 0.9, not 1",
              "add up to 1");
  check_error(with(kGraphScenario, "exit_probability: 0.2", "exit_probability: 1.5"),
              "loop.exit_probability", "");
  check_error(with(kGraphScenario, "inherit_context: false", "inherit_context: maybe"), "agent.inherit_context",
              "");
  check_error(with(kGraphScenario, "- parallel:", "- paralel:"), "unknown step kind \"paralel\"", "parallel");
}

TEST_CASE("The agent-graph example: same seed, byte-identical JSON, a graph section only where graphs are",
          "[agent_graph][end-to-end]") {
  const std::string dir = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/";
  const std::string args = "run '" + dir + "agentic-graph.yaml' --format json --no-progress " +
                           "--set simulation.duration=20min --set simulation.warmup=2min";
  const auto first = run_fleetsim(args);
  const auto second = run_fleetsim(args);
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out == second.out);
  const nlohmann::json w = nlohmann::json::parse(first.out)["workloads"][0];
  REQUIRE(w.contains("graph"));
  const nlohmann::json& g = w["graph"];
  // Every session fans out 3 at once; the candidate fan-outs are 2 wide.
  CHECK(g["fan_out_width_max"].get<int>() == 3);
  CHECK(g["fan_out_width_mean"].get<double>() > 2.0);
  CHECK(g["fan_out_width_mean"].get<double>() < 3.0);
  CHECK(g["sub_agents_per_session"].get<double>() == 1.0);
  CHECK(g["parallelism"].get<double>() > 1.0);
  // The three kinds of blocked time add up to the critical path.
  CHECK(g["blocked_on_models_mean_s"].get<double>() + g["blocked_on_tools_mean_s"].get<double>() +
            g["blocked_on_both_mean_s"].get<double>() ==
        Approx(g["critical_path_mean_s"].get<double>()).epsilon(1e-9));

  const auto plain = run_fleetsim("run '" + dir + "quickstart.yaml' --format json --no-progress");
  REQUIRE(plain.exit_code == 0);
  // Parsed into a variable: a range-for over a member of a temporary would
  // read the temporary after its end.
  const nlohmann::json plain_report = nlohmann::json::parse(plain.out);
  for (const nlohmann::json& workload : plain_report["workloads"]) CHECK_FALSE(workload.contains("graph"));
}
