// The SimGrid edge: a platform with one host per fleet node, one kernel timer
// driving the fleet's own event queue (session arrivals, replicas' serving
// loops, the end of tool calls), an actor that ends the run, and the host
// energy plugin integrating each node's baseline power. Sessions and calls
// are plain data in FleetModel.
#include "fleetsim/engine/simulation.hpp"
#include "fleetsim/engine/engine_module.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>
#include <simgrid/simix.hpp>
#include <spdlog/spdlog.h>

#include "fleetsim/core/arrival_process.hpp"
#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/report_builder.hpp"
#include "event_queue.hpp"
#include "kv_network.hpp"
#include "replica_server.hpp"

#ifndef FLEETSIM_VERSION
#define FLEETSIM_VERSION "0.0.0"
#endif

namespace sg4 = simgrid::s4u;

namespace fleetsim {
namespace {

// Arrivals of a workload this close start together, at the first one's time:
// SimGrid's timing precision (its precision/timing, 1e-9 s), which merged
// them when each workload's arrivals were an actor's sleeps.
constexpr double kOneInstant_s = 1e-9;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct RunControl {
  double horizon_s = kInfinity;          // arrivals stop here (duration mode)
  std::int64_t session_limit = -1;       // arrivals stop after this many (count mode)
  std::int64_t sessions_started = 0;
  int sources_running = 0;               // workloads whose arrivals have not stopped
  sg4::SemaphorePtr drained;             // count mode: released when the arrivals have stopped and the last session ended
  bool progress = false;
  std::chrono::steady_clock::time_point last_progress;
  std::function<void(double, long)> watchdog;  // SimulationOptions::on_progress
  long watched = 0;                            // events at the watchdog's last call
  // When each actor (the run's end, then the warm-up mark) next wakes by
  // itself; infinity for one that waits for the fleet or is done. The event
  // queue runs ahead of SimGrid's clock up to just before the earliest
  // (EngineEventSink::quiet_until).
  std::vector<double> wakes;
  bool run_ahead = true;  // false: KV transfers are SimGrid activities, on its clock
};

// Calls the watchdog every 4096 events: often enough to stop a run that
// outgrows its limits within milliseconds, rarely enough to cost nothing.
void watch(RunControl& rc, long events, double now) {
  if (!rc.watchdog || events - rc.watched < 4096) return;
  rc.watched = events;
  rc.watchdog(now, events);
}

void report_progress(RunControl& rc, const FleetModel& fleet, double t) {
  if (!rc.progress) return;
  const auto wall = std::chrono::steady_clock::now();
  if (wall - rc.last_progress < std::chrono::seconds(2)) return;
  rc.last_progress = wall;
  if (std::isfinite(rc.horizon_s))
    spdlog::info("simulated {:.0f} of {:.0f} s ({:.0f}%), {} sessions in flight", t, rc.horizon_s,
                 100.0 * t / rc.horizon_s, fleet.sessions_in_flight());
  else if (rc.session_limit >= 0)
    spdlog::info("simulated {:.0f} s, {} of {} sessions started, {} in flight", t, rc.sessions_started,
                 rc.session_limit, fleet.sessions_in_flight());
  else  // traces replayed to their end
    spdlog::info("simulated {:.0f} s, {} sessions started, {} in flight", t, rc.sessions_started,
                 fleet.sessions_in_flight());
}

class SimGridDriver : public FleetDriver, public EngineEventSink {
 public:
  SimGridDriver(FleetModel& fleet, RunControl& rc, long& events)
      : fleet_(fleet), rc_(rc), events_(events), queue_(*this, fleet.replicas().size()) {
    for (std::size_t r = 0; r < fleet.replicas().size(); ++r)
      servers_.push_back(std::make_unique<ReplicaServer>(static_cast<std::uint32_t>(r), fleet.replicas()[r], fleet,
                                                         queue_, events, fleet.power_cap()));
  }
  double now() const override { return queue_.now(); }
  void wake_replica(std::size_t replica, bool interrupt) override { servers_[replica]->wake(interrupt); }
  void call_back_after_tool(double at_s, std::uint32_t slot) override {
    queue_.schedule(at_s, {AgendaEvent::Kind::tool_call, slot});
  }
  void call_back_at(double at_s, std::uint32_t token) override {
    queue_.schedule(at_s, {AgendaEvent::Kind::fleet_timer, token});
  }
  void halt_replica(std::size_t replica) override { servers_[replica]->halt(); }
  // As a replica whose plan ends lets held ones go (ReplicaServer::release_power).
  void power_granted(std::size_t replica) override {
    queue_.schedule(queue_.now(), {AgendaEvent::Kind::replica, static_cast<std::uint32_t>(replica)});
  }
  // A KV cache crosses the platform's network: a SimGrid communication
  // between the two replicas' hosts, sharing their links with every other
  // transfer under way (docs/disaggregation.md). Its end comes back through
  // on_activity_done.
  void transfer(std::size_t from, std::size_t to, double bytes, double, std::uint32_t token) override {
    send(net_.replica_hosts[from], net_.replica_hosts[to], bytes, token, net_.replica_node[from],
         net_.replica_node[to]);
  }
  // A cache comes back from a remote KV store's node the same way.
  void reload_from_store(std::size_t store, int node, std::size_t to, double bytes, double,
                         std::uint32_t token) override {
    send(net_.store_hosts[store][static_cast<std::size_t>(node)], net_.replica_hosts[to], bytes, token,
         layout_.store_node(store, static_cast<std::size_t>(node)), net_.replica_node[to]);
  }
  void send(sg4::Host* from, sg4::Host* to, double bytes, std::uint32_t token, int from_node, int to_node) {
    finished_.clear();  // comms that ended since the last start: safe to release now, outside their signal
    const auto size = static_cast<std::uint64_t>(std::llround(bytes));
    sg4::CommPtr comm = sg4::Comm::sendto_async(from, to, size);
    in_flight_.emplace(comm.get(), InFlight{comm, token, sent_++, from_node, to_node, static_cast<double>(size), 0.0});
  }
  void set_network(KvNetwork net, NetworkLayout layout) {
    net_ = std::move(net);
    layout_ = std::move(layout);
    traffic_ = NetworkTraffic(layout_);
  }
  // The window opens: what the network carried so far is the warm-up's, and
  // the transfers under way count only their bytes still to come.
  void mark_window_start() {
    traffic_ = NetworkTraffic(layout_);
    for (auto& [activity, f] : in_flight_) f.before = f.bytes - f.comm->get_remaining();
  }
  const NetworkTraffic& traffic() const { return traffic_; }
  // Every activity's completion is signalled; only this driver's transfers count.
  void on_activity_done(const sg4::Activity& activity) {
    auto it = in_flight_.find(&activity);
    if (it == in_flight_.end()) return;
    const std::uint32_t token = it->second.token;
    if (!stopped_) traffic_.carry(layout_, it->second.from, it->second.to, it->second.bytes - it->second.before);
    finished_.push_back(std::move(it->second.comm));  // dropping the last reference inside its own signal is unsafe
    in_flight_.erase(it);
    if (stopped_) return;
    ++events_;
    fleet_.timer_fired(token);
    watch(rc_, events_, now());
  }
  // Each workload's first session is put on the agenda (at time 0, from the
  // run's end actor). Each workload draws its own arrival stream, as its
  // own actor did before arrivals became the queue's events.
  void start_arrivals() {
    const Scenario& sc = fleet_.scenario();
    for (std::uint32_t w = 0; w < sc.workloads.size(); ++w) {
      const Workload& wl = sc.workloads[w];
      arrivals_.emplace_back(wl.arrivals, Rng(sc.simulation.seed, stable_hash("arrivals/" + wl.name)));
      next_arrival_.push_back(0.0);
      pending_.push_back(0);
      if (rc_.session_limit == 0 || !next_arrival(w, 0.0))
        stop_arrivals();
      else
        put_on_agenda(w);
    }
  }
  // A session of the workload arrives, and with it every later one of the
  // workload due within kOneInstant_s, so that their calls meet in one plan:
  // the replicas they wake start in events of their own, after these. A
  // trace's sessions can share one time, and scenarios write "at once" as a
  // rate such as 1e12/s (validation/h200-pytorch-8b.yaml). In count mode the
  // session that reaches the count stops every workload's arrivals.
  void arrive(std::uint32_t w) {
    if (!pending_[w]) return;  // stopped when the count was reached
    pending_[w] = 0;
    const double t = next_arrival_[w];
    for (;;) {
      ++rc_.sessions_started;
      ++events_;
      fleet_.start_session(w);
      report_progress(rc_, fleet_, now());
      if (rc_.session_limit >= 0 && rc_.sessions_started >= rc_.session_limit) return stop_all_arrivals();
      if (!next_arrival(w, next_arrival_[w])) return stop_arrivals();
      if (next_arrival_[w] - t > kOneInstant_s) break;
    }
    put_on_agenda(w);
  }
  // Count mode: the last session to end lets the waiting source finish the
  // run. Inside a firing the release waits for SimGrid's clock to reach this
  // instant (the source must stop the run now, not where the queue has run
  // ahead to), after the instant's other events, as before.
  void session_ended() override {
    if (rc_.sources_running != 0 || fleet_.sessions_in_flight() != 0) return;
    if (!queue_.firing()) return rc_.drained->release();
    release_pending_ = true;
    queue_.hold();
  }
  void caught_up() override {
    if (std::exchange(release_pending_, false)) rc_.drained->release();
  }
  double quiet_until() const override {
    if (!rc_.run_ahead) return -kInfinity;
    const double wake = *std::min_element(rc_.wakes.begin(), rc_.wakes.end());
    if (!std::isfinite(wake)) return wake;
    // SimGrid wakes a sleeper at its start plus the duration asked, which can
    // round to just below the time asked: stop well short of it, and leave
    // events near it to SimGrid's clock as before.
    return wake - (std::abs(wake) + 1.0) * 1e-9;
  }
  void dispatch(const AgendaEvent& event) override {
    if (event.kind == AgendaEvent::Kind::replica) {
      servers_[event.target]->on_event();
    } else if (event.kind == AgendaEvent::Kind::tool_call) {
      ++events_;
      fleet_.tool_finished(event.target);
    } else if (event.kind == AgendaEvent::Kind::session_arrival) {
      arrive(event.target);
    } else {
      fleet_.timer_fired(event.target);
    }
    watch(rc_, events_, now());
  }

  // Cancels every pending event, so that the engine stops with the sources;
  // transfers still under way end unheard, their bytes so far counted (in
  // the order they started: the sums do not depend on the map's order).
  void stop_all() {
    queue_.stop();
    std::vector<const InFlight*> open;
    for (const auto& [activity, f] : in_flight_) open.push_back(&f);
    std::sort(open.begin(), open.end(), [](const InFlight* a, const InFlight* b) { return a->seq < b->seq; });
    for (const InFlight* f : open) traffic_.carry(layout_, f->from, f->to, f->bytes - f->comm->get_remaining() - f->before);
    stopped_ = true;
  }
  void account_unfinished(double end_s) {
    for (auto& s : servers_) s->account_unfinished(end_s);
  }

 private:
  // Draws the workload's next arrival after `after` into next_arrival_;
  // false when there is none before the horizon.
  bool next_arrival(std::uint32_t w, double after) {
    const double t = fleet_.streams_trace(w) ? fleet_.next_streamed_start(w) : arrivals_[w].next_after(after);
    if (!(t < rc_.horizon_s) || !std::isfinite(t)) return false;
    next_arrival_[w] = t;
    return true;
  }
  void put_on_agenda(std::uint32_t w) {
    pending_[w] = 1;
    queue_.schedule(next_arrival_[w], {AgendaEvent::Kind::session_arrival, w});
  }
  // A workload's arrivals stop; once none is left, count mode ends the run
  // with its last session (now, if none is in flight).
  void stop_arrivals() {
    --rc_.sources_running;
    session_ended();
  }
  void stop_all_arrivals() {
    for (auto& p : pending_)
      if (std::exchange(p, 0) != 0) --rc_.sources_running;
    stop_arrivals();  // the workload that reached the count
  }

  FleetModel& fleet_;
  RunControl& rc_;
  long& events_;
  EventQueue queue_;
  std::vector<std::unique_ptr<ReplicaServer>> servers_;
  struct InFlight {
    sg4::CommPtr comm;
    std::uint32_t token;
    std::uint64_t seq;  // the order transfers started in
    int from;           // network nodes (network_layout.hpp)
    int to;
    double bytes;
    double before;      // carried before the window opened
  };
  KvNetwork net_;  // empty without a network
  NetworkLayout layout_;
  NetworkTraffic traffic_;
  std::uint64_t sent_ = 0;
  std::unordered_map<const sg4::Activity*, InFlight> in_flight_;
  std::vector<sg4::CommPtr> finished_;
  bool stopped_ = false;
  bool release_pending_ = false;  // session_ended() held for caught_up()
  std::vector<ArrivalGenerator> arrivals_;  // by workload
  std::vector<double> next_arrival_;        // by workload: the arrival on the agenda
  std::vector<char> pending_;               // by workload: its next arrival is on the agenda
};

// The actor that ends the run: at the horizon (duration mode), or once every
// workload's arrivals have stopped and the last session has ended (count
// mode), it cancels what is left. The sessions themselves arrive as events of
// the queue (SimGridDriver::arrive).
void run_end(FleetModel& fleet, SimGridDriver& driver, RunControl& rc) {
  simgrid::kernel::actor::simcall_answered([&driver] { driver.start_arrivals(); });
  if (std::isfinite(rc.horizon_s))
    sg4::this_actor::sleep_until(rc.horizon_s);
  else
    while (rc.sources_running > 0 || fleet.sessions_in_flight() > 0) rc.drained->acquire();
  simgrid::kernel::actor::simcall_answered([&driver] { driver.stop_all(); });
}

// A datacenter network for KV transfers: latency + bytes / bandwidth for a
// transfer alone (SimGrid's default LV08 model scales both for wide-area
// TCP), no TCP window bound and no reverse traffic of acknowledgements.
void use_datacenter_network() {
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/TCP-gamma:0");
  sg4::Engine::set_config("network/crosstraffic:0");
}

// Where arrivals stop (a duration or a session count), and how progress is told.
void init_run_control(RunControl& rc, const Scenario& scenario, const SimulationOptions& options) {
  rc.progress = options.progress;
  rc.watchdog = options.on_progress;
  rc.last_progress = std::chrono::steady_clock::now();
  if (scenario.simulation.duration_s) rc.horizon_s = *scenario.simulation.duration_s;
  if (scenario.simulation.sessions) rc.session_limit = *scenario.simulation.sessions;
  rc.drained = sg4::Semaphore::create(0);
}

// The fleet's hosts, one per node, and the pool of each.
struct NodeHosts {
  std::vector<sg4::Host*> hosts;
  std::vector<std::size_t> pool;
};

// One host per node. The plugin integrates each node's baseline (host + idle
// devices) power; power above idle depends on the batch and is integrated
// per iteration by the power model (docs/performance-model.md, "Power"). An
// autoscaled pool's nodes come and go: the report integrates their baseline
// over the node time its autoscaler counts, so their hosts here draw nothing.
NodeHosts create_node_hosts(sg4::NetZone* zone, const Scenario& scenario) {
  NodeHosts nodes;
  for (std::size_t p = 0; p < scenario.pools.size(); ++p) {
    const Pool& pool = scenario.pools[p];
    const double baseline_w = pool.autoscale ? 0.0 : node_baseline_power_w(pool);
    const std::string watts = fmt::format("{0:.6f}:{0:.6f}:{0:.6f}", baseline_w);
    for (int n = 0; n < pool.max_nodes(); ++n) {
      auto* h = zone->create_host(fmt::format("{}-{}", pool.name, n), kHostSpeed);
      h->set_property("wattage_per_state", watts);
      h->set_property("wattage_off", "0");
      nodes.hosts.push_back(h);
      nodes.pool.push_back(p);
    }
  }
  return nodes;
}

// Each pool's nodes' baseline energy so far.
std::vector<double> baseline_energy_by_pool(const NodeHosts& nodes, std::size_t pools) {
  std::vector<double> energy(pools, 0.0);
  for (std::size_t i = 0; i < nodes.hosts.size(); ++i) energy[nodes.pool[i]] += sg_host_get_consumed_energy(nodes.hosts[i]);
  return energy;
}

// The run's window and each pool's baseline energy over it.
RunTotals run_totals(const Scenario& scenario, const NodeHosts& nodes, const std::vector<double>& energy_at_warmup,
                     double end) {
  RunTotals totals;
  totals.window_start_s = std::min(scenario.simulation.warmup_s, end);
  totals.window_end_s = end;
  totals.simulated_end_s = end;
  totals.fleetsim_version = FLEETSIM_VERSION;
  totals.pool_baseline_energy_j = baseline_energy_by_pool(nodes, scenario.pools.size());
  for (std::size_t p = 0; p < scenario.pools.size(); ++p) totals.pool_baseline_energy_j[p] -= energy_at_warmup[p];
  return totals;
}

bool simulation_ran = false;  // simulate() refuses a second run in one process

}  // namespace

bool simulation_ran_in_this_process() { return simulation_ran; }

Report simulate(const Scenario& scenario, const SimulationOptions& options) {
  // SimGrid's clock does not restart with a new engine: a second run in the
  // same process would start at the first one's end and silently report
  // nonsense, so it is refused.
  if (simulation_ran) throw std::logic_error("simulate() runs once per process (SimGrid keeps its clock between engines)");
  simulation_ran = true;
  // SimGrid reads its own options from argv; keep its logging quiet.
  int argc = 2;
  std::string prog = "fleetsim", log = "--log=root.thresh:critical";
  char* argv[] = {prog.data(), log.data(), nullptr};
  sg4::Engine engine(&argc, argv);
  const bool kv_network = uses_kv_network(scenario);
  if (kv_network) use_datacenter_network();
  sg_host_energy_plugin_init();
  if (options.on_engine_created) options.on_engine_created();

  RunControl rc;
  init_run_control(rc, scenario, options);
  FleetModel fleet(scenario);
  if (options.timeseries) fleet.record_time_series(options.timeseries_bin_s);
  if (options.calls) fleet.record_calls(options.calls);
  if (options.trace) fleet.record_replica_trace(options.trace, options.trace_replicas);

  // A star zone keeps the platform O(nodes); only KV transfers between
  // prefill and decode pools use its network.
  auto* zone = sg4::create_star_zone("fleet");
  const NodeHosts nodes = create_node_hosts(zone, scenario);
  auto* control = zone->create_host("control", kHostSpeed);
  NetworkLayout layout;
  KvNetwork kv_net;
  if (kv_network) {
    layout = network_layout(scenario);
    kv_net = build_kv_network(zone, scenario, fleet.placements(), layout);
  }
  zone->seal();

  long events = 0;
  SimGridDriver driver(fleet, rc, events);
  if (kv_network) {
    driver.set_network(std::move(kv_net), std::move(layout));
    sg4::Activity::on_completion_cb([&driver](const sg4::Activity& a) { driver.on_activity_done(a); });
  }
  fleet.attach(&driver);

  rc.sources_running = static_cast<int>(scenario.workloads.size());
  rc.run_ahead = !kv_network;
  rc.wakes = {rc.horizon_s, scenario.simulation.warmup_s > 0 ? 0.0 : kInfinity};
  sg4::Actor::create("run-end", control, [&fleet, &driver, &rc] { run_end(fleet, driver, rc); });

  // Baseline energy at the start of the measured window.
  const double warmup = scenario.simulation.warmup_s;
  std::vector<double> energy_at_warmup(scenario.pools.size(), 0.0);
  if (warmup > 0)
    sg4::Actor::create("warmup-mark", control, [&] {
      rc.wakes.back() = warmup;
      sg4::this_actor::sleep_until(warmup);
      rc.wakes.back() = kInfinity;
      energy_at_warmup = baseline_energy_by_pool(nodes, scenario.pools.size());
      if (kv_network) simgrid::kernel::actor::simcall_answered([&driver] { driver.mark_window_start(); });
    })->daemonize();

  // The run ends when the last source has finished and cancelled the timers.
  engine.run();

  const double end = sg4::Engine::get_clock();
  driver.account_unfinished(end);
  fleet.settle(end);
  // A streamed trace whose file changed under the run: its report would not
  // be the trace that was checked.
  if (auto problems = fleet.trace_feed_problems(); !problems.empty()) throw InputError(std::move(problems));
  RunTotals totals = run_totals(scenario, nodes, energy_at_warmup, end);
  totals.network_traffic = driver.traffic();
  fleet.metrics().events = events;
  if (options.timeseries) *options.timeseries = fleet.time_series()->table(end);
  if (options.metrics) *options.metrics = fleet.metrics();
  return build_report(fleet, totals);
}

}  // namespace fleetsim

// The table the command line loads this module for (engine_module.hpp).
extern "C" __attribute__((visibility("default"))) const fleetsim::EngineModule* fleetsim_engine_module() {
  static const fleetsim::EngineModule module = {
      fleetsim::kEngineModuleAbi, FLEETSIM_VERSION,   sizeof(fleetsim::Scenario), sizeof(fleetsim::SimulationOptions),
      sizeof(fleetsim::Report),   &fleetsim::simulate, &fleetsim::simulation_ran_in_this_process};
  return &module;
}
