// The router and its policies on small hand-built fleets: which replica each
// policy picks, the overflow pool, and the registry the scenario reader and
// the router share.
#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/core/router.hpp"
#include "fleetsim/core/routing_policy.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "support/batcher_driver.hpp"
#include "support/fixtures.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

// `n` idle replicas of llama-8b on an H100 node.
std::vector<ContinuousBatcher> replicas(std::size_t n) {
  EngineSettings engine;
  const auto roofline = std::make_shared<RooflineModel>(llama_8b(), h100_node(), engine);
  std::vector<ContinuousBatcher> out;
  for (std::size_t i = 0; i < n; ++i)
    out.emplace_back(roofline, engine, PowerModel(h100_node().device_power, engine.tensor_parallel), 10000, 1, 0.0,
                     nullptr);
  return out;
}

// Queues `calls` calls at `replica`, so that it has that many waiting.
void queue(ContinuousBatcher& replica, int calls) {
  for (int i = 0; i < calls; ++i) {
    CallRequest c;
    c.call_id = static_cast<std::uint64_t>(i);
    c.session_key = static_cast<std::uint64_t>(i);
    c.prompt_tokens = 100;
    c.output_tokens = 10;
    replica.enqueue(c);
  }
}

// Pool "a" holds replicas 0..a-1 and pool "b" the next b, all serving "m";
// one route for "m" over pool "a" with `policy`.
struct Fleet {
  Scenario scenario;
  std::vector<ReplicaPlacement> placements;

  Fleet(std::size_t a, std::size_t b, const std::string& policy) {
    for (const char* name : {"a", "b"}) {
      Pool pool;
      pool.name = name;
      pool.models = {"m"};
      scenario.pools.push_back(pool);
    }
    for (std::size_t r = 0; r < a + b; ++r) placements.push_back({r < a ? 0u : 1u, r, r, "m"});
    Route route;
    route.model = "m";
    route.pools = {"a"};
    route.policy = policy;
    scenario.routes.push_back(route);
  }
  Route& route() { return scenario.routes[0]; }
};

std::vector<std::size_t> route_n(Router& router, int n, int last_replica,
                                 const std::vector<ContinuousBatcher>& batchers) {
  std::vector<std::size_t> picks;
  for (int i = 0; i < n; ++i) picks.push_back(router.route("m", last_replica, batchers));
  return picks;
}

}  // namespace

TEST_CASE("round_robin takes the candidates in turn, whatever their load", "[router]") {
  Fleet fleet(3, 1, "round_robin");
  auto batchers = replicas(4);
  queue(batchers[1], 5);
  Router router(fleet.scenario, fleet.placements);
  CHECK(route_n(router, 7, 2, batchers) == std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 0});
  CHECK(router.outstanding(0) == 3);
  CHECK(router.outstanding(3) == 0);  // pool b is not on the route
}

TEST_CASE("least_outstanding takes the candidate with the fewest calls, the lowest index among ties", "[router]") {
  Fleet fleet(3, 1, "least_outstanding");
  auto batchers = replicas(4);
  Router router(fleet.scenario, fleet.placements);
  CHECK(route_n(router, 4, -1, batchers) == std::vector<std::size_t>{0, 1, 2, 0});
  router.call_finished(2);
  router.call_finished(1);
  CHECK(router.route("m", 0, batchers) == 1);  // 1 and 2 hold none; 1 is lower
  CHECK(router.route("m", 0, batchers) == 2);
  CHECK(router.outstanding(0) == 2);
  router.call_finished(3);  // a replica with nothing outstanding stays at zero
  CHECK(router.outstanding(3) == 0);
}

TEST_CASE("session_affinity goes home while the home queue is short, else to the least loaded", "[router]") {
  Fleet fleet(3, 1, "session_affinity");
  fleet.route().affinity_max_queue = 2;
  auto batchers = replicas(4);
  Router router(fleet.scenario, fleet.placements);
  CHECK(route_n(router, 3, 2, batchers) == std::vector<std::size_t>{2, 2, 2});  // home, whatever its load
  CHECK(router.route("m", -1, batchers) == 0);  // no previous call: least outstanding
  queue(batchers[2], 1);
  CHECK(router.route("m", 2, batchers) == 2);  // one waiting < 2
  queue(batchers[2], 1);
  CHECK(router.route("m", 2, batchers) == 1);  // two waiting: not home
  CHECK(router.route("m", 3, batchers) == 0);  // home is not a candidate (pool b)
}

TEST_CASE("prefix_affinity goes where the longest run of the call's chunks is, while that queue is short",
          "[router][prefix_cache]") {
  Fleet fleet(3, 0, "prefix_affinity");
  fleet.route().affinity_max_queue = 2;
  auto batchers = replicas(3);
  for (auto& b : batchers) b.attach_prefix_cache();
  // Replica 2 computed a prompt of chunks 1, 2 (1,024 tokens); replica 1 one of chunk 1 alone.
  const std::uint64_t chunks[] = {1, 2, 3};
  Recorder rec;
  CallRequest computed = call(1, 1, 1024, 1);
  computed.prefix = {chunks, 2, 512};
  batchers[2].enqueue(computed);
  drain(batchers[2], rec, 0.0);
  computed.prefix.count = 1;
  computed.prompt_tokens = 512;
  batchers[1].enqueue(computed);
  drain(batchers[1], rec, 0.0);

  Router router(fleet.scenario, fleet.placements);
  CallRequest next = call(2, 2, 1536, 10);
  next.prefix = {chunks, 3, 512};
  CHECK(router.route("m", -1, batchers, &next) == 2);  // 1,024 tokens there
  CHECK(router.route("m", -1, batchers, &next) == 2);  // whatever its outstanding calls
  CHECK(router.route("m", -1, batchers) == 0);          // no call at hand: least outstanding
  CallRequest plain = call(3, 3, 1536, 10);
  CHECK(router.route("m", -1, batchers, &plain) == 1);  // no hashes: least outstanding (0 has 1, 1 none)
  queue(batchers[2], 2);
  CHECK(router.route("m", -1, batchers, &next) == 1);  // 2 waiting at 2: the next longest run, 512 tokens
  const std::uint64_t other[] = {8, 9};
  next.prefix = {other, 2, 512};
  CHECK(router.route("m", -1, batchers, &next) == 0);  // held nowhere: least outstanding
}

TEST_CASE("A call spills to the overflow pool when the pick's queue is long and the overflow is less loaded",
          "[router]") {
  Fleet fleet(1, 2, "least_outstanding");
  fleet.route().overflow_pool = "b";
  fleet.route().overflow_queue_threshold = 2;
  auto batchers = replicas(3);
  Router router(fleet.scenario, fleet.placements);
  CHECK(route_n(router, 2, -1, batchers) == std::vector<std::size_t>{0, 0});  // its queue is short
  queue(batchers[0], 2);
  CHECK(route_n(router, 4, -1, batchers) == std::vector<std::size_t>{1, 2, 1, 2});
  CHECK(router.route("m", -1, batchers) == 0);  // the overflow holds 2 each now, as many as 0: no spill
}

TEST_CASE("A candidate set answers membership alike whether its replicas are consecutive or not", "[router]") {
  // {2, 3, 4} takes the range check; {1, 3, 5} and {2, 3, 5} the search.
  const CandidateSet consecutive({2, 3, 4}), gaps({1, 3, 5}), gap_at_end({2, 3, 5}), none;
  for (std::size_t r = 0; r < 8; ++r) {
    INFO("replica " << r);
    CHECK(consecutive.contains(r) == (r >= 2 && r <= 4));
    CHECK(gaps.contains(r) == (r == 1 || r == 3 || r == 5));
    CHECK(gap_at_end.contains(r) == (r == 2 || r == 3 || r == 5));
    CHECK_FALSE(none.contains(r));
  }
  CHECK(CandidateSet({0}).contains(0));
  CHECK_FALSE(CandidateSet({0}).contains(1));
}

TEST_CASE("A policy picks from a hand-built candidate set without a router", "[router]") {
  auto batchers = replicas(6);
  std::vector<std::uint32_t> outstanding(6, 0);
  CandidateSet candidates({1, 3, 5});
  candidates.set_load(0, 4);  // replica 1
  candidates.set_load(1, 2);  // replica 3
  candidates.set_load(2, 2);  // replica 5
  CHECK(candidates.contains(3));
  CHECK_FALSE(candidates.contains(2));
  Route route;
  route.affinity_max_queue = 1;
  for (const auto& [policy, last, expected] :
       std::vector<std::tuple<std::string, int, std::size_t>>{{"least_outstanding", 1, 3},
                                                              {"session_affinity", 1, 1},
                                                              {"session_affinity", 4, 3},
                                                              {"round_robin", 1, 1}}) {
    INFO(policy << " after replica " << last);
    route.policy = policy;
    const auto p = make_routing_policy(route);
    CHECK(p->pick({candidates, batchers, outstanding, last}) == expected);
  }
}

TEST_CASE("The registry names every policy once, documents it, and refuses unknown names with the list",
          "[router]") {
  const std::vector<std::string> names = routing_policy_names();
  CHECK(names ==
        std::vector<std::string>{"round_robin", "least_outstanding", "session_affinity", "prefix_affinity"});
  for (const RoutingPolicyInfo& info : routing_policies()) {
    INFO(info.name);
    CHECK(find_routing_policy(info.name) == &info);
    CHECK_FALSE(info.doc.empty());
    Route route;
    route.policy = std::string(info.name);
    CHECK(make_routing_policy(route) != nullptr);
  }
  CHECK(find_routing_policy(Route{}.policy) != nullptr);  // the default is registered
  CHECK(find_routing_policy("random") == nullptr);

  Route unknown;
  unknown.policy = "random";
  try {
    make_routing_policy(unknown);
    FAIL("an unknown policy was built");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Contains("\"random\"") && Contains("round_robin, least_outstanding, session_affinity"));
  }
}

TEST_CASE("The scenario reader refuses an unregistered policy and lists the registered ones", "[router]") {
  const std::string text = R"(name: t
fleet:
  pools: [{name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}]
routing:
  - {model: llama-3.1-8b, policy: random}
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 1/s}
    steps: [{llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 10}}]
simulation: {duration: 1min}
)";
  const LoadResult r = load_scenario_text(text, "t.yaml");
  std::vector<Diagnostic> errors;
  for (const auto& d : r.diagnostics)
    if (d.is_error()) errors.push_back(d);
  REQUIRE(errors.size() == 1);
  const Diagnostic& d = errors[0];
  CHECK(d.key_path == "routing[0].policy");
  CHECK_THAT(d.message, Contains("unknown routing policy \"random\""));
  for (const std::string& name : routing_policy_names()) CHECK_THAT(d.hint, Contains("\"" + name + "\""));
}

TEST_CASE("Every registered policy is documented in the scenario format", "[router]") {
  const std::string doc = [] {
    std::ifstream in(std::string(FLEETSIM_SOURCE_DIR) + "/docs/scenario-format.md");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }();
  REQUIRE_FALSE(doc.empty());
  for (const RoutingPolicyInfo& info : routing_policies())
    CHECK_THAT(doc, Contains("- `" + std::string(info.name) + "`:"));
}
