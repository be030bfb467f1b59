#include "floor_loop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "fleetsim/core/arrival_process.hpp"
#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/core/rng.hpp"
#include "fleetsim/core/session.hpp"

namespace fleetsim::bench {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// FleetModel's per-session stream (src/core/fleet_model.cpp): kept equal so
// that each session draws the same chain as it does in fleetsim.
std::uint64_t session_stream(const std::string& workload, std::uint64_t index) {
  return stable_hash(workload) ^ (index * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL);
}

enum class Kind : std::uint32_t { arrival, tool_end, call_end };

// Plain data, 24 bytes: the heap moves these around on every push and pop.
struct Event {
  double t;
  std::uint64_t seq;  // scheduling order: ties in time run first-scheduled first
  Kind kind;
  std::uint32_t id;   // workload (arrival) or session slot (tool_end, call_end)
};

struct Later {
  bool operator()(const Event& a, const Event& b) const { return a.t > b.t || (a.t == b.t && a.seq > b.seq); }
};

struct Server {
  std::uint32_t busy = 0;       // calls running
  std::uint32_t max_batch = 1;
  std::uint32_t waiting = 0;    // calls in the FIFO
  std::uint32_t head = kNone;   // FIFO of session slots, linked through Session::next_waiting
  std::uint32_t tail = kNone;
  std::uint32_t route = kNone;  // the route whose model this server serves; kNone: no route uses it
  double prefill_s_per_token = 0.0;
  double decode_s_per_token = 0.0;
};

struct Route {
  std::vector<std::uint32_t> servers;  // the first pool's servers of this model
  std::size_t next = 0;                // round robin
  bool affinity = false;
  std::uint32_t affinity_max_queue = 0;
};

struct Session {
  Rng rng{0, 0};
  StepCursor cursor{nullptr};
  const Step* step = nullptr;
  double context_tokens = 0.0;
  double retained_tokens = 0.0;  // context when its previous call ended, on last_server
  double service_s = 0.0;        // of the call in flight
  long prompt_tokens = 0;
  long output_tokens = 0;
  std::uint32_t last_server = kNone;
  std::uint32_t next_waiting = kNone;
  std::uint32_t workload = 0;
};

class Floor {
 public:
  explicit Floor(const Scenario& sc) : sc_(sc), warmup_(sc.simulation.warmup_s) {
    if (sc.simulation.duration_s) horizon_ = *sc.simulation.duration_s;
    if (sc.simulation.sessions) session_limit_ = *sc.simulation.sessions;
    build_servers();
    for (const auto& w : sc.workloads) index_steps(w.steps);
    sessions_created_.assign(sc.workloads.size(), 0);
  }

  FloorResult run() {
    std::vector<ArrivalGenerator> arrivals;
    for (std::uint32_t w = 0; w < sc_.workloads.size(); ++w) {
      const Workload& wl = sc_.workloads[w];
      arrivals.emplace_back(wl.arrivals, Rng(sc_.simulation.seed, stable_hash("arrivals/" + wl.name)));
      schedule_arrival(w, arrivals.back().next_after(0.0));
    }
    while (!heap_.empty()) {
      const Event e = heap_.top();
      if (e.t > horizon_) break;  // duration mode: the run ends at the horizon
      heap_.pop();
      now_ = e.t;
      ++result_.events;
      switch (e.kind) {
        case Kind::arrival:
          if (session_limit_ >= 0 && started_ >= session_limit_) break;
          ++started_;
          start_session(e.id);
          schedule_arrival(e.id, arrivals[e.id].next_after(now_));
          break;
        case Kind::tool_end:
          tool_finished(e.id);
          break;
        case Kind::call_end:
          call_finished(e.id);
          break;
      }
    }
    result_.simulated_s = now_;
    return result_;
  }

 private:
  void build_servers() {
    std::unordered_map<std::string, std::uint32_t> route_of;
    routes_.resize(sc_.routes.size());
    for (std::uint32_t r = 0; r < sc_.routes.size(); ++r) {
      const fleetsim::Route& rt = sc_.routes[r];
      route_of[rt.model] = r;
      routes_[r].affinity = rt.policy == "session_affinity";
      routes_[r].affinity_max_queue = static_cast<std::uint32_t>(std::max(0, rt.affinity_max_queue));
    }
    for (const Pool& pool : sc_.pools) {
      // The two service-time constants of each model on this pool, from the
      // roofline once (not per call): decode at batch 1, and prefill per token
      // over a 1,024-token prompt.
      std::unordered_map<std::string, std::pair<double, double>> times;
      for (const auto& name : pool.models) {
        const ModelSpec* model = sc_.find_model(name);
        if (model == nullptr || times.count(name)) continue;
        const RooflineModel roofline(*model, pool.hardware, pool.engine);
        IterationShape decode;
        decode.decode_seqs = 1.0;
        IterationShape prefill;
        prefill.prefill_tokens = 1024.0;
        times[name] = {roofline.cost(prefill).time_s() / 1024.0, roofline.cost(decode).time_s()};
      }
      for (int node = 0; node < pool.count; ++node) {
        for (int r = 0; r < pool.replicas_per_node(); ++r) {
          const std::string& name = pool.models[static_cast<std::size_t>(r) % pool.models.size()];
          Server s;
          s.max_batch = static_cast<std::uint32_t>(std::max(1, pool.engine.max_batch_size));
          s.prefill_s_per_token = times[name].first;
          s.decode_s_per_token = times[name].second;
          const auto it = route_of.find(name);
          if (it != route_of.end() && sc_.routes[it->second].pools.front() == pool.name) {
            s.route = it->second;
            routes_[it->second].servers.push_back(static_cast<std::uint32_t>(servers_.size()));
          }
          servers_.push_back(s);
        }
      }
    }
    for (std::size_t r = 0; r < routes_.size(); ++r)
      if (routes_[r].servers.empty())
        throw std::runtime_error("floor: no server serves the route of model " + sc_.routes[r].model);
  }

  // Each llm step's route, found once here rather than by model name per call.
  void index_steps(const std::vector<Step>& steps) {
    for (const Step& step : steps) {
      if (step.kind == Step::Kind::loop) index_steps(step.body);
      if (step.kind != Step::Kind::llm) continue;
      for (std::uint32_t r = 0; r < sc_.routes.size(); ++r)
        if (sc_.routes[r].model == step.model) route_of_step_[&step] = r;
    }
  }

  void push(double t, Kind kind, std::uint32_t id) { heap_.push({t, seq_++, kind, id}); }

  void schedule_arrival(std::uint32_t workload, double t) {
    if (!std::isfinite(t) || t >= horizon_) return;
    if (session_limit_ >= 0 && started_ >= session_limit_) return;
    push(t, Kind::arrival, workload);
  }

  bool in_window() const { return now_ >= warmup_; }

  void start_session(std::uint32_t workload) {
    std::uint32_t slot;
    if (free_slots_.empty()) {
      slot = static_cast<std::uint32_t>(sessions_.size());
      sessions_.emplace_back();
    } else {
      slot = free_slots_.back();
      free_slots_.pop_back();
    }
    const Workload& w = sc_.workloads[workload];
    Session& s = sessions_[slot];
    s = Session{};
    s.workload = workload;
    s.rng = Rng(sc_.simulation.seed, session_stream(w.name, sessions_created_[workload]++));
    s.context_tokens = static_cast<double>(draw_tokens(w.initial_context_tokens, s.rng, 0));
    s.cursor = StepCursor(&w.steps);
    if (in_window()) ++result_.sessions_started;
    advance(slot);
  }

  // The session's next step, drawing in FleetModel's order.
  void advance(std::uint32_t slot) {
    Session& s = sessions_[slot];
    s.step = s.cursor.next(s.rng);
    if (s.step == nullptr) {
      if (in_window()) ++result_.sessions_completed;
      free_slots_.push_back(slot);
      return;
    }
    if (s.step->kind == Step::Kind::llm) {
      issue_call(slot);
      return;
    }
    push(now_ + std::max(0.0, s.step->latency_s.sample(s.rng)), Kind::tool_end, slot);
  }

  void tool_finished(std::uint32_t slot) {
    Session& s = sessions_[slot];
    s.context_tokens += static_cast<double>(draw_tokens(s.step->result_tokens, s.rng, 0));
    if (in_window()) ++result_.tool_calls;
    advance(slot);
  }

  void issue_call(std::uint32_t slot) {
    Session& s = sessions_[slot];
    const long added = draw_tokens(s.step->prompt_tokens, s.rng, 0);
    s.output_tokens = draw_tokens(s.step->output_tokens, s.rng, 1);
    s.prompt_tokens = std::max(1L, static_cast<long>(s.context_tokens) + added);

    const std::uint32_t r = route_of_step_.at(s.step);
    Route& route = routes_[r];
    std::uint32_t server = s.last_server;
    const bool stay = route.affinity && server != kNone && servers_[server].route == r &&
                      servers_[server].waiting < route.affinity_max_queue;
    if (!stay) {
      server = route.servers[route.next];
      route.next = route.next + 1 == route.servers.size() ? 0 : route.next + 1;
    }
    const Server& sv = servers_[server];
    const double cached = server == s.last_server ? std::min(s.retained_tokens, double(s.prompt_tokens)) : 0.0;
    s.service_s = sv.prefill_s_per_token * (static_cast<double>(s.prompt_tokens) - cached) +
                  sv.decode_s_per_token * static_cast<double>(s.output_tokens);
    s.last_server = server;
    admit_or_wait(slot, server);
  }

  void admit_or_wait(std::uint32_t slot, std::uint32_t server) {
    Server& sv = servers_[server];
    if (sv.busy < sv.max_batch) {
      ++sv.busy;
      push(now_ + sessions_[slot].service_s, Kind::call_end, slot);
      return;
    }
    sessions_[slot].next_waiting = kNone;
    if (sv.tail == kNone)
      sv.head = slot;
    else
      sessions_[sv.tail].next_waiting = slot;
    sv.tail = slot;
    ++sv.waiting;
  }

  void call_finished(std::uint32_t slot) {
    Session& s = sessions_[slot];
    Server& sv = servers_[s.last_server];
    --sv.busy;
    if (sv.head != kNone) {  // the slot just freed goes to the oldest waiting call
      const std::uint32_t next = sv.head;
      sv.head = sessions_[next].next_waiting;
      if (sv.head == kNone) sv.tail = kNone;
      --sv.waiting;
      ++sv.busy;
      push(now_ + sessions_[next].service_s, Kind::call_end, next);
    }
    if (in_window()) ++result_.llm_calls;
    s.context_tokens = static_cast<double>(s.prompt_tokens + s.output_tokens);
    s.retained_tokens = s.context_tokens;
    advance(slot);
  }

  const Scenario& sc_;
  double warmup_;
  double horizon_ = kInfinity;
  std::int64_t session_limit_ = -1;
  std::int64_t started_ = 0;
  double now_ = 0.0;
  std::uint64_t seq_ = 0;
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  std::vector<Server> servers_;
  std::vector<Route> routes_;
  std::unordered_map<const Step*, std::uint32_t> route_of_step_;
  std::vector<Session> sessions_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::uint64_t> sessions_created_;
  FloorResult result_;
};

}  // namespace

FloorResult run_floor(const Scenario& scenario) {
  const auto start = std::chrono::steady_clock::now();
  FloorResult r = Floor(scenario).run();
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace fleetsim::bench
