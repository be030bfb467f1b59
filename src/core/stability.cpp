#include "fleetsim/core/stability.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

namespace fleetsim {
namespace {

std::string percent(double x) { return std::isfinite(x) ? fmt::format("{:.0f}%", x * 100.0) : "n/a"; }

// The pool most likely to be the bottleneck: the busiest with a growing
// backlog, else the busiest.
const PoolReport* bottleneck(const Report& r) {
  const PoolReport* best = nullptr;
  bool best_grows = false;
  const double ratio = fleet_arrival_ratio(r);
  for (const PoolReport& p : r.pools) {
    const bool g = grows(p.calls_in_flight_first_half * ratio, p.calls_in_flight_second_half);
    const double u = std::isfinite(p.utilization) ? p.utilization : -1.0;
    const double best_u = best && std::isfinite(best->utilization) ? best->utilization : -1.0;
    if (!best || (g && !best_grows) || (g == best_grows && u > best_u)) {
      best = &p;
      best_grows = g;
    }
  }
  return best;
}

std::string pool_hint(const PoolReport& p) {
  std::string hint = fmt::format(
      "pool '{}' takes in calls faster than it finishes them (utilization {}): add nodes "
      "(--set fleet.pools.{}.count=N), or route part of the traffic elsewhere",
      p.name, percent(p.utilization), p.name);
  if (std::isfinite(p.utilization) && p.utilization < 0.9)
    hint += "; its replicas are not all busy, so look at its KV cache and engine limits too";
  return hint + "; fleetsim plan finds the smallest fleet that keeps up";
}

std::string tool_pool_hint(const ToolPoolReport& p) {
  return fmt::format(
      "tool pool '{}' takes in tool calls faster than it finishes them (utilization {}): add nodes "
      "(--set fleet.tool_pools.{}.count=N), or faster cores (core_speed)",
      p.name, percent(p.utilization), p.name);
}

std::string workload_hint(const PoolReport* pool, bool completed_none) {
  const std::string why = pool ? fmt::format("the fleet does not keep up (busiest pool '{}', utilization {})",
                                             pool->name, percent(pool->utilization))
                               : std::string("the fleet does not keep up");
  if (completed_none)
    return fmt::format("no session ended in the window: either {}, or a session lasts longer than the window; "
                       "lengthen simulation.warmup and simulation.duration to tell which",
                       why);
  return fmt::format("sessions arrive faster than they end: either {}, or the warm-up is shorter than the time the "
                     "fleet takes to fill, so the run had not reached a steady state; lengthen simulation.warmup to "
                     "tell which",
                     why);
}

}  // namespace

double arrival_ratio(const WorkloadReport& w) {
  const double a1 = w.expected_arrivals_first_half, a2 = w.expected_arrivals_second_half;
  return a1 > 0.0 && a2 > 0.0 && std::isfinite(a1) && std::isfinite(a2) ? a2 / a1 : 1.0;
}

double fleet_arrival_ratio(const Report& r) {
  double a1 = 0.0, a2 = 0.0;
  for (const WorkloadReport& w : r.workloads)
    if (w.expected_arrivals_first_half > 0.0 && w.expected_arrivals_second_half > 0.0) {
      a1 += w.expected_arrivals_first_half;
      a2 += w.expected_arrivals_second_half;
    }
  return a1 > 0.0 && a2 > 0.0 && std::isfinite(a1) && std::isfinite(a2) ? a2 / a1 : 1.0;
}

bool grows(double first, double second) {
  if (!std::isfinite(first) || !std::isfinite(second)) return false;
  const double growth = second - first;
  return growth > kGrowthAbsolute && growth > kGrowthRelative * first;
}

std::vector<StabilityFinding> find_instability(const Report& r) {
  std::vector<StabilityFinding> out;
  const double fleet_ratio = fleet_arrival_ratio(r);
  // A model pool or a tool pool whose calls in flight grow beyond the traffic.
  auto backlog = [&out, fleet_ratio](const char* kind, const auto& p, std::string hint) {
    if (!grows(p.calls_in_flight_first_half * fleet_ratio, p.calls_in_flight_second_half)) return;
    StabilityFinding f;
    f.kind = kind;
    f.pool = p.name;
    f.utilization = p.utilization;
    f.figure = "calls_in_flight";
    f.first_half = p.calls_in_flight_first_half;
    f.second_half = p.calls_in_flight_second_half;
    f.arrival_ratio = fleet_ratio;
    f.hint = std::move(hint);
    out.push_back(std::move(f));
  };
  for (const PoolReport& p : r.pools) backlog("pool_backlog_growing", p, pool_hint(p));
  for (const ToolPoolReport& p : r.tool_pools) backlog("tool_pool_backlog_growing", p, tool_pool_hint(p));
  const PoolReport* pool = bottleneck(r);
  for (const WorkloadReport& w : r.workloads) {
    const bool none = w.sessions_started > 0 && w.sessions_completed == 0;
    const double ratio = arrival_ratio(w);
    const bool accumulating = grows(w.sessions_in_system_first_half * ratio, w.sessions_in_system_second_half);
    if (!none && !accumulating) continue;
    StabilityFinding f;
    f.kind = none ? "no_session_completed" : "sessions_accumulating";
    f.workload = w.name;
    if (pool) {
      f.pool = pool->name;
      f.utilization = pool->utilization;
    }
    f.figure = "sessions_in_system";
    f.first_half = w.sessions_in_system_first_half;
    f.second_half = w.sessions_in_system_second_half;
    f.arrival_ratio = ratio;
    f.hint = workload_hint(pool, none);
    out.push_back(std::move(f));
  }
  return out;
}

StabilityCheck check_stability(const Report& report) {
  StabilityCheck c;
  c.findings = find_instability(report);
  c.stable = c.findings.empty();
  return c;
}

}  // namespace fleetsim
