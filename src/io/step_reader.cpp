#include "step_reader.hpp"

#include <fmt/format.h>

#include "fleetsim/io/input_limits.hpp"
#include "graph_step_reader.hpp"
#include "fleetsim/io/spelling.hpp"
#include "tool_pool_reader.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {

const DistributionUse kTokens{Dimension::dimensionless, 0.0, limits::kMaxTokens};
const DistributionUse kOutputTokens{Dimension::dimensionless, 1.0, limits::kMaxTokens};
const DistributionUse kDuration{Dimension::duration, 0.0, limits::kMaxStepDuration};
const DistributionUse kRepeat{Dimension::dimensionless, 0.0, limits::kMaxRepeat};

void read_dist(ScenarioContext& ctx, const YAML::Node& map, const std::string& path, const char* key,
               const DistributionUse& use, Distribution& target, bool required) {
  YamlReader& r = ctx.reader;
  const YAML::Node n = required ? r.require(map, path, key) : YamlReader::get(map, key);
  if (!n.IsDefined()) return;
  if (auto d = read_distribution(r, n, child_path(path, key), use)) target = *d;
}

namespace {

// Parallel sampling (`samples: n`) or beam search (`beam_width: w`): the
// sequences the call decodes from its one prompt. Not both: an engine
// samples or searches.
void read_sequences(YamlReader& r, const YAML::Node& body, const std::string& path, Step& step) {
  const YAML::Node samples = YamlReader::get(body, "samples"), beams = YamlReader::get(body, "beam_width");
  if (samples.IsDefined() && beams.IsDefined()) {
    r.error(beams, child_path(path, "beam_width"), "samples and beam_width cannot both be given",
            "keep samples (n completions, all returned) or beam_width (beams searched, the best returned)");
    return;
  }
  const YAML::Node n = samples.IsDefined() ? samples : beams;
  if (!n.IsDefined()) return;
  const char* key = samples.IsDefined() ? "samples" : "beam_width";
  if (auto v = r.integer(n, child_path(path, key), 1, Step::kMaxSequences)) {
    step.sequences = static_cast<int>(*v);
    step.best_sequence_only = beams.IsDefined();
  }
}

Step read_llm(ScenarioContext& ctx, const YAML::Node& body, const std::string& path) {
  Step step;
  step.kind = Step::Kind::llm;
  step.prompt_tokens = Distribution::constant(0.0);
  step.prompt_tokens.lower = 0.0;
  YamlReader& r = ctx.reader;
  if (!r.expect_map(body, path, "e.g. llm: {model: llama-3.1-8b, prompt_tokens: 300, output_tokens: 200}")) return step;
  check_scenario_keys(r, body, path, "llm_step");
  if (const YAML::Node m = r.require(body, path, "model")) {
    const std::string model_path = child_path(path, "model");
    if (auto name = r.name(m, model_path)) {
      step.model = *name;
      NameSite site{*name, m, model_path, ctx.reading_workload};
      if (ctx.resolve_model(site)) ctx.step_models.push_back(site);
    }
  }
  read_dist(ctx, body, path, "prompt_tokens", kTokens, step.prompt_tokens, false);
  read_dist(ctx, body, path, "output_tokens", kOutputTokens, step.output_tokens, true);
  read_sequences(r, body, path, step);
  return step;
}

// A tool on a tool pool: it holds `cores` and `memory` of one node while it
// does `work` (seconds on a reference core); its time comes from the pool, so
// latency: is refused rather than silently ignored.
void read_pool_tool(ScenarioContext& ctx, Step& step, const YAML::Node& body, const std::string& path,
                    const YAML::Node& pool) {
  YamlReader& r = ctx.reader;
  if (const YAML::Node n = YamlReader::get(body, "latency"))
    r.error(n, child_path(path, "latency"), "a tool on a pool takes its time from work:, not latency:",
            "give work: (its duration on a reference core; the pool's core_speed scales it) and remove latency:");
  read_dist(ctx, body, path, "work", kDuration, step.work_s, true);
  const YAML::Node cores = YamlReader::get(body, "cores");
  if (cores.IsDefined())
    if (auto v = r.integer(cores, child_path(path, "cores"), 1)) step.cores = static_cast<int>(*v);
  const YAML::Node memory = YamlReader::get(body, "memory");
  if (memory.IsDefined())
    if (auto v = r.quantity(memory, child_path(path, "memory"), Dimension::bytes, at_least(0)))
      step.memory_bytes = *v;
  if (auto name = r.name(pool, child_path(path, "pool"))) {
    step.pool = *name;
    resolve_tool_pool(ctx, step, pool, path, cores.IsDefined() ? cores : body, memory.IsDefined() ? memory : body);
  }
}

Step read_tool(ScenarioContext& ctx, const YAML::Node& body, const std::string& path) {
  Step step;
  step.kind = Step::Kind::tool;
  step.result_tokens = Distribution::constant(0.0);
  step.result_tokens.lower = 0.0;
  YamlReader& r = ctx.reader;
  if (!r.expect_map(body, path,
                    "e.g. tool: {latency: {dist: exponential, mean: 4s}, result_tokens: 300}, or on a tool pool "
                    "tool: {pool: sandbox, cores: 2, memory: 4GiB, work: 3s}"))
    return step;
  check_scenario_keys(r, body, path, "tool_step");
  read_dist(ctx, body, path, "result_tokens", kTokens, step.result_tokens, false);
  const YAML::Node pool = YamlReader::get(body, "pool");
  if (!pool.IsDefined()) {  // an external service: a delay, no capacity
    for (const char* key : {"cores", "memory", "work"})
      if (const YAML::Node n = YamlReader::get(body, key))
        r.error(n, child_path(path, key), fmt::format("{} applies only to a tool that runs on a tool pool", key),
                "add pool: NAME (one of fleet.tool_pools), or remove it; a tool without a pool is an external "
                "service that takes latency:");
    read_dist(ctx, body, path, "latency", kDuration, step.latency_s, true);
    return step;
  }
  read_pool_tool(ctx, step, body, path, pool);
  return step;
}

Step read_loop(ScenarioContext& ctx, const YAML::Node& body, const std::string& path) {
  Step step;
  step.kind = Step::Kind::loop;
  YamlReader& r = ctx.reader;
  if (!r.expect_map(body, path, "e.g. loop: {repeat: 5, steps: [...]}, or loop: {repeat: 20, exit_probability: 0.2, "
                    "steps: [...]}"))
    return step;
  check_scenario_keys(r, body, path, "loop_step");
  read_dist(ctx, body, path, "repeat", kRepeat, step.repeat, true);
  if (const YAML::Node n = YamlReader::get(body, "exit_probability"))
    if (auto p = r.number(n, child_path(path, "exit_probability"), in_range(0.0, 1.0))) step.exit_probability = *p;
  if (const YAML::Node steps = r.require(body, path, "steps"))
    step.body = read_steps(ctx, steps, child_path(path, "steps"));
  return step;
}

// The step kinds, by their key. A new kind is a reader here (or in a file of
// its own, like the agent-graph kinds) and its case in FleetModel::advance.
using StepReader = Step (*)(ScenarioContext&, const YAML::Node&, const std::string&);
struct StepKind {
  const char* key;
  StepReader read;
};
const StepKind kStepKinds[] = {
    {"llm", read_llm},         {"tool", read_tool},         {"loop", read_loop},
    {"parallel", read_parallel}, {"agent", read_agent}, {"choose", read_choose},
};


}  // namespace

std::vector<std::string> step_kind_keys() {
  std::vector<std::string> keys;
  for (const StepKind& k : kStepKinds) keys.emplace_back(k.key);
  return keys;
}

std::vector<Step> read_steps(ScenarioContext& ctx, const YAML::Node& list, const std::string& path) {
  YamlReader& r = ctx.reader;
  std::vector<Step> steps;
  if (!r.expect_items(list, path, "step")) return steps;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string item_path = index_path(path, i);
    if (!item.IsMap()) {
      r.error(item, item_path,
              "expected a step (a map with one key: llm, tool, loop, parallel, agent or choose), found " +
                  YamlReader::describe(item));
      continue;
    }
    if (item.size() != 1) {
      std::vector<std::string> keys;
      for (auto it = item.begin(); it != item.end(); ++it)
        keys.push_back(it->first.IsScalar() ? it->first.Scalar() : "?");
      r.error(item, item_path,
              fmt::format("expected one key per step (llm, tool, loop, parallel, agent or choose), found {}: {}",
                          keys.size(),
                          quoted_list(keys)),
              "start every step with its own \"- \"");
      continue;
    }
    const YAML::Node key = item.begin()->first;
    const YAML::Node body = item.begin()->second;
    const std::string kind = key.IsScalar() ? key.Scalar() : "";
    const std::string body_path = child_path(item_path, kind);
    const StepKind* known = nullptr;
    for (const StepKind& k : kStepKinds)
      if (kind == k.key) known = &k;
    if (known != nullptr)
      steps.push_back(known->read(ctx, body, body_path));
    else
      r.error(key, body_path, fmt::format("unknown step kind {}", YamlReader::describe(key)),
              did_you_mean_hint(kind, step_kind_keys(), "expected one of"));
  }
  return steps;
}

Step read_orchestrator(ScenarioContext& ctx, const YAML::Node& body, const std::string& path) {
  Step step;
  step.kind = Step::Kind::tool;
  step.result_tokens = Distribution::constant(0.0);
  step.result_tokens.lower = 0.0;
  YamlReader& r = ctx.reader;
  if (!r.expect_map(body, path, "e.g. orchestrator: {pool: sandbox, cores: 1, memory: 512MiB, work: 20ms}"))
    return step;
  check_scenario_keys(r, body, path, "orchestrator");
  if (const YAML::Node pool = r.require(body, path, "pool", "the tool pool the agent harness runs on"))
    read_pool_tool(ctx, step, body, path, pool);
  return step;
}

}  // namespace fleetsim
