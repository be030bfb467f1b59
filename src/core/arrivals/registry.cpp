// The registry of arrival processes: a process's keyword, its one-line
// description, the scenario keys it takes, and its factory (defined in the
// process's own file).
#include <stdexcept>

#include <fmt/format.h>

#include "fleetsim/core/arrival_pattern.hpp"

namespace fleetsim {

std::unique_ptr<ArrivalPattern> make_poisson_arrivals(const ArrivalProcess& p);
std::unique_ptr<ArrivalPattern> make_constant_arrivals(const ArrivalProcess& p);
std::unique_ptr<ArrivalPattern> make_piecewise_arrivals(const ArrivalProcess& p);
std::unique_ptr<ArrivalPattern> make_diurnal_arrivals(const ArrivalProcess& p);
std::unique_ptr<ArrivalPattern> make_trace_arrivals(const ArrivalProcess& p);

namespace {

using Kind = ArrivalProcess::Kind;

const std::vector<ArrivalPatternInfo>& registry() {
  static const std::vector<ArrivalPatternInfo> patterns = {
      {Kind::poisson, "poisson", "independent arrivals at a steady rate (exponential gaps)", {"rate"}, {"rate"},
       make_poisson_arrivals},
      {Kind::constant, "constant", "one arrival every 1 / rate", {"rate"}, {"rate"}, make_constant_arrivals},
      {Kind::piecewise, "piecewise", "Poisson at a rate that changes at given times", {"pieces"}, {"pieces"},
       make_piecewise_arrivals},
      {Kind::diurnal,
       "diurnal",
       "Poisson at a daily cosine around a mean rate, by day of the week, with weekly growth",
       {"rate", "amplitude", "period", "peak_at", "weekly", "growth_per_week"},
       {"rate", "amplitude"},
       make_diurnal_arrivals},
      // A workload's `trace:` brings it; no `process:` names it.
      {Kind::trace, "", "the sessions of a recorded request trace, at their recorded times", {}, {},
       make_trace_arrivals},
  };
  return patterns;
}

}  // namespace

std::span<const ArrivalPatternInfo> arrival_patterns() { return registry(); }

const ArrivalPatternInfo* find_arrival_pattern(std::string_view name) {
  for (const auto& p : registry())
    if (!p.name.empty() && p.name == name) return &p;
  return nullptr;
}

const ArrivalPatternInfo& arrival_pattern_info(ArrivalProcess::Kind kind) {
  for (const auto& p : registry())
    if (p.kind == kind) return p;
  throw std::logic_error(fmt::format("arrival process kind {} is not registered", static_cast<int>(kind)));
}

std::unique_ptr<ArrivalPattern> make_arrival_pattern(const ArrivalProcess& process) {
  return arrival_pattern_info(process.kind).make(process);
}

double ArrivalPattern::expected_between(double t0, double t1) const {
  if (!(t1 > t0)) return 0.0;
  constexpr int kSteps = 4096;
  const double dt = (t1 - t0) / kSteps;
  double sum = 0.0;
  for (int i = 0; i < kSteps; ++i) sum += rate_at(t0 + (i + 0.5) * dt);
  return sum * dt;
}

}  // namespace fleetsim
