// Is the run in a steady state? A fleet that cannot serve its offered load
// still produces a report full of plausible numbers (utilization, cost per
// completed session) that describe a backlog, not a fleet. This check says so,
// from the report's own figures: pure arithmetic, no engine.
//
// The signs, each a StabilityFinding (docs/report-format.md, "Stability"):
// - pool_backlog_growing: a pool's mean calls in flight grow from the first
//   half of the measured window to the second;
// - tool_pool_backlog_growing: the same of a tool pool (its calls waiting or
//   running);
// - sessions_accumulating: a workload's mean sessions in the system grow;
// - no_session_completed: a workload started sessions and finished none.
//
// A figure "grows" when its second-half mean exceeds the first-half mean by
// more than kGrowthRelative of it and by more than kGrowthAbsolute: half-window
// means of a stable queue differ by noise far smaller than that, while a
// backlog that takes in more than it serves grows by the unserved arrivals of
// half a window (an overloaded pool doubles or more).
//
// Traffic that follows the clock changes the figures of a fleet that keeps
// up: by Little's law a steady system holds arrivals x time in system, so
// twice the arrivals make twice the calls in flight. The first half's mean is
// therefore scaled by the expected arrivals' ratio, second half over first
// (a workload's own; for a pool, that of all workloads together), before it
// is compared: what grows beyond the traffic is backlog.
#pragma once

#include <vector>

#include "fleetsim/core/report.hpp"

namespace fleetsim {

inline constexpr double kGrowthRelative = 0.25;
inline constexpr double kGrowthAbsolute = 1.0;

// True when `second` exceeds `first` by more than both thresholds.
bool grows(double first, double second);

// Expected arrivals, second half of the window over the first: a workload's
// own, and all workloads' together (for pools); 1 when not known (a trace).
double arrival_ratio(const WorkloadReport& workload);
double fleet_arrival_ratio(const Report& report);

// Reads the pools' and workloads' half-window means, utilization and session
// counts; returns the findings, pools first (model pools, then tool pools),
// in report order.
std::vector<StabilityFinding> find_instability(const Report& report);

// The findings, and stable = none.
StabilityCheck check_stability(const Report& report);

}  // namespace fleetsim
