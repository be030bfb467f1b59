// How calls reach a pool's engine (`engine: {frontend: ...}`,
// docs/performance-model.md §4.2): through the stack's API server, or from a
// harness in the engine's process, which pays no request path and runs each
// step without the API server's share of the stack's host work. Checked by
// hand against the stack's own figures, in the reader and per call.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "support/call_log.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::call_log_of;
using fleetsim::testing::messages;

namespace {

// A stack whose server runs in the engine's process: a quarter of its host work.
const Catalog& server_stack_catalog() {
  static const Catalog catalog = [] {
    HardwareSpec h = testing::h100_node();
    h.name = "h100-p5.48xlarge";
    ServingStack s;
    s.name = "inprocess";
    s.overhead = {2e-3, 10e-6, 30e-6, 0.25};
    s.request_path = {10e-3, 2e-6};
    return Catalog({h}, {testing::llama_8b()}, {s});
  }();
  return catalog;
}

LoadResult load_with_engine(const std::string& engine) {
  return load_scenario_text(
      "name: frontend\nfleet:\n  pools:\n    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, "
      "models: [llama-3.1-8b], engine: " +
          engine +
          "}\nworkloads:\n  - name: chat\n    arrivals: {rate: 1/s}\n    steps:\n      - llm: "
          "{model: llama-3.1-8b, output_tokens: 10}\nsimulation: {sessions: 10}\n",
      "f.yaml", server_stack_catalog());
}

struct FrontendCallTimes {
  double to_engine = 0, prefill = 0, decode = 0;  // issued -> scheduled -> first token -> finished
};

// Four calls 20 s apart on one built-in vllm-0.5 replica: none waits for
// another, so each runs its prefill and its decodes alone.
std::vector<FrontendCallTimes> run_vllm05(const std::string& name, const std::string& frontend) {
  const std::string scenario =
      "name: frontend-calls\nfleet:\n  pools:\n    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, "
      "models: [llama-3.1-8b], engine: {stack: vllm-0.5, frontend: " +
      frontend +
      "}}\nworkloads:\n  - name: chat\n    arrivals: {process: constant, rate: 0.05/s}\n    steps:\n"
      "      - llm: {model: llama-3.1-8b, prompt_tokens: 300, output_tokens: 20}\nsimulation: {sessions: 4, seed: 2}\n";
  std::vector<FrontendCallTimes> calls;
  for (const auto& row : call_log_of(name, scenario)) {
    const double issued = std::stod(row.at("issued_s")), scheduled = std::stod(row.at("scheduled_s"));
    const double first = std::stod(row.at("first_token_s")), finished = std::stod(row.at("finished_s"));
    calls.push_back({scheduled - issued, first - scheduled, finished - first});
  }
  return calls;
}

}  // namespace

TEST_CASE("frontend: none takes the API server's share off every term of the stack's host work, by hand",
          "[frontend][stacks][loader]") {
  // 11 sequences, 9 sampled tokens: 2 ms + 110 us + 270 us = 2.38 ms, of
  // which the server's quarter leaves 1.785 ms.
  const IterationOverhead o{2e-3, 10e-6, 30e-6, 0.25};
  CHECK(o.time_s(11, 9) == Approx(2.38e-3));
  const IterationOverhead engine_only = o.without_api_server();
  CHECK(engine_only.time_s(11, 9) == Approx(1.785e-3));
  CHECK(engine_only.api_server_share == 0.0);  // taken off once

  SECTION("frontend: none") {
    const LoadResult r = load_with_engine("{stack: inprocess, frontend: none}");
    INFO(messages(r.diagnostics));
    REQUIRE(r.ok());
    const EngineSettings& e = r.scenario->pools[0].engine;
    REQUIRE(e.overhead);
    CHECK(e.overhead->fixed_s == Approx(1.5e-3));
    CHECK(e.overhead->per_sequence_s == Approx(7.5e-6));
    CHECK(e.overhead->per_output_token_s == Approx(22.5e-6));
    CHECK_FALSE(e.request_path.priced());
  }
  SECTION("frontend: api_server, or none given: the stack's figures as they are") {
    for (const char* engine : {"{stack: inprocess, frontend: api_server}", "{stack: inprocess}"}) {
      INFO(engine);
      const LoadResult r = load_with_engine(engine);
      REQUIRE(r.ok());
      const EngineSettings& e = r.scenario->pools[0].engine;
      REQUIRE(e.overhead);
      CHECK(e.overhead->fixed_s == 2e-3);
      CHECK(e.overhead->per_sequence_s == 10e-6);
      CHECK(e.overhead->api_server_share == 0.25);
      CHECK(e.request_path.fixed_s == 10e-3);
    }
  }
  SECTION("no stack: the hardware's overhead, which holds no server's share") {
    const LoadResult r = load_with_engine("{frontend: none}");
    REQUIRE(r.ok());
    CHECK_FALSE(r.scenario->pools[0].engine.overhead);
  }
}

TEST_CASE("frontend's mistakes are located", "[frontend][stacks][loader]") {
  const LoadResult both = load_with_engine("{stack: inprocess, frontend: none, request_path: {fixed: 1ms}}");
  CHECK_FALSE(both.ok());
  CHECK_THAT(messages(both.diagnostics),
             Contains("error: fleet.pools[0].engine.request_path: request_path applies only with frontend: api_server"));
  const LoadResult word = load_with_engine("{stack: inprocess, frontend: offline}");
  CHECK_FALSE(word.ok());
  CHECK_THAT(messages(word.diagnostics), Contains("fleet.pools[0].engine.frontend"));
  CHECK_THAT(messages(word.diagnostics), Contains("api_server"));

  for (const char* share : {"1", "-0.1", "half"}) {
    INFO(share);
    std::vector<Diagnostic> diagnostics;
    const auto c = overlay_catalog(server_stack_catalog(),
                                   std::string("stacks:\n  inprocess:\n    overhead: {api_server: ") + share + "}\n",
                                   "mine.yaml", diagnostics);
    CHECK_FALSE(c);
    CHECK_THAT(messages(diagnostics), Contains("stacks.inprocess.overhead.api_server"));
  }
}

TEST_CASE("The built-in stacks' API server shares: vllm-0.5's, sourced, and none for the rest", "[frontend][stacks]") {
  const Catalog& c = Catalog::builtin();
  for (const ServingStack& s : c.stacks()) {
    INFO(s.name);
    if (s.name == "vllm-0.5") {
      CHECK(s.overhead.api_server_share == Approx(33.0 / 62.0).margin(0.005));
      CHECK(s.sources.count("overhead.api_server") == 1);
    } else {
      CHECK(s.overhead.api_server_share == 0.0);
    }
  }
}

TEST_CASE("A call through frontend: none skips the request path and pays the engine's part of each step, per call",
          "[frontend][stacks]") {
  const ServingStack& stack = *Catalog::builtin().find_stack("vllm-0.5");
  const IterationOverhead& o = stack.overhead;
  // One sequence per step, sampling one token: the prefill step and each of
  // the 19 decode steps after the first token.
  const double server_part = o.api_server_share * o.time_s(1, 1);
  REQUIRE(server_part > 1e-3);
  const auto served = run_vllm05("frontend-server", "api_server");
  const auto direct = run_vllm05("frontend-none", "none");
  REQUIRE(served.size() == 4);
  REQUIRE(direct.size() == served.size());
  for (std::size_t i = 0; i < served.size(); ++i) {
    INFO("call " << i);
    CHECK(served[i].to_engine == Approx(stack.request_path.delay_s(300)).margin(1e-6));
    CHECK(direct[i].to_engine == Approx(0.0).margin(1e-6));
    CHECK(served[i].prefill - direct[i].prefill == Approx(server_part).margin(2e-6));
    CHECK(served[i].decode - direct[i].decode == Approx(19 * server_part).margin(2e-6));
  }
}
