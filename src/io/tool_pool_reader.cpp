#include "tool_pool_reader.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "failure_reader.hpp"
#include "fleetsim/io/spelling.hpp"
#include "scenario_words.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

// A node table of a million entries is already far beyond any fleet; the cap
// keeps a typo from allocating the machine's memory.
constexpr std::int64_t kMaxToolPoolNodes = 1'000'000;

std::string memory_text(double bytes) { return format_quantity(bytes, Dimension::bytes); }

void read_tool_pool(ScenarioContext& ctx, const YAML::Node& node, const std::string& path) {
  YamlReader& r = ctx.reader;
  ToolPoolSpec pool;
  bool ok = true;
  check_scenario_keys(r, node, path, "tool_pool");
  if (const YAML::Node n = r.require(node, path, "name")) {
    if (auto name = r.name(n, child_path(path, "name"))) {
      pool.name = *name;
      const ToolPoolSpec* twin = ctx.scenario.find_tool_pool(*name);
      if (twin || ctx.find_pool(*name))
        r.error(n, child_path(path, "name"),
                fmt::format("pool name \"{}\" is used twice", *name),
                twin ? "tool steps and the report refer to tool pools by name"
                     : "a model pool has this name; tool pools and model pools share one namespace in the report");
    } else {
      ok = false;
    }
  }
  if (const YAML::Node n = r.require(node, path, "hardware", "a CPU node type, e.g. graviton4-c8g.48xlarge")) {
    const std::string hw_path = child_path(path, "hardware");
    const auto name = r.name(n, hw_path);
    const HardwareSpec* hw = name ? ctx.resolve_hardware({*name, n, hw_path}) : nullptr;
    if (hw && (hw->kind != DeviceKind::cpu || hw->cores_per_device <= 0)) {
      r.error(n, hw_path,
              fmt::format("tool pools run on CPU cores, but \"{}\" is a {} node{}", hw->name, to_string(hw->kind),
                          hw->kind == DeviceKind::cpu ? " without cores_per_socket" : ""),
              "name a cpu entry with cores_per_socket (fleetsim catalog lists them), e.g. graviton4-c8g.48xlarge");
      hw = nullptr;
    }
    if (hw) pool.hardware = *hw;
    ok = ok && hw;
  } else {
    ok = false;
  }
  if (const YAML::Node n = r.require(node, path, "count", "the number of nodes")) {
    if (auto v = r.integer(n, child_path(path, "count"), 0, kMaxToolPoolNodes))
      pool.count = static_cast<int>(*v);
    else
      ok = false;
  }
  if (const YAML::Node n = YamlReader::get(node, "core_speed")) {
    if (auto v = r.number(n, child_path(path, "core_speed"), in_range(0, 1000, true, false)))
      pool.core_speed = *v;
    else
      ok = false;
  }
  if (const YAML::Node n = YamlReader::get(node, "discipline")) {
    if (auto v = r.choice(n, child_path(path, "discipline"), tool_discipline_choices(), "discipline"))
      pool.discipline = *v;
    else
      ok = false;
  }
  if (const YAML::Node n = YamlReader::get(node, "failures")) {
    const std::string f_path = child_path(path, "failures");
    pool.failures = read_failures(r, n, f_path, false);
    ok = ok && pool.failures;
    // A tool node fails whole and without warning: it has no replicas, and
    // a notice that lets its calls finish is not modelled (docs/failures.md).
    if (pool.failures && pool.failures->scope == FailureSpec::Scope::replica) {
      r.error(YamlReader::get(n, "scope"), child_path(f_path, "scope"), "a tool pool's nodes fail whole; it has no replicas",
              "remove scope (or write scope: node)");
      ok = false;
    }
    if (pool.failures && pool.failures->notice_s > 0) {
      r.error(YamlReader::get(n, "notice"), child_path(f_path, "notice"),
              "a tool pool's nodes fail without notice: a warning is modelled for model pools only",
              "remove notice; a spot interruption then counts as a failure without warning");
      ok = false;
    }
  }
  if (!ok && !pool.name.empty()) ctx.broken_tool_pools.insert(pool.name);
  ctx.scenario.tool_pools.push_back(std::move(pool));
}

}  // namespace

void read_tool_pools(ScenarioContext& ctx, const YAML::Node& list) {
  YamlReader& r = ctx.reader;
  if (!r.expect_items(list, "fleet.tool_pools", "tool pool")) return;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path("fleet.tool_pools", i);
    if (!r.expect_map(list[i], path, "e.g. {name: sandbox, hardware: graviton4-c8g.48xlarge, count: 2}")) continue;
    read_tool_pool(ctx, list[i], path);
  }
}

void resolve_tool_pool(ScenarioContext& ctx, Step& step, const YAML::Node& pool_node, const std::string& path,
                       const YAML::Node& cores_node, const YAML::Node& memory_node) {
  YamlReader& r = ctx.reader;
  const std::string pool_path = child_path(path, "pool");
  if (ctx.broken_tool_pools.count(step.pool)) return;  // reported where it is defined
  const auto& pools = ctx.scenario.tool_pools;
  const auto it = std::find_if(pools.begin(), pools.end(), [&](const ToolPoolSpec& p) { return p.name == step.pool; });
  if (it == pools.end()) {
    std::vector<std::string> known;
    for (const auto& p : pools) known.push_back(p.name);
    std::string hint = did_you_mean_hint(step.pool, known, "tool pools");
    if (known.empty()) hint = "declare it under fleet.tool_pools, e.g. {name: " + step.pool +
                              ", hardware: graviton4-c8g.48xlarge, count: 2}; a tool without pool: is an external "
                              "service and takes latency:";
    else if (ctx.find_pool(step.pool))
      hint = "\"" + step.pool + "\" is a model pool; tool steps run on fleet.tool_pools (" + quoted_list(known) + ")";
    r.error(pool_node, pool_path, fmt::format("unknown tool pool \"{}\"", step.pool), hint);
    return;
  }
  const ToolPoolSpec& pool = *it;
  step.tool_pool = static_cast<int>(it - pools.begin());
  const int node_cores = pool.cores_per_node();
  if (step.cores > node_cores)
    r.error(cores_node, child_path(path, "cores"),
            fmt::format("a call holds {} cores, but a \"{}\" node of tool pool \"{}\" has {}", step.cores,
                        pool.hardware.name, pool.name, node_cores),
            fmt::format("use at most {} cores per call, or a node type with more cores", node_cores));
  const double node_memory = pool.memory_per_node_bytes();
  if (step.memory_bytes > node_memory)
    r.error(memory_node, child_path(path, "memory"),
            fmt::format("a call holds {} of memory, but a \"{}\" node of tool pool \"{}\" has {}",
                        memory_text(step.memory_bytes), pool.hardware.name, pool.name, memory_text(node_memory)),
            fmt::format("use at most {} per call, or a node type with more memory", memory_text(node_memory)));
  if (pool.count == 0)
    r.error(pool_node, pool_path, fmt::format("tool pool \"{}\" has no nodes, so its calls would never run", pool.name),
            fmt::format("give it nodes (--set fleet.tool_pools.{}.count=N)", pool.name));
}

}  // namespace fleetsim
