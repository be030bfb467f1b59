#include "graph_step_reader.hpp"

#include <cmath>

#include <fmt/format.h>

#include "step_reader.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

// Branch probabilities written to a few decimals (0.33 + 0.33 + 0.34) sum to
// 1 within rounding; anything further off is a mistake.
constexpr double kProbabilitySumTolerance = 1e-6;

// A branch's `steps:`, refusing an empty list with a hint of its own (an
// empty branch of a parallel step would join at once, which is never meant).
std::vector<Step> read_branch_steps(ScenarioContext& ctx, const YAML::Node& branch, const std::string& path) {
  YamlReader& r = ctx.reader;
  const YAML::Node steps = r.require(branch, path, "steps");
  if (!steps) return {};
  const std::string steps_path = child_path(path, "steps");
  if (steps.IsSequence() && steps.size() == 0) {
    r.error(steps, steps_path, "a branch needs at least one step, found an empty list",
            "give it an llm, tool or further step, or remove the branch");
    return {};
  }
  return read_steps(ctx, steps, steps_path);
}

// `join: all`, `join: any` or `join: {k: N}`, as the number of branches that
// must end; 0 when unreadable (already reported).
int read_join(ScenarioContext& ctx, const YAML::Node& join, const std::string& path, std::size_t branches) {
  YamlReader& r = ctx.reader;
  const auto n = static_cast<int>(branches);
  if (!join.IsDefined()) return n;  // all
  const std::string hint = "join: all, join: any, or join: {k: 2} to go on when 2 branches have ended";
  if (join.IsScalar()) {
    if (join.Scalar() == "all") return n;
    if (join.Scalar() == "any") return 1;
    r.error(join, path, fmt::format("unknown join {}", YamlReader::describe(join)), hint);
    return 0;
  }
  if (!r.expect_map(join, path, hint)) return 0;
  check_scenario_keys(r, join, path, "join");
  const YAML::Node k = r.require(join, path, "k");
  if (!k) return 0;
  const std::string k_path = child_path(path, "k");
  const auto v = r.integer(k, k_path, 1);
  if (!v) return 0;
  if (*v > n) {
    r.error(k, k_path, fmt::format("k is {} but the parallel step has {} branch{}", *v, n, n == 1 ? "" : "es"),
            fmt::format("use k of at most {}, or add branches", n));
    return 0;
  }
  return static_cast<int>(*v);
}

}  // namespace

Step read_parallel(ScenarioContext& ctx, const YAML::Node& body, const std::string& path) {
  Step step;
  step.kind = Step::Kind::parallel;
  YamlReader& r = ctx.reader;
  if (!r.expect_map(body, path, "e.g. parallel: {join: all, branches: [{steps: [...]}, {steps: [...]}]}")) return step;
  check_scenario_keys(r, body, path, "parallel_step");
  const YAML::Node branches = r.require(body, path, "branches");
  if (!branches) return step;
  const std::string branches_path = child_path(path, "branches");
  if (!r.expect_items(branches, branches_path, "branch")) return step;
  for (std::size_t i = 0; i < branches.size(); ++i) {
    const std::string branch_path = index_path(branches_path, i);
    if (!r.expect_map(branches[i], branch_path, "each branch is {steps: [...]}")) continue;
    check_scenario_keys(r, branches[i], branch_path, "branch");
    step.branches.push_back(read_branch_steps(ctx, branches[i], branch_path));
  }
  step.join_k = read_join(ctx, YamlReader::get(body, "join"), child_path(path, "join"), branches.size());
  return step;
}

Step read_agent(ScenarioContext& ctx, const YAML::Node& body, const std::string& path) {
  Step step;
  step.kind = Step::Kind::agent;
  step.prompt_tokens = Distribution::constant(0.0);
  step.prompt_tokens.lower = 0.0;
  YamlReader& r = ctx.reader;
  if (!r.expect_map(body, path,
                    "e.g. agent: {inherit_context: false, prompt_tokens: 1500, result_tokens: 400, steps: [...]}"))
    return step;
  check_scenario_keys(r, body, path, "agent_step");
  if (const YAML::Node n = YamlReader::get(body, "inherit_context"))
    if (auto v = r.boolean(n, child_path(path, "inherit_context"))) step.inherit_context = *v;
  read_dist(ctx, body, path, "prompt_tokens", kTokens, step.prompt_tokens, false);
  step.result_from_last_call = !YamlReader::get(body, "result_tokens").IsDefined();
  read_dist(ctx, body, path, "result_tokens", kTokens, step.result_tokens, false);
  step.body = read_branch_steps(ctx, body, path);
  return step;
}

Step read_choose(ScenarioContext& ctx, const YAML::Node& body, const std::string& path) {
  Step step;
  step.kind = Step::Kind::choose;
  YamlReader& r = ctx.reader;
  if (!r.expect_items(body, path, "branch")) return step;
  double sum = 0.0;
  bool all_read = true;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const std::string branch_path = index_path(path, i);
    if (!r.expect_map(body[i], branch_path, "each branch is {p: 0.7, steps: [...]}")) {
      all_read = false;
      continue;
    }
    check_scenario_keys(r, body[i], branch_path, "choice");
    const YAML::Node p = r.require(body[i], branch_path, "p");
    std::optional<double> value;
    if (p) value = r.number(p, child_path(branch_path, "p"), in_range(0.0, 1.0));
    all_read = all_read && value.has_value();
    sum += value.value_or(0.0);
    step.branch_p.push_back(value.value_or(0.0));
    step.branches.push_back(read_branch_steps(ctx, body[i], branch_path));
  }
  if (all_read && std::fabs(sum - 1.0) > kProbabilitySumTolerance)
    r.error(body, path, fmt::format("the branches' probabilities p sum to {:g}, not 1", sum),
            "make them add up to 1: each p is the chance that its branch runs");
  return step;
}

}  // namespace fleetsim
