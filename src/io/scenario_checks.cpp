#include "scenario_checks.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "fleetsim/core/autoscale_policy.hpp"
#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/io/spelling.hpp"

namespace fleetsim {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// Whether a replica of the model holds its weights, the activation reserve
// and at least one KV block: kv_capacity's arithmetic, the one that sizes the
// replica's cache in a run, so that a scenario passes exactly when every
// replica gets a block.
struct MemoryFit {
  KvCapacity kv;
  int tensor_parallel = 1;
  bool weights_fit() const { return kv.usable_bytes >= kv.weight_bytes; }
  bool fits() const { return kv.blocks >= 1; }
  double weights_per_device() const { return kv.weight_bytes / tensor_parallel; }
};

// `weight_dtype`: the model's own, or a smaller data type's for a hint.
MemoryFit memory_fit(const ModelSpec& m, const HardwareSpec& hw, const EngineSettings& e, int tp,
                     std::optional<DataType> weight_dtype = std::nullopt) {
  ModelSpec model = m;
  if (weight_dtype) model.store_as(*weight_dtype);  // as the hint's `weight_dtype:` key would
  EngineSettings engine = e;
  engine.tensor_parallel = tp;
  return {kv_capacity(model, hw, engine), tp};
}

std::string fit_hint(const ModelSpec& m, const Pool& pool) {
  const HardwareSpec& hw = pool.hardware;
  std::vector<std::string> ways;
  for (int tp = pool.engine.tensor_parallel + 1; tp <= hw.devices; ++tp) {
    if (hw.devices % tp != 0) continue;
    if (memory_fit(m, hw, pool.engine, tp).fits()) {
      ways.push_back(hw.interconnect_bandwidth_bps > 0
                         ? fmt::format("engine.tensor_parallel: {} would fit", tp)
                         : fmt::format("tensor_parallel: {} would fit, given an interconnect_bandwidth for \"{}\"",
                                       tp, hw.name));
      break;
    }
  }
  for (DataType smaller : {DataType::fp8, DataType::int8, DataType::int4}) {
    if (bytes_per_element(smaller) >= m.bytes_per_weight()) continue;
    if (memory_fit(m, hw, pool.engine, pool.engine.tensor_parallel, smaller).fits()) {
      ways.push_back(fmt::format("{} weights would fit (set weight_dtype: {} in a `models:` entry)",
                                 to_string(smaller), to_string(smaller)));
      break;
    }
  }
  if (const int sharing = replicas_per_device(hw, pool.engine); sharing > 1)
    ways.push_back(fmt::format("fewer replicas_per_node ({} share each socket's memory now)", sharing));
  ways.push_back("or use hardware with more memory per device");
  return fmt::format("{}", fmt::join(ways, "; "));
}

void check_memory_fit(ScenarioContext& ctx) {
  for (std::size_t p = 0; p < ctx.scenario.pools.size(); ++p) {
    const Pool& pool = ctx.scenario.pools[p];
    const PoolSite& site = ctx.pool_sites[p];
    if (!site.hardware_ok || !site.engine_ok || pool.hardware.devices % pool.engine.tensor_parallel != 0) continue;
    std::set<std::string> checked;
    for (const NameSite& model_site : site.models) {
      if (!checked.insert(model_site.name).second) continue;
      const ModelSpec* m = ctx.find_model(model_site.name);
      if (!m || ctx.broken_models.count(model_site.name)) continue;
      const int tp = pool.engine.tensor_parallel;
      const MemoryFit mem = memory_fit(*m, pool.hardware, pool.engine, tp);
      if (mem.fits()) continue;
      const double reserve_bytes = pool.engine.activation_reserve_bytes;
      // Replicas sharing a CPU socket each have their part of its memory.
      const int sharing = replicas_per_device(pool.hardware, pool.engine);
      const double device_bytes = pool.hardware.memory_capacity_bytes / sharing;
      const std::string shared =
          sharing > 1 ? fmt::format(", the 1/{} of a socket each of its replicas has", sharing) : "";
      const std::string usable =
          fmt::format("{:.1f} GiB usable per device ({:.1f} GiB{} x memory_fraction {:g})",
                      device_bytes * pool.engine.memory_fraction / kGiB, device_bytes / kGiB, shared,
                      pool.engine.memory_fraction);
      const std::string reserve =
          reserve_bytes > 0 ? fmt::format(" + {:.1f} GiB activation reserve", reserve_bytes / kGiB) : "";
      if (!mem.weights_fit()) {
        ctx.reader.error(model_site.node, model_site.path,
                         fmt::format("model \"{}\" does not fit on \"{}\": {:.1f} GiB of {} weights per device "
                                     "(tensor_parallel {}){} exceed {}",
                                     m->name, pool.hardware.name, mem.weights_per_device() / kGiB,
                                     to_string(m->weight_dtype), tp, reserve, usable),
                         fit_hint(*m, pool));
      } else {
        ctx.reader.error(model_site.node, model_site.path,
                         fmt::format("model \"{}\" leaves no room for its KV cache on \"{}\": {:.1f} GiB of weights "
                                     "per device{} fill the {}",
                                     m->name, pool.hardware.name, mem.weights_per_device() / kGiB, reserve, usable),
                         fit_hint(*m, pool));
      }
    }
  }
}

// A model a workload calls needs a pool with nodes that serves it, reachable by its route.
void check_used_models_served(ScenarioContext& ctx) {
  const Scenario& s = ctx.scenario;
  std::set<std::string> done;
  for (const NameSite& use : ctx.step_models) {
    if (!done.insert(use.name).second) continue;
    std::vector<std::size_t> servers;
    for (std::size_t p = 0; p < s.pools.size(); ++p)
      if (s.pools[p].serves(use.name)) servers.push_back(p);
    if (servers.empty()) {
      ctx.reader.error(use.node, use.path, fmt::format("no pool serves model \"{}\"", use.name),
                       fmt::format("add \"{}\" to the `models:` of a pool under fleet.pools", use.name));
      continue;
    }
    bool unknown_count = false, has_nodes = false;
    for (std::size_t p : servers) {
      unknown_count = unknown_count || !ctx.pool_sites[p].count_ok;
      has_nodes = has_nodes || s.pools[p].count > 0;
    }
    if (unknown_count) continue;  // already reported
    if (!has_nodes) {
      const PoolSite& first = ctx.pool_sites[servers.front()];
      std::vector<std::string> names;
      for (std::size_t p : servers) names.push_back(s.pools[p].name);
      ctx.reader.error(first.count, child_path(first.path, "count"),
                       servers.size() == 1
                           ? fmt::format("pool \"{}\" is the only server of model \"{}\" but has count: 0",
                                         names.front(), use.name)
                           : fmt::format("every pool serving model \"{}\" ({}) has count: 0", use.name,
                                         quoted_list(names)),
                       fmt::format("the model is called at {} (line {}); give the pool nodes", use.path,
                                   YamlReader::location(use.node).first));
      continue;
    }
    // An explicit route must lead to at least one pool with nodes.
    for (std::size_t i = 0; i < ctx.routes.size(); ++i) {
      const Route& route = ctx.routes[i];
      const RouteSite& site = ctx.route_sites[i];
      if (route.model != use.name || !site.ok || route.pools.empty()) continue;
      const bool reachable = std::any_of(route.pools.begin(), route.pools.end(), [&](const std::string& name) {
        const Pool* pool = s.find_pool(name);
        return pool && pool->count > 0;
      });
      if (!reachable)
        ctx.reader.error(site.pools.empty() ? site.node : site.pools.front().node, child_path(site.path, "pools"),
                         fmt::format("every pool this route sends \"{}\" to has count: 0", use.name),
                         "add a pool with nodes to the route's pools");
    }
  }
}

void warn_unused_models(ScenarioContext& ctx) {
  std::set<std::string> used;
  for (const NameSite& use : ctx.step_models) used.insert(use.name);
  for (std::size_t p = 0; p < ctx.scenario.pools.size(); ++p) {
    std::set<std::string> warned;
    for (const NameSite& m : ctx.pool_sites[p].models) {
      if (used.count(m.name) || !ctx.find_model(m.name) || !warned.insert(m.name).second) continue;
      ctx.reader.warning(m.node, m.path,
                         fmt::format("pool \"{}\" serves model \"{}\", but no workload step calls it",
                                     ctx.scenario.pools[p].name, m.name),
                         "its replicas will idle (and still draw power and cost money)");
    }
  }
}

void check_traffic(ScenarioContext& ctx) {
  if (ctx.arrivals_ok && !ctx.scenario.workloads.empty() && !ctx.any_arrivals)
    ctx.reader.error(ctx.workloads_node, "workloads", "the total arrival rate is 0: no session would ever start",
                     "give at least one workload a positive arrivals rate");
}

// A predictive autoscaler forecasts from the rate functions of the workloads
// that call the pool's models (docs/autoscaling.md, "predictive"): built
// here, where the workloads are known; a trace has no rate function.
void set_up_forecasts(ScenarioContext& ctx) {
  Scenario& s = ctx.scenario;
  for (std::size_t p = 0; p < s.pools.size() && p < ctx.pool_sites.size(); ++p) {
    Pool& pool = s.pools[p];
    if (!pool.autoscale || pool.autoscale->policy != "predictive") continue;
    std::vector<bool> feeds(s.workloads.size(), false);
    for (const NameSite& use : ctx.step_models) {
      if (use.workload < feeds.size() && pool.serves(use.name)) feeds[use.workload] = true;
    }
    std::vector<ArrivalProcess> processes;
    bool ok = true;
    for (std::size_t w = 0; w < feeds.size(); ++w) {
      if (!feeds[w]) continue;
      if (s.workloads[w].arrivals.kind == ArrivalProcess::Kind::trace) {
        const PoolSite& site = ctx.pool_sites[p];
        const YAML::Node policy = site.node["autoscale"]["policy"];
        ctx.reader.error(policy, child_path(child_path(site.path, "autoscale"), "policy"),
                         fmt::format("policy predictive forecasts from an arrival rate, but workload \"{}\", whose "
                                     "calls pool \"{}\" serves, replays a trace",
                                     s.workloads[w].name, pool.name),
                         "use policy: concurrency (which reads the load observed), or give the workload an arrival "
                         "process (poisson, piecewise, diurnal)");
        ok = false;
        break;
      }
      processes.push_back(s.workloads[w].arrivals);
    }
    if (ok) pool.autoscale->forecast = make_arrival_forecast(processes);
  }
}

}  // namespace

void check_scenario(ScenarioContext& ctx) {
  check_memory_fit(ctx);
  check_used_models_served(ctx);
  check_traffic(ctx);
  set_up_forecasts(ctx);
  // On a file with errors, warnings are mostly echoes of them (a misspelt model is "unused").
  if (ctx.reader.error_count() == 0) warn_unused_models(ctx);
}

}  // namespace fleetsim
