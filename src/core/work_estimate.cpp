#include "fleetsim/core/work_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "fleetsim/core/arrival_process.hpp"  // peak_rate_per_s
#include "fleetsim/core/arrival_pattern.hpp"

namespace fleetsim {
namespace {

// A distribution's mean within its clamps; heavy tails (a lognormal's
// infinite mean) are held to the key's documented maximum.
double clamped_mean(const Distribution& d) {
  const double m = d.mean();
  if (std::isnan(m)) return std::max(d.lower, 0.0);
  return std::clamp(m, std::max(d.lower, 0.0), std::max(d.upper, 0.0));
}

// Mean rounds of a loop of n rounds that ends early with probability p after
// each round but the last: 1 + (1-p) + ... + (1-p)^(n-1).
double expected_rounds(double n, double p) {
  if (p <= 0.0) return n;
  return (1.0 - std::pow(1.0 - p, n)) / p;
}

struct StepTotals {
  double calls = 0.0;    // LLM and tool calls
  double seconds = 0.0;  // a lower bound of their duration
};

StepTotals totals_of(const std::vector<Step>& steps) {
  StepTotals t;
  for (const Step& s : steps) {
    switch (s.kind) {
      case Step::Kind::llm:
        t.calls += 1.0;
        t.seconds += clamped_mean(s.output_tokens) * kEstimateSecondsPerOutputToken;
        break;
      case Step::Kind::tool:
        t.calls += 1.0;
        t.seconds += clamped_mean(s.latency_s);
        break;
      case Step::Kind::loop: {
        const StepTotals body = totals_of(s.body);
        const double repeat = expected_rounds(clamped_mean(s.repeat), s.exit_probability);
        t.calls += repeat * body.calls;
        t.seconds += repeat * body.seconds;
        break;
      }
      case Step::Kind::choose:
        for (std::size_t i = 0; i < s.branches.size(); ++i) {
          const StepTotals branch = totals_of(s.branches[i]);
          t.calls += s.branch_p[i] * branch.calls;
          t.seconds += s.branch_p[i] * branch.seconds;
        }
        break;
      case Step::Kind::parallel: {
        // Every branch makes its calls; the step lasts at least until the
        // k-th shortest branch ends.
        std::vector<double> seconds;
        for (const std::vector<Step>& branch : s.branches) {
          const StepTotals b = totals_of(branch);
          t.calls += b.calls;
          seconds.push_back(b.seconds);
        }
        if (s.join_k > 0 && static_cast<std::size_t>(s.join_k) <= seconds.size()) {
          std::nth_element(seconds.begin(), seconds.begin() + (s.join_k - 1), seconds.end());
          t.seconds += seconds[static_cast<std::size_t>(s.join_k - 1)];
        }
        break;
      }
      case Step::Kind::agent: {
        const StepTotals body = totals_of(s.body);
        t.calls += body.calls;
        t.seconds += body.seconds;
        break;
      }
    }
  }
  return t;
}

// Empirical agents: a template's calls, and the recorded span from its first
// call to its last (a lower bound of a replay's duration under either
// pacing), both averaged over the trace's sessions.
StepTotals totals_of(const RequestTrace& t) {
  StepTotals totals;
  const std::size_t n = t.sessions();
  if (n == 0) return totals;
  double span = 0.0;
  for (std::size_t k = 0; k < n; ++k)
    span += t.calls[t.session_begin[k + 1] - 1].arrival_s - t.calls[t.session_begin[k]].arrival_s;
  totals.calls = static_cast<double>(t.calls.size()) / static_cast<double>(n);
  totals.seconds = span / static_cast<double>(n);
  return totals;
}

// A replayed trace: its sessions (those that start within the duration; in
// count mode, of the count only when it is the one workload) and their calls.
void add_trace(WorkEstimate& e, const RequestTrace& t, const SimulationSettings& sim, bool only_workload) {
  const double per_round = static_cast<double>(t.session_count());
  const bool loops = t.loop_period_s > 0;
  double sessions = per_round;
  if (sim.duration_s) {
    // Full rounds only, and of a trace replayed once the sessions that start in time.
    if (loops) sessions = per_round * std::floor(*sim.duration_s / t.loop_period_s);
    else sessions = static_cast<double>(t.sessions_starting_before(*sim.duration_s));
  } else if (sim.sessions) {
    const double limit = static_cast<double>(*sim.sessions);
    sessions = !only_workload ? 0.0 : loops ? limit : std::min(limit, per_round);
  }
  const double calls_per_session = per_round > 0 ? static_cast<double>(t.call_count()) / per_round : 0.0;
  e.sessions += sessions;
  e.events += sessions * (1.0 + calls_per_session);
}

}  // namespace

WorkEstimate estimate_work(const Scenario& scenario) {
  WorkEstimate e;
  const SimulationSettings& sim = scenario.simulation;
  double total_rate = 0.0;
  for (const Workload& w : scenario.workloads) total_rate += w.arrivals.rate_per_s;
  for (const Workload& w : scenario.workloads) {
    if (w.arrivals.trace) {
      add_trace(e, *w.arrivals.trace, sim, scenario.workloads.size() == 1);
      continue;
    }
    const StepTotals steps = w.session_templates ? totals_of(*w.session_templates) : totals_of(w.steps);
    double sessions = 0.0;
    if (sim.duration_s) {
      sessions = make_arrival_pattern(w.arrivals)->expected_until(*sim.duration_s);
    } else if (sim.sessions) {
      // Count mode: the sessions split between workloads by their rates.
      const double share = total_rate > 0 ? w.arrivals.rate_per_s / total_rate : 1.0 / scenario.workloads.size();
      sessions = static_cast<double>(*sim.sessions) * share;
    }
    e.sessions += sessions;
    e.events += sessions * (1.0 + steps.calls);
    e.session_s = std::max(e.session_s, steps.seconds);
    e.peak_in_flight += peak_rate_per_s(w.arrivals) * steps.seconds;
  }
  // Sessions cannot be in flight that never started.
  e.peak_in_flight = std::min(e.peak_in_flight, e.sessions);
  e.memory_bytes = e.peak_in_flight * kEstimateBytesPerSession;
  return e;
}

}  // namespace fleetsim
