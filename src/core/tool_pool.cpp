#include "fleetsim/core/tool_pool.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace fleetsim {
namespace {

// Peak power is reported as the highest 1-second mean power, as for model pools.
constexpr double kPowerBinS = 1.0;
// A node that is down sorts after every node that is up: a call goes to one
// only when every node is down, and waits there for its repair.
constexpr std::uint32_t kDownLoad = 1u << 31;

}  // namespace

ToolPool::ToolPool(const ToolPoolSpec& spec, double warmup_s, std::size_t workloads)
    : spec_(spec),
      warmup_s_(warmup_s),
      nodes_(static_cast<std::size_t>(std::max(0, spec.count))),
      least_loaded_(nodes_.size()),
      power_(warmup_s, kPowerBinS) {
  for (Node& n : nodes_) {
    n.free_cores = spec.cores_per_node();
    n.free_memory_bytes = spec.memory_per_node_bytes();
  }
  stats_.busy_cores = StepIntegral(warmup_s);
  stats_.calls_in_flight = StepIntegral(warmup_s);
  stats_.nodes_down = StepIntegral(warmup_s);
  stats_.core_seconds_by_workload.assign(workloads, 0.0);
}

double ToolPool::node_idle_power_w() const {
  return spec_.hardware.host_power_w + spec_.hardware.devices * spec_.hardware.device_power.idle_w;
}

// The catalog gives a CPU socket's power idle and with its cores saturated
// (compute_bound); between the two it is taken as linear in the cores busy,
// the usual server power model (SPECpower-style curves are near linear).
double ToolPool::busy_core_power_w() const {
  const int cores = spec_.cores_per_node();
  if (cores <= 0) return 0.0;
  const DevicePower& p = spec_.hardware.device_power;
  return spec_.hardware.devices * std::max(0.0, p.compute_bound_w - p.idle_w) / cores;
}

bool ToolPool::fits(const Node& node, const ToolCallRequest& call) const {
  return call.cores <= node.free_cores && call.memory_bytes <= node.free_memory_bytes;
}

void ToolPool::submit(const ToolCallRequest& call, double now_s, std::vector<ToolCallStart>& started) {
  // The loader refuses calls larger than a node and pools without nodes; a
  // call that could never start would hold its session forever.
  if (nodes_.empty() || call.cores < 1 || call.cores > spec_.cores_per_node() ||
      call.memory_bytes > spec_.memory_per_node_bytes())
    throw std::logic_error("tool call does not fit a node of pool " + spec_.name);
  stats_.calls_in_flight.change(now_s, +1.0);
  place(call, now_s, now_s, started);
}

void ToolPool::set_load(std::uint32_t n) {
  const Node& node = nodes_[n];
  least_loaded_.set(n, node.down ? kDownLoad + node.demand : node.demand);
}

void ToolPool::place(const ToolCallRequest& call, double arrived_s, double now_s, std::vector<ToolCallStart>& started) {
  const auto n = static_cast<std::uint32_t>(least_loaded_.least());
  Node& node = nodes_[n];
  node.demand += static_cast<std::uint32_t>(call.cores);
  set_load(n);
  if (!node.down && node.waiting.empty() && fits(node, call))
    start(n, call, arrived_s, now_s, started);
  else
    node.waiting.emplace_back(call, arrived_s);
}

void ToolPool::start(std::uint32_t n, const ToolCallRequest& call, double arrived_s, double now_s,
                     std::vector<ToolCallStart>& started) {
  Node& node = nodes_[n];
  node.free_cores -= call.cores;
  node.free_memory_bytes -= call.memory_bytes;
  stats_.busy_cores.change(now_s, call.cores);
  if (now_s >= warmup_s_ && !call.retry) stats_.wait_s.add(now_s - arrived_s);
  if (running_.size() <= call.id) running_.resize(call.id + 1);
  Running& run = running_[call.id];
  run.node = n;
  run.workload = call.workload;
  run.cores = call.cores;
  run.memory_bytes = call.memory_bytes;
  run.work_s = call.work_s;
  run.start_s = now_s;
  run.end_s = now_s + std::max(0.0, call.work_s) / spec_.core_speed;
  started.push_back({call.id, run.end_s});
}

void ToolPool::account(const Running& run, double from_s, double to_s) {
  const double t0 = std::max(from_s, warmup_s_);
  if (to_s <= t0) return;
  stats_.core_seconds_by_workload[run.workload] += run.cores * (to_s - t0);
  power_.add(t0, to_s, run.cores * busy_core_power_w() * (to_s - t0));
}

void ToolPool::finish(std::uint32_t id, double now_s, std::vector<ToolCallStart>& started) {
  const Running run = running_.at(id);
  running_[id].cores = 0;  // no longer running: settle() skips it
  const std::uint32_t n = run.node;
  account(run, run.start_s, now_s);
  Node& node = nodes_[n];
  node.free_cores += run.cores;
  node.free_memory_bytes += run.memory_bytes;
  node.demand -= static_cast<std::uint32_t>(run.cores);
  set_load(n);
  stats_.busy_cores.change(now_s, -run.cores);
  stats_.calls_in_flight.change(now_s, -1.0);
  if (now_s >= warmup_s_) ++stats_.calls_served;
  start_waiting(n, now_s, started);
}

// First-come first-served: start from the head while the head fits.
void ToolPool::start_waiting(std::uint32_t n, double now_s, std::vector<ToolCallStart>& started) {
  Node& node = nodes_[n];
  if (node.down) return;
  while (!node.waiting.empty() && fits(node, node.waiting.front().first)) {
    const auto [call, arrived_s] = node.waiting.front();
    node.waiting.pop_front();
    start(n, call, arrived_s, now_s, started);
  }
}

void ToolPool::settle(double end_s) {
  if (shares())
    for (std::uint32_t n = 0; n < nodes_.size(); ++n) advance(n, end_s);
  stats_.busy_cores.settle(end_s);
  stats_.calls_in_flight.settle(end_s);
  stats_.nodes_down.settle(end_s);
  // Calls still running when the run stops count up to its end.
  for (const Running& run : running_)
    if (run.cores > 0) account(run, run.start_s, std::min(end_s, run.end_s));
}

// Processor sharing (docs/scenario-format.md, "Tool pools"): with D cores
// asked for on a node of C, every call gets C / D of the cores it asks for
// once D > C, so all run at the same fraction of their own speed and the
// node's cores stay busy.

double ToolPool::share(const Node& node) const {
  const int cores = spec_.cores_per_node();
  return node.asked_cores <= cores ? 1.0 : static_cast<double>(cores) / node.asked_cores;
}

void ToolPool::advance(std::uint32_t n, double now_s) {
  Node& node = nodes_[n];
  const double from = node.updated_s;
  node.updated_s = now_s;
  if (node.sharing.empty() || now_s <= from) return;
  const double rate = share(node);
  node.service_v += rate * (now_s - from);
  // Core time and energy of the interval, within the window.
  const double t0 = std::max(from, warmup_s_);
  if (now_s <= t0) return;
  for (const SharedCall& c : node.sharing)
    stats_.core_seconds_by_workload[c.call.workload] += c.call.cores * rate * (now_s - t0);
  const double busy = std::min(node.asked_cores, spec_.cores_per_node());
  power_.add(t0, now_s, busy * busy_core_power_w() * (now_s - t0));
}

void ToolPool::start_shared(std::uint32_t n, const ToolCallRequest& call, double arrived_s, double now_s) {
  Node& node = nodes_[n];
  const int cores = spec_.cores_per_node();
  const int busy_before = std::min(node.asked_cores, cores);
  node.free_memory_bytes -= call.memory_bytes;
  node.asked_cores += call.cores;
  stats_.busy_cores.change(now_s, std::min(node.asked_cores, cores) - busy_before);
  if (now_s >= warmup_s_ && !call.retry) stats_.wait_s.add(now_s - arrived_s);
  node.sharing.push_back({call, node.service_v + std::max(0.0, call.work_s) / spec_.core_speed});
}

void ToolPool::schedule(std::uint32_t n, double now_s, std::vector<NodeDue>& dues) {
  Node& node = nodes_[n];
  if (node.sharing.empty()) {
    node.due_s = std::numeric_limits<double>::infinity();
    return;
  }
  double next_v = node.sharing.front().done_at_v;
  for (const SharedCall& c : node.sharing) next_v = std::min(next_v, c.done_at_v);
  const double due = now_s + std::max(0.0, next_v - node.service_v) / share(node);
  if (due == node.due_s) return;  // its timer is set already
  node.due_s = due;
  dues.push_back({n, due});
}

void ToolPool::submit_shared(const ToolCallRequest& call, double now_s, std::vector<NodeDue>& dues) {
  if (nodes_.empty() || call.cores < 1 || call.cores > spec_.cores_per_node() ||
      call.memory_bytes > spec_.memory_per_node_bytes())
    throw std::logic_error("tool call does not fit a node of pool " + spec_.name);
  stats_.calls_in_flight.change(now_s, +1.0);
  place_shared(call, now_s, now_s, dues);
}

void ToolPool::place_shared(const ToolCallRequest& call, double arrived_s, double now_s, std::vector<NodeDue>& dues) {
  const auto n = static_cast<std::uint32_t>(least_loaded_.least());
  Node& node = nodes_[n];
  advance(n, now_s);
  node.demand += static_cast<std::uint32_t>(call.cores);
  set_load(n);
  if (!node.down && node.waiting.empty() && call.memory_bytes <= node.free_memory_bytes)
    start_shared(n, call, arrived_s, now_s);
  else
    node.waiting.emplace_back(call, arrived_s);
  schedule(n, now_s, dues);
}

void ToolPool::node_due(std::uint32_t n, double now_s, std::vector<std::uint32_t>& ended,
                        std::vector<NodeDue>& dues) {
  Node& node = nodes_[n];
  // A timer the node has moved since (a call arrived or left, or the node
  // failed): not now.
  if (node.down) return;
  if (std::abs(now_s - node.due_s) > 1e-9 * std::max(1.0, node.due_s)) return;
  advance(n, now_s);
  const int cores = spec_.cores_per_node();
  // Every call whose work is done, to the clock's rounding.
  const double done = node.service_v + 1e-9 * std::max(1.0, node.service_v);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < node.sharing.size(); ++i) {
    const ToolCallRequest& call = node.sharing[i].call;
    if (node.sharing[i].done_at_v > done) {
      node.sharing[kept++] = node.sharing[i];
      continue;
    }
    const int busy_before = std::min(node.asked_cores, cores);
    node.asked_cores -= call.cores;
    node.free_memory_bytes += call.memory_bytes;
    node.demand -= static_cast<std::uint32_t>(call.cores);
    stats_.busy_cores.change(now_s, std::min(node.asked_cores, cores) - busy_before);
    stats_.calls_in_flight.change(now_s, -1.0);
    if (now_s >= warmup_s_) ++stats_.calls_served;
    ended.push_back(call.id);
  }
  node.sharing.resize(kept);
  set_load(n);
  start_waiting_shared(n, now_s);
  node.due_s = -1.0;  // the clock moved: whatever is next needs a timer
  schedule(n, now_s, dues);
}

// First-come first-served for memory: from the head while the head fits.
void ToolPool::start_waiting_shared(std::uint32_t n, double now_s) {
  Node& node = nodes_[n];
  while (!node.waiting.empty() && node.waiting.front().first.memory_bytes <= node.free_memory_bytes) {
    const auto [call, arrived_s] = node.waiting.front();
    node.waiting.pop_front();
    start_shared(n, call, arrived_s, now_s);
  }
}

// A failure (docs/failures.md, "Tool pools"): the node's calls leave it as
// they are, the running ones with the work they had done lost (its core
// time and energy stay counted: the node spent them), and go to the other
// nodes in the order the node had them, running before waiting.
void ToolPool::fail_node(std::uint32_t n, double now_s, std::vector<ToolCallStart>& started,
                         std::vector<NodeDue>& dues) {
  Node& node = nodes_[n];
  const bool counted = now_s >= warmup_s_;
  if (counted) ++stats_.node_failures;
  stats_.nodes_down.change(now_s, +1.0);
  taken_.clear();
  if (shares()) {
    advance(n, now_s);
    stats_.busy_cores.change(now_s, -std::min(node.asked_cores, spec_.cores_per_node()));
    for (const SharedCall& c : node.sharing) {
      // Service had so far, in seconds at the call's own speed.
      const double done_s = node.service_v - (c.done_at_v - std::max(0.0, c.call.work_s) / spec_.core_speed);
      if (counted) stats_.core_seconds_lost += c.call.cores * done_s;
      ToolCallRequest retry = c.call;
      retry.retry = true;
      taken_.emplace_back(retry, now_s);
    }
    node.sharing.clear();
    node.asked_cores = 0;
    node.due_s = std::numeric_limits<double>::infinity();  // its timers are void
  } else {
    // Its running calls, by id: the order is the same from run to run.
    for (std::uint32_t id = 0; id < running_.size(); ++id) {
      Running& run = running_[id];
      if (run.cores <= 0 || run.node != n) continue;
      account(run, run.start_s, now_s);
      stats_.busy_cores.change(now_s, -run.cores);
      if (counted) stats_.core_seconds_lost += run.cores * (now_s - run.start_s);
      taken_.emplace_back(ToolCallRequest{id, run.workload, run.cores, run.memory_bytes, run.work_s, true}, now_s);
      run.cores = 0;  // no longer running
      if (stale_ends_.size() <= id) stale_ends_.resize(running_.size(), 0);
      ++stale_ends_[id];  // the end announced at its start will still come
    }
    node.free_cores = spec_.cores_per_node();
  }
  node.free_memory_bytes = spec_.memory_per_node_bytes();
  for (const auto& waiting : node.waiting) taken_.push_back(waiting);
  node.waiting.clear();
  node.demand = 0;
  node.down = true;
  set_load(n);
  if (counted) stats_.calls_retried += static_cast<std::int64_t>(taken_.size());
  for (const auto& [call, arrived_s] : taken_) {
    if (shares())
      place_shared(call, arrived_s, now_s, dues);
    else
      place(call, arrived_s, now_s, started);
  }
}

void ToolPool::repair_node(std::uint32_t n, double now_s, std::vector<ToolCallStart>& started,
                           std::vector<NodeDue>& dues) {
  Node& node = nodes_[n];
  node.down = false;
  stats_.nodes_down.change(now_s, -1.0);
  set_load(n);
  // Calls that found every node down waited here.
  if (shares()) {
    advance(n, now_s);
    start_waiting_shared(n, now_s);
    node.due_s = -1.0;
    schedule(n, now_s, dues);
  } else {
    start_waiting(n, now_s, started);
  }
}

bool ToolPool::stale_end(std::uint32_t id) {
  if (id >= stale_ends_.size() || stale_ends_[id] == 0) return false;
  --stale_ends_[id];
  return true;
}

}  // namespace fleetsim
