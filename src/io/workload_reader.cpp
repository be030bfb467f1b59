#include "workload_reader.hpp"

#include <map>

#include <fmt/format.h>

#include "arrivals_reader.hpp"
#include "distribution_reader.hpp"
#include "fleetsim/core/arrival_process.hpp"
#include "fleetsim/io/input_limits.hpp"
#include "step_reader.hpp"
#include "trace_workload_reader.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

Slo read_slo(YamlReader& r, const YAML::Node& map, const std::string& path) {
  Slo slo;
  if (!r.expect_map(map, path, "e.g. slo: {percentile: 95, ttft: 2s, tpot: 100ms, session: 5min}")) return slo;
  check_scenario_keys(r, map, path, "slo");
  if (const YAML::Node n = YamlReader::get(map, "percentile"))
    if (auto v = r.number(n, child_path(path, "percentile"), in_range(0, 100, true, true))) slo.percentile = *v;
  auto bound = [&](const char* key, std::optional<double>& target) {
    if (const YAML::Node n = YamlReader::get(map, key))
      target = r.quantity(n, child_path(path, key), Dimension::duration, greater_than(0));
  };
  bound("ttft", slo.ttft_s);
  bound("tpot", slo.tpot_s);
  bound("session", slo.session_s);
  return slo;
}

// A prefix several workloads name: its tokens, and where they were first given.
struct NamedPrefix {
  long tokens = 0;
  std::string workload;
  int line = 0;
};

// `shared_prefix: N`, or `{tokens: N, name: P}` for a prefix that the
// workloads naming P share, which must then give it the same tokens.
void read_shared_prefix(ScenarioContext& ctx, const YAML::Node& n, const std::string& workload_path, Workload& w,
                        std::map<std::string, NamedPrefix>& prefixes) {
  YamlReader& r = ctx.reader;
  const std::string path = child_path(workload_path, "shared_prefix");
  const auto max_tokens = static_cast<std::int64_t>(limits::kMaxTokens);
  if (!n.IsMap()) {
    if (auto v = r.integer(n, path, 0, max_tokens)) w.shared_prefix_tokens = static_cast<long>(*v);
    return;
  }
  check_scenario_keys(r, n, path, "shared_prefix");
  if (const YAML::Node t = r.require(n, path, "tokens", "e.g. shared_prefix: {tokens: 3000, name: tools}"))
    if (auto v = r.integer(t, child_path(path, "tokens"), 0, max_tokens))
      w.shared_prefix_tokens = static_cast<long>(*v);
  const YAML::Node name_node = YamlReader::get(n, "name");
  if (!name_node) return;
  const auto name = r.name(name_node, child_path(path, "name"));
  if (!name) return;
  w.shared_prefix_name = *name;
  const auto [it, fresh] = prefixes.emplace(*name, NamedPrefix{w.shared_prefix_tokens, w.name,
                                                               YamlReader::location(name_node).first});
  if (!fresh && it->second.tokens != w.shared_prefix_tokens)
    r.error(n, path,
            fmt::format("prefix \"{}\" has {} tokens here but {} in workload \"{}\" (line {})", *name,
                        w.shared_prefix_tokens, it->second.tokens, it->second.workload, it->second.line),
            "workloads that name one prefix send the same text: give them the same tokens, or different names");
}

// A workload that replays `trace:`. The trace gives the calls, and the
// arrivals unless `arrivals:` is given: then its sessions are templates
// (empirical agents).
void read_replayed_workload(ScenarioContext& ctx, const YAML::Node& node, const YAML::Node& trace,
                            const std::string& path, Workload& w) {
  YamlReader& r = ctx.reader;
  for (const char* key : {"context_tokens", "shared_prefix", "steps", "orchestrator"})
    if (const YAML::Node n = YamlReader::get(node, key))
      r.error(n, child_path(path, key), fmt::format("a workload that replays a trace takes no `{}`", key),
              "its sessions, calls and tokens come from the trace file; remove the key or the trace");
  const YAML::Node arrivals = YamlReader::get(node, "arrivals");
  std::optional<ArrivalProcess> own;
  if (arrivals) {
    ctx.traffic_ends = false;
    own = read_arrivals(r, arrivals, child_path(path, "arrivals"));
  }
  auto a = read_trace_workload(ctx, trace, child_path(path, "trace"), static_cast<bool>(arrivals));
  if (a && arrivals && a->trace->loop_period_s > 0) {
    r.error(YamlReader::get(trace, "loop"), child_path(path, "trace.loop"),
            "a trace whose sessions are templates does not loop",
            "with `arrivals:` new sessions keep coming, each a recorded session drawn at random; remove loop");
    a.reset();
  }
  if (a && arrivals && own) {
    w.session_templates = a->trace;
    w.arrivals = *own;
    ctx.any_arrivals = ctx.any_arrivals || peak_rate_per_s(*own) > 0.0;
  } else if (a && !arrivals) {
    w.arrivals = *a;
    ctx.any_arrivals = true;
  } else {
    ctx.arrivals_ok = false;
  }
}

// A workload whose sessions are generated: arrivals, context, steps.
void read_generated_workload(ScenarioContext& ctx, const YAML::Node& node, const std::string& path, Workload& w,
                             std::map<std::string, NamedPrefix>& prefixes) {
  YamlReader& r = ctx.reader;
  ctx.traffic_ends = false;
  if (const YAML::Node n = r.require(node, path, "arrivals", "e.g. arrivals: {process: poisson, rate: 2/s}")) {
    if (auto a = read_arrivals(r, n, child_path(path, "arrivals"))) {
      w.arrivals = *a;
      ctx.any_arrivals = ctx.any_arrivals || peak_rate_per_s(*a) > 0.0;
    } else {
      ctx.arrivals_ok = false;
    }
  } else {
    ctx.arrivals_ok = false;
  }
  if (const YAML::Node n = YamlReader::get(node, "context_tokens")) {
    const DistributionUse use{Dimension::dimensionless, 0.0, limits::kMaxTokens};
    if (auto d = read_distribution(r, n, child_path(path, "context_tokens"), use)) w.initial_context_tokens = *d;
  }
  if (const YAML::Node n = YamlReader::get(node, "shared_prefix")) read_shared_prefix(ctx, n, path, w, prefixes);
  if (const YAML::Node n = r.require(node, path, "steps"))
    w.steps = read_steps(ctx, n, child_path(path, "steps"));
  if (const YAML::Node n = YamlReader::get(node, "orchestrator"))
    w.orchestrator = read_orchestrator(ctx, n, child_path(path, "orchestrator"));
}

}  // namespace

void read_workloads(ScenarioContext& ctx, const YAML::Node& list) {
  YamlReader& r = ctx.reader;
  ctx.workloads_node = list;
  if (!r.expect_items(list, "workloads", "workload")) {
    ctx.arrivals_ok = false;
    return;
  }
  std::map<std::string, int> first_line;
  std::map<std::string, NamedPrefix> prefixes;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node node = list[i];
    const std::string path = index_path("workloads", i);
    if (!r.expect_map(node, path)) {
      ctx.arrivals_ok = false;
      continue;
    }
    check_scenario_keys(r, node, path, "workload");
    Workload w;
    ctx.reading_workload = ctx.scenario.workloads.size();  // the index it is pushed at below
    w.initial_context_tokens = Distribution::constant(0.0);
    w.initial_context_tokens.lower = 0.0;
    if (auto name = read_entry_name(r, node, path, first_line, "workload", "names identify workloads in the report"))
      w.name = *name;
    if (const YAML::Node trace = YamlReader::get(node, "trace"))
      read_replayed_workload(ctx, node, trace, path, w);
    else
      read_generated_workload(ctx, node, path, w, prefixes);
    if (const YAML::Node n = YamlReader::get(node, "slo")) w.slo = read_slo(r, n, child_path(path, "slo"));
    ctx.scenario.workloads.push_back(std::move(w));
  }
  ctx.reading_workload = std::string::npos;
}

}  // namespace fleetsim
