#include "fleet_reader.hpp"

#include <algorithm>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "fleetsim/io/evidence_catalog.hpp"
#include "fleetsim/io/autoscale_reader.hpp"
#include "fleetsim/core/kv_policy.hpp"
#include "fleetsim/core/power_state.hpp"
#include "fleetsim/core/roofline_model.hpp"
#include "failure_reader.hpp"
#include "power_cap_reader.hpp"
#include "purchase_reader.hpp"
#include "kv_store_reader.hpp"
#include "network_reader.hpp"
#include "kv_tier_reader.hpp"
#include "fleetsim/io/input_limits.hpp"
#include "fleetsim/io/spelling.hpp"
#include "stack_entry.hpp"
#include "tool_pool_reader.hpp"
#include "scenario_words.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

struct EngineSites {
  YAML::Node tensor_parallel;
  YAML::Node replicas_per_node;
  YAML::Node threads;
  YAML::Node kv_retention;
  KvTierUseSites kv_tiers;
};

// The stack `stack:` names, or nullptr (reported, with a did-you-mean).
const ServingStack* resolve_stack(YamlReader& r, const Catalog& catalog, const YAML::Node& n, const std::string& path) {
  const auto name = r.name(n, path);
  if (!name) return nullptr;
  if (const ServingStack* s = catalog.find_stack(*name)) return s;
  std::vector<std::string> known;
  for (const auto& s : catalog.stacks()) known.push_back(s.name);
  std::string hint;
  if (auto match = closest_match(*name, known))
    hint = "did you mean \"" + *match + "\"?";
  else
    hint = (known.empty() ? "" : "known: " + quoted_list(known) + "; ") +
           "add one under `stacks:` in a --catalog file";
  r.error(n, path, fmt::format("unknown serving stack \"{}\"", *name), hint);
  return nullptr;
}

// A pool that names a stack starts from the stack's defaults; every key the
// pool gives is read over them, so the stack fills in only what it is silent on.
EngineSettings read_engine(YamlReader& r, const Catalog& catalog, const YAML::Node& map, const std::string& path,
                           EngineSites& sites) {
  EngineSettings e;
  if (!r.expect_map(map, path)) return e;
  check_scenario_keys(r, map, path, "engine");
  if (const YAML::Node n = YamlReader::get(map, "stack"))
    if (const ServingStack* stack = resolve_stack(r, catalog, n, child_path(path, "stack"))) e = engine_defaults(*stack);
  auto read_int = [&](const char* key, int& target) -> YAML::Node {
    const YAML::Node n = YamlReader::get(map, key);
    if (n.IsDefined())
      if (auto v = r.integer(n, child_path(path, key), 1)) target = static_cast<int>(*v);
    return n;
  };
  sites.tensor_parallel = read_int("tensor_parallel", e.tensor_parallel);
  sites.replicas_per_node = read_int("replicas_per_node", e.replicas_per_node);
  sites.threads = read_int("threads", e.threads);
  read_int("max_batch_size", e.max_batch_size);
  read_int("max_batched_tokens", e.max_batched_tokens);
  read_int("kv_block_tokens", e.kv_block_tokens);
  const YAML::Node steps = YamlReader::get(map, "scheduler_steps");
  if (steps.IsDefined())
    if (auto v = r.integer(steps, child_path(path, "scheduler_steps"), 1, limits::kMaxSchedulerSteps))
      e.scheduler_steps = static_cast<int>(*v);
  const YAML::Node chunked = YamlReader::get(map, "chunked_prefill");
  if (chunked.IsDefined())
    if (auto v = r.boolean(chunked, child_path(path, "chunked_prefill"))) e.chunked_prefill = *v;
  const YAML::Node mixed = YamlReader::get(map, "mixed_batches");
  if (mixed.IsDefined())
    if (auto v = r.boolean(mixed, child_path(path, "mixed_batches"))) e.mixed_batches = *v;
  if (e.scheduler_steps > 1 && e.chunked_prefill)
    refuse_multi_step_with(r, map, path, steps, chunked, "chunked_prefill", e.scheduler_steps);
  else if (e.scheduler_steps > 1 && e.mixed_batches)
    refuse_multi_step_with(r, map, path, steps, mixed, "mixed_batches", e.scheduler_steps);
  if (const YAML::Node n = YamlReader::get(map, "memory_fraction"))
    if (auto v = r.number(n, child_path(path, "memory_fraction"), in_range(0, 1, true, false))) e.memory_fraction = *v;
  if (const YAML::Node n = YamlReader::get(map, "activation_reserve"))
    if (auto v = r.quantity(n, child_path(path, "activation_reserve"), Dimension::bytes, at_least(0)))
      e.activation_reserve_bytes = *v;

  if (const YAML::Node n = YamlReader::get(map, "kv_admission"))
    if (auto v = r.choice(n, child_path(path, "kv_admission"), kv_admission_choices(), "KV admission policy"))
      e.kv_admission = *v;
  const YAML::Node layout = YamlReader::get(map, "kv_layout");
  if (layout.IsDefined())
    if (auto v = r.choice(layout, child_path(path, "kv_layout"), kv_layout_choices(), "KV cache layout")) e.kv_layout = *v;
  const YAML::Node slot = YamlReader::get(map, "kv_slot_tokens");
  if (slot.IsDefined()) {
    if (auto v = r.integer(slot, child_path(path, "kv_slot_tokens"), 1, static_cast<std::int64_t>(limits::kMaxTokens)))
      e.kv_slot_tokens = static_cast<long>(*v);
    if (e.kv_layout != KvLayout::slots)
      r.error(slot, child_path(path, "kv_slot_tokens"), "kv_slot_tokens applies only with kv_layout: slots",
              "set kv_layout: slots, or remove kv_slot_tokens");
  } else if (e.kv_layout == KvLayout::slots) {
    r.error(layout.IsDefined() ? layout : map, child_path(path, "kv_layout"), "kv_layout: slots needs kv_slot_tokens",
            "add e.g. kv_slot_tokens: 2048: the cache length each decode slot holds and every decode step reads");
  }
  if (const YAML::Node n = YamlReader::get(map, "overlapped_host"))
    read_overlapped_host(r, n, child_path(path, "overlapped_host"), e.overlapped_host);
  const YAML::Node request_path = YamlReader::get(map, "request_path");
  if (request_path.IsDefined()) read_request_path(r, request_path, child_path(path, "request_path"), e.request_path);
  if (const YAML::Node n = YamlReader::get(map, "frontend")) {
    const auto v = r.choice(n, child_path(path, "frontend"), frontend_choices(), "front end");
    if (v == Frontend::none) {
      if (request_path.IsDefined())
        r.error(request_path, child_path(path, "request_path"), "request_path applies only with frontend: api_server",
                "remove request_path: with frontend: none calls enter the engine directly");
      e.request_path = RequestPath{};
      if (e.overhead) e.overhead = e.overhead->without_api_server();
    }
  }
  if (const YAML::Node n = YamlReader::get(map, "kernels_per_layer"))
    if (auto v = r.number(n, child_path(path, "kernels_per_layer"), in_range(0, 1000))) e.kernels_per_layer = *v;
  if (const YAML::Node n = YamlReader::get(map, "sync_points_per_layer"))
    if (auto v = r.number(n, child_path(path, "sync_points_per_layer"), in_range(0, 1000)))
      e.sync_points_per_layer = *v;
  if (const YAML::Node n = YamlReader::get(map, "serial_fraction"))
    if (auto v = r.number(n, child_path(path, "serial_fraction"), in_range(0, 1, false, true))) e.serial_fraction = *v;
  if (const YAML::Node n = YamlReader::get(map, "attention_flops_per_cycle"))
    if (auto v = r.number(n, child_path(path, "attention_flops_per_cycle"), in_range(0, 4096)))
      e.attention_flops_per_cycle = *v;
  if (const YAML::Node n = YamlReader::get(map, "dequant_kernel_rows"))
    if (auto v = r.integer(n, child_path(path, "dequant_kernel_rows"), 0, 1 << 20))
      e.dequant_kernel_rows = static_cast<int>(*v);
  if (const YAML::Node n = YamlReader::get(map, "expert_token_passes"))
    if (auto v = r.number(n, child_path(path, "expert_token_passes"), in_range(0, 16))) e.expert_token_passes = *v;
  if (const YAML::Node n = YamlReader::get(map, "attention_score_bytes"))
    if (auto v = r.number(n, child_path(path, "attention_score_bytes"), in_range(0, 64))) e.attention_score_bytes = *v;
  if (const YAML::Node n = YamlReader::get(map, "kernel_efficiency"))
    read_kernel_efficiency(r, n, child_path(path, "kernel_efficiency"), e.kernel_efficiency);

  const YAML::Node retention = YamlReader::get(map, "kv_retention");
  sites.kv_retention = retention;
  const KvRetentionInfo* policy = find_kv_retention_policy(e.kv_retention);  // the default or the stack's
  if (retention.IsDefined()) {
    auto v = r.choice(retention, child_path(path, "kv_retention"), kv_retention_choices(), "KV retention policy");
    if (v) e.kv_retention = *v;
    policy = v ? find_kv_retention_policy(*v) : nullptr;
  }
  const YAML::Node ttl = YamlReader::get(map, "kv_ttl");
  if (ttl.IsDefined()) {
    if (auto v = r.quantity(ttl, child_path(path, "kv_ttl"), Dimension::duration, greater_than(0))) e.kv_ttl_s = *v;
    if (policy && !policy->reads_ttl)
      r.error(ttl, child_path(path, "kv_ttl"), "kv_ttl applies only with kv_retention: ttl",
              "set kv_retention: ttl, or remove kv_ttl");
  } else if (policy && policy->reads_ttl) {
    r.error(retention, child_path(path, "kv_retention"), fmt::format("kv_retention: {} needs kv_ttl", e.kv_retention),
            "add e.g. kv_ttl: 30s: how long a finished call's KV cache is kept for the session's next call");
  }
  if (const YAML::Node n = YamlReader::get(map, "kv_tiers"))
    e.kv_tiers = read_kv_tier_uses(r, n, child_path(path, "kv_tiers"), sites.kv_tiers);
  return e;
}

// Checks of engine settings against the node they run on.
void check_engine_on_hardware(YamlReader& r, const Pool& pool, const PoolSite& site, const EngineSites& engine,
                              const std::string& engine_path) {
  const HardwareSpec& hw = pool.hardware;
  const int tp = pool.engine.tensor_parallel;
  const std::string device = hw.kind == DeviceKind::cpu ? "socket" : "device";
  if (hw.devices % tp != 0) {
    std::vector<std::string> divisors;
    for (int d = 1; d <= hw.devices; ++d)
      if (hw.devices % d == 0) divisors.push_back(std::to_string(d));
    r.error(engine.tensor_parallel, child_path(engine_path, "tensor_parallel"),
            fmt::format("tensor_parallel {} does not divide the {} {}s of a \"{}\" node", tp, hw.devices, device,
                        hw.name),
            fmt::format("use one of {}", fmt::join(divisors, ", ")));
    return;
  }
  if (tp > 1 && hw.interconnect_bandwidth_bps <= 0.0)
    r.error(engine.tensor_parallel, child_path(engine_path, "tensor_parallel"),
            fmt::format("tensor_parallel {} needs an interconnect between {}s, but \"{}\" has no "
                        "interconnect_bandwidth",
                        tp, device, hw.name),
            "set interconnect_bandwidth in the hardware entry, or use tensor_parallel: 1");
  check_kv_tier_uses(r, pool, engine.kv_tiers, engine_path, engine.kv_retention);
  const int threads = pool.engine.threads;
  if (threads > 0 && hw.kind != DeviceKind::cpu)
    r.error(engine.threads, child_path(engine_path, "threads"),
            fmt::format("threads applies to CPU pools, but \"{}\" is a gpu node", hw.name),
            "remove threads; a GPU replica uses its devices whole");
  else if (threads > 0 && hw.cores_per_device > 0 && threads > tp * hw.cores_per_device)
    r.error(engine.threads, child_path(engine_path, "threads"),
            fmt::format("threads {} exceeds the {} cores of the replica's {} socket{} on \"{}\"", threads,
                        tp * hw.cores_per_device, tp, tp == 1 ? "" : "s", hw.name),
            fmt::format("use at most {} (cores_per_socket x tensor_parallel)", tp * hw.cores_per_device));
  const int replicas = pool.engine.replicas_per_node;
  if (replicas > 0 && replicas * tp > hw.devices) {
    // CPU replicas may share a socket, each on its own cores (`threads`):
    // the node's sockets each hold the same number of whole replicas.
    const bool cpu = hw.kind == DeviceKind::cpu && hw.cores_per_device > 0;
    const int per_socket_threads = threads > 0 ? threads / tp : hw.cores_per_device;
    const int sharing = replicas_per_device(hw, pool.engine);  // the model's own count
    if (!cpu)
      r.error(engine.replicas_per_node, child_path(engine_path, "replicas_per_node"),
              fmt::format("{} replicas x tensor_parallel {} need {} {}s, but a \"{}\" node has {}", replicas, tp,
                          replicas * tp, device, hw.name, hw.devices),
              fmt::format("at most {} replicas fit; leave replicas_per_node out to use all {}s",
                          hw.devices / tp, device));
    else if ((replicas * tp) % hw.devices != 0)
      r.error(engine.replicas_per_node, child_path(engine_path, "replicas_per_node"),
              fmt::format("{} replicas x tensor_parallel {} do not share the {} sockets of a \"{}\" node evenly",
                          replicas, tp, hw.devices, hw.name),
              fmt::format("use a multiple of {} replicas", hw.devices / std::gcd(hw.devices, tp)));
    else if (threads <= 0 || sharing * per_socket_threads > hw.cores_per_device)
      r.error(engine.replicas_per_node, child_path(engine_path, "replicas_per_node"),
              fmt::format("{} replicas on each socket of a \"{}\" node need {} cores each{}, but a socket has {}",
                          sharing, hw.name, per_socket_threads, threads > 0 ? "" : " (threads not set: every core)",
                          hw.cores_per_device),
              fmt::format("set engine.threads to at most {} so that replicas sharing a socket run on their own "
                          "cores, or use at most {} replicas",
                          tp * (hw.cores_per_device / sharing), hw.devices / tp));
  }
  const int per_node = pool.replicas_per_node();
  if (per_node > 0 && site.models.size() > static_cast<std::size_t>(per_node)) {
    r.error(site.models[static_cast<std::size_t>(per_node)].node,
            site.models[static_cast<std::size_t>(per_node)].path,
            fmt::format("pool \"{}\" runs {} replica{} per node but lists {} models; replica r serves "
                        "models[r % {}], so \"{}\" would never run",
                        pool.name, per_node, per_node == 1 ? "" : "s", site.models.size(), site.models.size(),
                        site.models[static_cast<std::size_t>(per_node)].name),
            "serve fewer models per pool (add another pool), lower tensor_parallel, or raise replicas_per_node");
  }
}

// A prefill or decode pool (docs/disaggregation.md): its nodes need a network
// to move KV caches over, and a decode pool's caches stay in device memory
// (tiers below it hold caches a call would reload before its prefill, and a
// decode replica prefills nothing).
void check_role(YamlReader& r, Pool& pool, const PoolSite& site) {
  if (pool.role == PoolRole::unified) return;
  const std::string role_path = child_path(site.path, "role");
  if (pool.hardware.network_bandwidth_bps <= 0.0)
    r.error(site.role, role_path,
            fmt::format("a {} pool moves KV caches over the network, but \"{}\" has no network_bandwidth",
                        pool.role == PoolRole::prefill ? "prefill" : "decode", pool.hardware.name),
            "set network_bandwidth (and network_latency) in the hardware entry or a scenario override");
  if (pool.role == PoolRole::decode && !pool.engine.kv_tiers.empty())
    r.error(site.role, role_path, "a decode pool cannot use KV tiers yet: a decode replica prefills nothing to reload",
            "remove engine.kv_tiers here; give them to the prefill pool");
}

// `autoscale:`, with what depends on the rest of the pool: the starting
// `count` within the bounds, and one purchase option for every node.
void read_pool_autoscale(YamlReader& r, const YAML::Node& n, const std::string& path, const PoolSite& site,
                         Pool& pool) {
  auto spec = read_autoscale(r, n, path);
  if (!spec) return;
  // What the scenario does not say of the provisioning delay, the node
  // type's catalog entry does (0 where it has no figure).
  if (!YamlReader::get(n, "startup")) spec->startup_s = pool.hardware.provisioning_startup_s;
  if (!YamlReader::get(n, "load_bandwidth")) spec->load_bandwidth_bytes_per_s = pool.hardware.provisioning_load_bandwidth_bps;
  if (site.count_ok && (pool.count < spec->min_nodes || pool.count > spec->max_nodes)) {
    r.error(site.count, child_path(site.path, "count"),
            fmt::format("count {} is outside the autoscaler's min..max ({}..{})", pool.count, spec->min_nodes,
                        spec->max_nodes),
            "count is the nodes serving at the start; set it within the bounds");
    return;
  }
  // A reserved base may hold more nodes than serve at the start (they are
  // paid for all the same), but not more than the pool can ever hold.
  if (pool.purchase.base_nodes > spec->max_nodes) {
    r.error(site.node["purchase"], child_path(site.path, "purchase"),
            fmt::format("base_nodes {} is more than the autoscaler's max {}", pool.purchase.base_nodes,
                        spec->max_nodes),
            "the base buys some of the nodes the pool may hold; lower base_nodes or raise autoscale.max");
    return;
  }
  pool.autoscale = std::move(spec);
}

// `pstate:` one of the node type's frequency states; the pool's copy of its
// hardware is put at that state here, once (power_state.hpp).
void read_pool_pstate(YamlReader& r, const YAML::Node& n, const std::string& path, Pool& pool) {
  const auto name = r.name(n, path);
  if (!name) return;
  const HardwareSpec& hw = pool.hardware;
  const PowerState* state = find_power_state(hw, *name);
  if (state == nullptr) {
    std::vector<std::string> known;
    for (const PowerState& s : hw.pstates) known.push_back(s.name);
    std::string hint;
    if (known.empty())
      hint = fmt::format("\"{}\" lists no pstates; give them under `hardware: {{{}: {{catalog: {}, pstates: "
                         "[{{name: N, clock: F, voltage: V}}]}}}}` (docs/scenario-format.md)",
                         hw.name, hw.name, hw.name);
    else if (auto match = closest_match(*name, known))
      hint = "did you mean \"" + *match + "\"?";
    else
      hint = "known: " + quoted_list(known);
    r.error(n, path, fmt::format("unknown frequency state \"{}\" of \"{}\"", *name, hw.name), hint);
    return;
  }
  pool.pstate = state->name;
  pool.hardware = at_power_state(hw, *state);
}

// What the pool is: its hardware, role, node count and models.
void read_pool_makeup(ScenarioContext& ctx, const YAML::Node& node, const std::string& path, Pool& pool,
                      PoolSite& site) {
  YamlReader& r = ctx.reader;
  if (const YAML::Node n = r.require(node, path, "hardware")) {
    const std::string hw_path = child_path(path, "hardware");
    if (auto name = r.name(n, hw_path)) {
      if (const HardwareSpec* hw = ctx.resolve_hardware({*name, n, hw_path})) {
        pool.hardware = *hw;
        site.hardware_ok = true;
      }
    }
  }
  if (const YAML::Node n = YamlReader::get(node, "pstate"); n && site.hardware_ok)
    read_pool_pstate(r, n, child_path(path, "pstate"), pool);
  if (const YAML::Node n = YamlReader::get(node, "role")) {
    site.role = n;
    if (auto v = r.choice(n, child_path(path, "role"), pool_role_choices(), "pool role")) pool.role = *v;
  }
  site.count = r.require(node, path, "count", "the number of nodes; 0 keeps the pool defined but empty");
  if (site.count.IsDefined()) {
    if (auto v = r.integer(site.count, child_path(path, "count"), 0)) {
      pool.count = static_cast<int>(*v);
      site.count_ok = true;
    }
  }
  if (const YAML::Node n = r.require(node, path, "models")) {
    const std::string models_path = child_path(path, "models");
    if (auto names = r.name_list(n, models_path)) {
      if (names->empty()) r.error(n, models_path, "expected at least one model, found an empty list");
      for (std::size_t i = 0; i < names->size(); ++i) {
        NameSite model{(*names)[i], n[i], index_path(models_path, i)};
        ctx.resolve_model(model);
        pool.models.push_back(model.name);
        site.models.push_back(model);
      }
    }
  }
}

// How the pool's node count is bought and how it changes: purchase,
// autoscale and failures.
void read_pool_lifecycle(YamlReader& r, const YAML::Node& node, const std::string& path, Pool& pool,
                         const PoolSite& site) {
  if (const YAML::Node n = YamlReader::get(node, "purchase"); n && site.hardware_ok) {
    const std::string purchase_path = child_path(path, "purchase");
    if (auto purchase = read_pool_purchase(r, n, purchase_path, pool.hardware.purchase_options)) {
      pool.purchase = *purchase;
      if (site.count_ok && purchase->base_nodes > pool.count && !YamlReader::get(node, "autoscale"))
        r.error(n, purchase_path,
                fmt::format("base_nodes {} is more than the pool's {} nodes", purchase->base_nodes, pool.count),
                "the base buys some of the pool's nodes; lower base_nodes or raise count");
    }
  }
  if (const YAML::Node n = YamlReader::get(node, "autoscale"))
    read_pool_autoscale(r, n, child_path(path, "autoscale"), site, pool);
  if (const YAML::Node n = YamlReader::get(node, "failures")) {
    pool.failures = read_failures(r, n, child_path(path, "failures"), YamlReader::get(node, "autoscale").IsDefined());
  }
}

// `engine:`, then its checks against the node and against the rest of the pool.
void read_pool_engine(ScenarioContext& ctx, const YAML::Node& node, const std::string& path, Pool& pool,
                      PoolSite& site) {
  YamlReader& r = ctx.reader;
  EngineSites engine_sites;
  const std::size_t errors_before = r.error_count();
  const std::string engine_path = child_path(path, "engine");
  if (const YAML::Node n = YamlReader::get(node, "engine")) pool.engine = read_engine(r, ctx.catalog, n, engine_path, engine_sites);
  site.engine_ok = r.error_count() == errors_before;
  const std::vector<EngineSettings::KvTierUse>& uses = pool.engine.kv_tiers;
  if (!uses.empty() && uses.back().remote_store && engine_sites.kv_tiers.tiers.size() == uses.size()) {
    site.kv_store = engine_sites.kv_tiers.tiers.back();
    site.kv_store_path = child_path(index_path(child_path(engine_path, "kv_tiers"), uses.size() - 1), "store");
  }
  if (!engine_sites.tensor_parallel.IsDefined()) engine_sites.tensor_parallel = node;
  if (site.hardware_ok && site.engine_ok) check_engine_on_hardware(r, pool, site, engine_sites, engine_path);
  if (site.hardware_ok && site.engine_ok) check_role(r, pool, site);
  // Local tiers lose their caches with a failed replica (docs/failures.md);
  // a cache on its way from a remote store to a replica that fails is not
  // modelled.
  const bool uses_store = std::any_of(pool.engine.kv_tiers.begin(), pool.engine.kv_tiers.end(),
                                      [](const EngineSettings::KvTierUse& u) { return u.remote_store; });
  if (pool.failures && uses_store)
    r.error(node["failures"], child_path(path, "failures"),
            "a pool whose nodes fail cannot use a remote KV store yet: a cache in flight to a failed replica is not "
            "modelled",
            "remove the store from engine.kv_tiers (local tiers are fine), or model failures on another pool");
  if (pool.autoscale && !pool.engine.kv_tiers.empty())
    r.error(node["autoscale"], child_path(path, "autoscale"),
            "an autoscaled pool cannot use KV tiers yet: what a node's tiers hold when it goes off is not modelled",
            "remove engine.kv_tiers, or autoscale another pool");
}

void read_pool(ScenarioContext& ctx, const YAML::Node& node, const std::string& path,
               std::map<std::string, int>& first_line) {
  YamlReader& r = ctx.reader;
  Pool pool;
  PoolSite site;
  site.node = node;
  site.path = path;
  check_scenario_keys(r, node, path, "pool");
  if (auto name = read_entry_name(r, node, path, first_line, "pool", "routes and the report refer to pools by name"))
    pool.name = *name;
  read_pool_makeup(ctx, node, path, pool, site);
  read_pool_lifecycle(r, node, path, pool, site);
  read_pool_engine(ctx, node, path, pool, site);
  // The suite's evidence of the built-in entry and stack the pool names, or
  // of the entry its hardware starts from (a scenario's own hardware, or a
  // stack no case ran, has none).
  const HardwareSpec& hw = pool.hardware;
  pool.evidence = builtin_model_evidence().for_pool(hw.catalog_base.empty() ? hw.name : hw.catalog_base, pool.engine.stack);
  ctx.scenario.pools.push_back(std::move(pool));
  ctx.pool_sites.push_back(std::move(site));
}

}  // namespace

void read_fleet(ScenarioContext& ctx, const YAML::Node& map) {
  YamlReader& r = ctx.reader;
  if (!r.expect_map(map, "fleet", "e.g. fleet: {pools: [{name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}]}"))
    return;
  check_scenario_keys(r, map, "fleet", "fleet");
  const YAML::Node pools = r.require(map, "fleet", "pools");
  if (pools.IsDefined() && r.expect_items(pools, "fleet.pools", "pool")) {
    std::map<std::string, int> first_line;
    for (std::size_t i = 0; i < pools.size(); ++i) {
      const std::string path = index_path("fleet.pools", i);
      if (!r.expect_map(pools[i], path)) continue;
      read_pool(ctx, pools[i], path, first_line);
    }
  }
  // After the model pools: a tool pool's name must not repeat one of theirs.
  if (const YAML::Node tools = YamlReader::get(map, "tool_pools"); tools.IsDefined() && !tools.IsNull())
    read_tool_pools(ctx, tools);
  // After every pool: a store is named by pools anywhere in the list.
  if (const YAML::Node stores = YamlReader::get(map, "kv_stores"); stores.IsDefined() && !stores.IsNull())
    read_kv_stores(ctx, stores);
  resolve_kv_store_uses(ctx);
  // After the pools and stores: only a fleet whose KV caches cross the network may shape it.
  if (const YAML::Node n = YamlReader::get(map, "network"); n.IsDefined() && !n.IsNull()) read_network(ctx, n);
  if (const YAML::Node n = YamlReader::get(map, "power_cap")) read_power_cap(ctx, n);
}

}  // namespace fleetsim
