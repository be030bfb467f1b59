// The KV retention and admission registries: every policy named once,
// documented, resolved for an engine, and what each resolved policy decides.
// The batcher's behaviour under each policy is in test_continuous_batcher.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/kv_policy.hpp"
#include "fleetsim/core/scenario.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;

namespace {

std::string scenario_format() {
  std::ifstream in(std::string(FLEETSIM_SOURCE_DIR) + "/docs/scenario-format.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("The KV retention registry names every policy once, documents it, and refuses unknown names",
          "[kv_policy]") {
  // The order is the scenario words' (messages, docs and the JSON Schema).
  CHECK(kv_retention_policy_names() == std::vector<std::string>{"none", "lru", "ttl", "tool_gap", "idleness"});
  const std::string doc = scenario_format();
  REQUIRE_FALSE(doc.empty());
  for (const KvRetentionInfo& info : kv_retention_policies()) {
    INFO(info.name);
    CHECK(find_kv_retention_policy(info.name) == &info);
    CHECK_FALSE(info.doc.empty());
    CHECK_THAT(doc, Contains("- `" + std::string(info.name) + "`:"));
  }
  CHECK(find_kv_retention_policy(EngineSettings{}.kv_retention) != nullptr);  // the default is registered
  EngineSettings unknown;
  unknown.kv_retention = "fifo";
  CHECK_THROWS_AS(make_kv_retention_policy(unknown), std::invalid_argument);
  CHECK_THROWS_WITH(make_kv_retention_policy(unknown), Contains("\"fifo\"") && Contains("none, lru, ttl, tool_gap, idleness"));
}

TEST_CASE("The KV admission registry names every policy once, documents it, and refuses unknown names",
          "[kv_policy]") {
  CHECK(kv_admission_policy_names() == std::vector<std::string>{"on_demand", "reserve_output"});
  const std::string doc = scenario_format();
  for (const KvAdmissionInfo& info : kv_admission_policies()) {
    INFO(info.name);
    CHECK(find_kv_admission_policy(info.name) == &info);
    CHECK_FALSE(info.doc.empty());
    CHECK_THAT(doc, Contains("- `" + std::string(info.name) + "`:"));
  }
  CHECK(find_kv_admission_policy(EngineSettings{}.kv_admission) != nullptr);
  EngineSettings unknown;
  unknown.kv_admission = "greedy";
  CHECK_THROWS_WITH(make_kv_admission_policy(unknown), Contains("\"greedy\"") && Contains("on_demand, reserve_output"));
}

TEST_CASE("Each retention policy keeps, and expires, as its keyword says", "[kv_policy]") {
  EngineSettings engine;
  engine.kv_ttl_s = 30.0;
  engine.kv_retention = "none";
  CHECK_FALSE(make_kv_retention_policy(engine).keeps);
  engine.kv_retention = "lru";
  const KvRetentionPolicy lru = make_kv_retention_policy(engine);
  CHECK(lru.keeps);
  CHECK_FALSE(lru.expires());
  CHECK(std::isinf(lru.expiry_s(100.0)));  // kv_ttl is read only by ttl
  engine.kv_retention = "ttl";
  const KvRetentionPolicy ttl = make_kv_retention_policy(engine);
  CHECK(ttl.keeps);
  CHECK(ttl.expires());
  CHECK(ttl.expiry_s(100.0) == 130.0);
  CHECK(find_kv_retention_policy("ttl")->reads_ttl);
  CHECK_FALSE(find_kv_retention_policy("lru")->reads_ttl);
  // Only tool_gap and idleness let a session's cache go when it leaves, and
  // only idleness ranks the caches it keeps by their sessions' idleness.
  for (const char* name : {"none", "lru", "ttl"}) {
    engine.kv_retention = name;
    CHECK_FALSE(make_kv_retention_policy(engine).frees_when_session_leaves);
    CHECK_FALSE(make_kv_retention_policy(engine).ranks_by_idleness);
  }
  engine.kv_retention = "tool_gap";
  const KvRetentionPolicy tool_gap = make_kv_retention_policy(engine);
  CHECK((tool_gap.keeps && tool_gap.frees_when_session_leaves && !tool_gap.ranks_by_idleness && !tool_gap.expires()));
  engine.kv_retention = "idleness";
  const KvRetentionPolicy idleness = make_kv_retention_policy(engine);
  CHECK((idleness.keeps && idleness.frees_when_session_leaves && idleness.ranks_by_idleness && !idleness.expires()));
}

TEST_CASE("Each admission policy asks for the tokens its keyword says", "[kv_policy]") {
  CallRequest call;
  call.prompt_tokens = 1000;
  call.output_tokens = 200;
  EngineSettings engine;
  engine.kv_admission = "on_demand";
  // A call preempted after 50 tokens must hold 1050 before it decodes again.
  CHECK(make_kv_admission_policy(engine).tokens_to_admit(call, 1050) == 1051);
  engine.kv_admission = "reserve_output";
  CHECK(make_kv_admission_policy(engine).tokens_to_admit(call, 1050) == 1200);
}
