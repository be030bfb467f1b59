#include "routing_reader.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "fleetsim/io/input_limits.hpp"
#include "fleetsim/core/routing_policy.hpp"
#include "fleetsim/io/spelling.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

// The registered routing policies, each its own keyword.
Choices<std::string> policy_choices() {
  Choices<std::string> choices;
  for (const std::string& name : routing_policy_names()) choices.emplace_back(name, name);
  return choices;
}

std::vector<std::string> pools_serving(const Scenario& s, const std::string& model) {
  std::vector<std::string> names;
  for (const auto& p : s.pools)
    if (p.serves(model)) names.push_back(p.name);
  return names;
}

// A pool a route names: it must exist and serve the route's model.
bool check_pool_reference(ScenarioContext& ctx, const NameSite& site, const std::string& model, bool model_ok) {
  const Pool* pool = ctx.find_pool(site.name);
  if (!pool) {
    std::string hint = did_you_mean_hint(site.name, ctx.pool_names(), "pools");
    ctx.reader.error(site.node, site.path, fmt::format("unknown pool \"{}\"", site.name), hint);
    return false;
  }
  if (model_ok && !pool->serves(model)) {
    const auto serving = pools_serving(ctx.scenario, model);
    ctx.reader.error(site.node, site.path,
                     fmt::format("pool \"{}\" does not serve model \"{}\" (its models: {})", site.name, model,
                                 quoted_list(pool->models)),
                     serving.empty() ? fmt::format("add \"{}\" to the pool's models", model)
                                     : fmt::format("pools serving \"{}\": {}; or add it to the pool's models", model,
                                                   quoted_list(serving)));
    return false;
  }
  return true;
}

void read_route(ScenarioContext& ctx, const YAML::Node& node, const std::string& path,
                std::map<std::string, int>& first_line) {
  YamlReader& r = ctx.reader;
  const std::size_t errors_before = r.error_count();
  Route route;
  RouteSite site;
  site.node = node;
  site.path = path;
  check_scenario_keys(r, node, path, "route");
  bool model_ok = false;
  if (const YAML::Node n = r.require(node, path, "model")) {
    const std::string model_path = child_path(path, "model");
    if (auto name = r.name(n, model_path)) {
      route.model = *name;
      site.model = {*name, n, model_path};
      model_ok = ctx.resolve_model(site.model) != nullptr;
      const int line = YamlReader::location(n).first;
      if (auto [it, fresh] = first_line.emplace(*name, line); !fresh)
        r.error(n, model_path, fmt::format("model \"{}\" has a second route", *name),
                fmt::format("the first is on line {}; merge them into one", it->second));
      else if (model_ok && pools_serving(ctx.scenario, *name).empty())
        r.error(n, model_path, fmt::format("no pool serves model \"{}\"", *name),
                "add it to the `models:` of a pool under fleet.pools");
    }
  }
  if (const YAML::Node n = YamlReader::get(node, "pools")) {
    const std::string pools_path = child_path(path, "pools");
    if (auto names = r.name_list(n, pools_path)) {
      if (names->empty()) r.error(n, pools_path, "expected at least one pool, found an empty list",
                                  "leave `pools` out to use every pool that serves the model");
      for (std::size_t i = 0; i < names->size(); ++i) {
        NameSite pool{(*names)[i], n[i], index_path(pools_path, i)};
        if (check_pool_reference(ctx, pool, route.model, model_ok)) route.pools.push_back(pool.name);
        site.pools.push_back(pool);
      }
    }
  } else if (model_ok) {
    route.pools = pools_serving(ctx.scenario, route.model);
  }
  if (const YAML::Node n = YamlReader::get(node, "policy"))
    if (auto v = r.choice(n, child_path(path, "policy"), policy_choices(), "routing policy")) route.policy = *v;
  if (const YAML::Node n = YamlReader::get(node, "affinity_max_queue"))
    if (auto v = r.integer(n, child_path(path, "affinity_max_queue"), 0))
      route.affinity_max_queue = static_cast<int>(*v);
  if (const YAML::Node n = YamlReader::get(node, "overflow")) {
    const std::string overflow_path = child_path(path, "overflow");
    if (r.expect_map(n, overflow_path, "e.g. overflow: {pool: gpu, queue_threshold: 8}")) {
      check_scenario_keys(r, n, overflow_path, "overflow");
      if (const YAML::Node p = r.require(n, overflow_path, "pool")) {
        const std::string pool_path = child_path(overflow_path, "pool");
        if (auto name = r.name(p, pool_path)) {
          site.overflow_pool = {*name, p, pool_path};
          if (check_pool_reference(ctx, site.overflow_pool, route.model, model_ok)) route.overflow_pool = *name;
        }
      }
      if (const YAML::Node q = r.require(n, overflow_path, "queue_threshold"))
        if (auto v = r.integer(q, child_path(overflow_path, "queue_threshold"), 1))
          route.overflow_queue_threshold = static_cast<int>(*v);
    }
  }
  if (const YAML::Node n = YamlReader::get(node, "prefill_above")) {
    if (auto v = r.integer(n, child_path(path, "prefill_above"), 0, static_cast<std::int64_t>(limits::kMaxTokens)))
      route.prefill_above = static_cast<long>(*v);
    site.prefill_above = n;
  }
  site.ok = r.error_count() == errors_before;
  ctx.routes.push_back(std::move(route));
  ctx.route_sites.push_back(std::move(site));
}

}  // namespace

void read_routing(ScenarioContext& ctx, const YAML::Node& list) {
  YamlReader& r = ctx.reader;
  if (!r.expect_list(list, "routing", "e.g. routing: [{model: llama-3.1-8b, policy: session_affinity}]")) return;
  std::map<std::string, int> first_line;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = index_path("routing", i);
    if (r.expect_map(list[i], path)) read_route(ctx, list[i], path, first_line);
  }
}

namespace {

// A model served by prefill and decode pools (docs/disaggregation.md): its
// route must hold both roles and no unified pool, since a call either runs
// whole on one replica or in two phases on two.
void check_disaggregated_route(ScenarioContext& ctx, const Route& route) {
  const Scenario& s = ctx.scenario;
  int prefill = 0, decode = 0, unified = 0;
  std::size_t first_role_pool = s.pools.size();
  for (const auto& name : route.pools) {
    const auto it = std::find_if(s.pools.begin(), s.pools.end(), [&](const Pool& p) { return p.name == name; });
    if (it == s.pools.end()) continue;
    const auto index = static_cast<std::size_t>(it - s.pools.begin());
    if (it->role == PoolRole::unified) {
      ++unified;
      continue;
    }
    (it->role == PoolRole::prefill ? prefill : decode) += 1;
    first_role_pool = std::min(first_role_pool, index);
  }
  if (prefill + decode == 0) {
    const auto site = std::find_if(ctx.route_sites.begin(), ctx.route_sites.end(),
                                   [&](const RouteSite& r) { return r.model.name == route.model; });
    if (route.prefill_above >= 0 && site != ctx.route_sites.end())
      ctx.reader.error(site->prefill_above, child_path(site->path, "prefill_above"),
                       fmt::format("prefill_above applies to a disaggregated model, and \"{}\" is served by unified "
                                   "pools",
                                   route.model),
                       "give the route's pools `role: prefill` and `role: decode`, or remove prefill_above");
    return;
  }
  // Where to point: the explicit route if there is one, else the first pool with a role.
  const auto site = std::find_if(ctx.route_sites.begin(), ctx.route_sites.end(),
                                 [&](const RouteSite& r) { return r.model.name == route.model; });
  const YAML::Node node = site != ctx.route_sites.end() ? site->node : ctx.pool_sites[first_role_pool].role;
  const std::string path = site != ctx.route_sites.end() ? site->path : child_path(ctx.pool_sites[first_role_pool].path, "role");
  if (unified > 0)
    ctx.reader.error(node, path,
                     fmt::format("model \"{}\" is routed to both unified pools and pools with a prefill or decode "
                                 "role",
                                 route.model),
                     "serve it either from unified pools or from prefill and decode pools; a route's `pools` can "
                     "choose");
  else if (prefill == 0 || decode == 0)
    ctx.reader.error(node, path,
                     fmt::format("model \"{}\" has {} pools but no {} pool", route.model,
                                 prefill > 0 ? "prefill" : "decode", prefill > 0 ? "decode" : "prefill"),
                     "a disaggregated model needs a pool of each role: add one with `role: " +
                         std::string(prefill > 0 ? "decode" : "prefill") + "`");
  else if (!route.overflow_pool.empty())
    ctx.reader.error(site->node, site->path,
                     fmt::format("model \"{}\" is disaggregated, and overflow is not supported with prefill and "
                                 "decode pools yet",
                                 route.model),
                     "remove the route's overflow");
}

}  // namespace

void complete_routes(ScenarioContext& ctx) {
  Scenario& s = ctx.scenario;
  s.routes.clear();
  std::vector<std::string> served;
  for (const auto& pool : s.pools)
    for (const auto& m : pool.models)
      if (std::find(served.begin(), served.end(), m) == served.end()) served.push_back(m);
  for (const auto& model : served) {
    auto explicit_route = std::find_if(ctx.routes.begin(), ctx.routes.end(),
                                       [&](const Route& r) { return r.model == model; });
    if (explicit_route != ctx.routes.end()) {
      s.routes.push_back(*explicit_route);
      continue;
    }
    Route route;
    route.model = model;
    route.pools = pools_serving(s, model);
    s.routes.push_back(std::move(route));
  }
  for (const Route& route : s.routes) check_disaggregated_route(ctx, route);
}

}  // namespace fleetsim
