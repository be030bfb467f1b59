// Arrival processes: when a workload's sessions start, one class per process,
// and the registry that names them for scenarios.
//
// To add a process: a file in src/core/arrivals/ with a class derived from
// ArrivalPattern and its factory, an ArrivalProcess::Kind value and the
// parameters it reads (scenario.hpp), one entry in
// src/core/arrivals/registry.cpp (its keyword, the scenario keys it takes),
// and its row in docs/scenario-format.md ("Arrival processes"). The scenario
// reader reads the keys the registry lists; the arrival generator, the
// stability check and the work estimate ask the pattern.
#pragma once

#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fleetsim/core/rng.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

class ArrivalPattern {
 public:
  virtual ~ArrivalPattern() = default;

  // The next arrival strictly after `t`, drawing from `rng`; infinity when
  // no more will come. A trace is the exception: its sessions start at their
  // recorded times, in order, whatever `t`, and several may share an instant.
  virtual double next_after(double t, Rng& rng) = 0;
  // The instantaneous rate at time t (sessions per second); 0 for a trace.
  virtual double rate_at(double t) const = 0;
  // The highest rate the process reaches; 0 when it never starts a session,
  // and for a trace, which has times, not a rate.
  virtual double peak_rate() const = 0;
  // Whether the rate never changes (then expected_between is rate x span).
  virtual bool steady() const { return false; }
  // Sessions expected in [t0, t1]: by default the midpoint rule on 4,096
  // steps of rate_at (within 0.1% for a day's cosine over half a day).
  virtual double expected_between(double t0, double t1) const;
  // Sessions expected in [0, horizon): the work estimate's figure, which may
  // be a cheaper approximation than expected_between's.
  virtual double expected_until(double horizon_s) const { return expected_between(0.0, horizon_s); }

 protected:
  static constexpr double kInfinity = std::numeric_limits<double>::infinity();
};

// A registered process: its `process:` keyword (none for a trace, which a
// workload's `trace:` brings), one line on what it does, the scenario keys
// it takes beside `process` and which of them are required, and its factory.
struct ArrivalPatternInfo {
  ArrivalProcess::Kind kind;
  std::string_view name;
  std::string_view doc;
  std::vector<std::string_view> keys;
  std::vector<std::string_view> required;
  std::unique_ptr<ArrivalPattern> (*make)(const ArrivalProcess& process);
};

// Every registered process, in the order messages and docs list them.
std::span<const ArrivalPatternInfo> arrival_patterns();
// nullptr when no process has that keyword.
const ArrivalPatternInfo* find_arrival_pattern(std::string_view name);
const ArrivalPatternInfo& arrival_pattern_info(ArrivalProcess::Kind kind);
std::unique_ptr<ArrivalPattern> make_arrival_pattern(const ArrivalProcess& process);

}  // namespace fleetsim
