// A toy fleet whose times can be computed by hand, and a FleetDriver that
// runs FleetModel without SimGrid: a plain event list in time order (equal
// times in scheduling order) and each replica planned, run and completed as
// src/engine/replica_server.cpp does.
//
// The toy hardware's matrix units are so fast that compute time vanishes and
// has no matmul knee, and its one device per replica streams exactly 1e12 B/s,
// so an iteration of the toy model takes (docs/performance-model.md, §2)
//
//   t = t_o + (B_w + B_kv) / W = 1 ms + (2e9 B + 512 B * kv_tokens) / 1e12 B/s
//
// with kv_tokens = the KV read and written: a prompt of p new tokens after q
// cached ones touches q + p; a decode over a context of c touches c + 1.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "fleetsim/core/fleet_model.hpp"

namespace fleetsim::testing {

constexpr double kToyOverheadS = 1e-3;          // t_o
constexpr double kToyWeightS = 2e9 / 1e12;      // B_w / W: 1e9 bf16 weights
constexpr double kToyKvBytesPerToken = 512.0;   // 2 * 1 layer * 1 KV head * 128 * 2 B
constexpr double kToyBandwidth = 1e12;

// Time of one iteration touching `kv_tokens` tokens of KV.
inline double toy_iteration_s(double kv_tokens) {
  return kToyOverheadS + kToyWeightS + kToyKvBytesPerToken * kv_tokens / kToyBandwidth;
}

// One call of `prompt` tokens (none cached) and `output` tokens: the prefill
// gives the first token, then one decode per further token over a context
// that grows by one.
inline double toy_call_s(long prompt, long output, long cached = 0) {
  double t = toy_iteration_s(static_cast<double>(cached + prompt));
  for (long k = 1; k < output; ++k) t += toy_iteration_s(static_cast<double>(cached + prompt + k));
  return t;
}

// Equal but for floating-point rounding.
inline Approx exactly(double x) { return Approx(x).epsilon(1e-12).margin(1e-15); }

inline ModelSpec toy_model() {
  ModelSpec m;
  m.name = "toy";
  m.params_total = m.params_active = 1e9;
  m.layers = 1;
  m.hidden_size = 128;
  m.attention_heads = 1;
  m.kv_heads = 1;
  m.head_dim = 128;
  m.weight_dtype = m.kv_dtype = DataType::bf16;
  return m;
}

// `devices` devices of 80 GB: one replica each.
inline HardwareSpec toy_gpu(int devices) {
  HardwareSpec h;
  h.name = "toy-gpu";
  h.kind = DeviceKind::gpu;
  h.devices = devices;
  h.peak_flops[DataType::bf16] = 1e30;
  h.memory_bandwidth_bps = kToyBandwidth;
  h.memory_capacity_bytes = 80e9;
  h.interconnect_bandwidth_bps = 450e9;
  h.interconnect_latency_s = 5e-6;
  h.compute_efficiency = 1.0;
  h.memory_efficiency = 1.0;
  h.iteration_overhead_s = kToyOverheadS;
  h.device_power = {100.0, 300.0, 500.0};  // idle, memory bound, compute bound
  h.host_power_w = 200.0;
  h.price_per_hour_usd = 3.6;
  return h;
}

inline Step toy_llm(double prompt, double output) {
  Step s;
  s.kind = Step::Kind::llm;
  s.model = "toy";
  s.prompt_tokens = Distribution::constant(prompt);
  s.output_tokens = Distribution::constant(output);
  return s;
}

inline Step toy_tool(double latency_s, double result_tokens) {
  Step s;
  s.kind = Step::Kind::tool;
  s.latency_s = Distribution::constant(latency_s);
  s.result_tokens = Distribution::constant(result_tokens);
  return s;
}

// One pool "p" of `nodes` toy nodes with `devices` replicas each, routed
// least-outstanding; one workload "w" running `steps`, no initial context.
inline Scenario toy_scenario(int nodes, int devices, std::vector<Step> steps) {
  Scenario sc;
  sc.name = "toy";
  sc.models = {toy_model()};
  Pool pool;
  pool.name = "p";
  pool.hardware = toy_gpu(devices);
  pool.count = nodes;
  pool.models = {"toy"};
  sc.pools = {pool};
  Route route;
  route.model = "toy";
  route.pools = {"p"};
  sc.routes = {route};
  Workload w;
  w.name = "w";
  w.initial_context_tokens = Distribution::constant(0);
  w.steps = std::move(steps);
  sc.workloads = {w};
  return sc;
}

class ToyDriver : public FleetDriver {
 public:
  explicit ToyDriver(FleetModel& fleet) : fleet_(fleet), replicas_(fleet.replicas().size()) { fleet.attach(this); }

  double now() const override { return now_; }

  void wake_replica(std::size_t r, bool interrupt) override {
    Replica& rep = replicas_[r];
    if (rep.state == State::idle) {
      rep.state = State::starting;
      schedule_replica(r, now_, 0);
    } else if (rep.state == State::decode_run && interrupt) {
      ContinuousBatcher& b = fleet_.replicas()[r];
      const long done = b.iterations_done(rep.plan, now_ - rep.plan_start_s);
      const long until = std::min(rep.plan.iterations, done + 1);
      rep.state = State::busy;
      schedule_replica(r, rep.plan_start_s + b.time_of(rep.plan, until), until);
    }
  }
  void call_back_after_tool(double at_s, std::uint32_t slot) override { push(at_s, {Kind::tool, slot, 0}); }
  void call_back_at(double at_s, std::uint32_t token) override { push(at_s, {Kind::timer, token, 0}); }
  void halt_replica(std::size_t r) override {
    Replica& rep = replicas_[r];
    if (rep.state == State::busy || rep.state == State::decode_run)
      fleet_.replicas()[r].halt(rep.plan, rep.plan_start_s, now_);
    ++rep.generation;  // its pending event goes stale
    rep.state = State::idle;
  }
  void session_ended() override { session_ends.push_back(now_); }

  // A session of workload `w` arrives at `at_s`.
  void arrive(double at_s, std::uint32_t w) { push(at_s, {Kind::arrival, w, 0}); }

  // Runs every event in time order, up to `until_s` (an autoscaler's timers
  // never run out).
  void run(double until_s = std::numeric_limits<double>::infinity()) {
    while (!events_.empty() && events_.begin()->first.first <= until_s) {
      const auto it = events_.begin();
      now_ = it->first.first;
      const Event e = it->second;
      events_.erase(it);
      if (e.kind == Kind::arrival) {
        fleet_.start_session(e.target);
      } else if (e.kind == Kind::tool) {
        fleet_.tool_finished(e.target);
      } else if (e.kind == Kind::timer) {
        fleet_.timer_fired(e.target);
      } else if (e.generation == replicas_[e.target].generation) {
        on_replica_event(e.target);
      }
    }
  }

  std::vector<double> session_ends;  // when each session ended, in order

 private:
  enum class Kind { arrival, tool, timer, replica };
  enum class State { idle, starting, busy, decode_run };
  struct Event {
    Kind kind;
    std::uint32_t target;
    std::uint64_t generation;  // replica events: stale when the replica rescheduled
  };
  struct Replica {
    State state = State::idle;
    BatchPlan plan;
    double plan_start_s = 0.0;
    long iterations_due = 0;
    std::uint64_t generation = 0;
  };

  void push(double at_s, Event e) { events_.emplace(std::make_pair(at_s, seq_++), e); }
  void schedule_replica(std::size_t r, double at_s, long iterations) {
    Replica& rep = replicas_[r];
    rep.iterations_due = iterations;
    push(at_s, {Kind::replica, static_cast<std::uint32_t>(r), ++rep.generation});
  }
  void on_replica_event(std::size_t r) {
    Replica& rep = replicas_[r];
    if (rep.state != State::starting) {
      rep.state = State::busy;
      fleet_.replicas()[r].complete(rep.plan, rep.iterations_due, rep.plan_start_s, now_, fleet_);
    }
    rep.plan = fleet_.replicas()[r].plan(now_, fleet_);
    if (rep.plan.kind == BatchPlan::Kind::idle) {
      rep.state = State::idle;
      return;
    }
    rep.plan_start_s = now_;
    rep.state = rep.plan.iterations > 1 ? State::decode_run : State::busy;
    schedule_replica(r, now_ + rep.plan.duration_s, rep.plan.iterations);
  }

  FleetModel& fleet_;
  std::vector<Replica> replicas_;
  std::map<std::pair<double, std::uint64_t>, Event> events_;
  std::uint64_t seq_ = 0;
  double now_ = 0.0;
};

}  // namespace fleetsim::testing
