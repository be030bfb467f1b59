// The registry of autoscaling policies: a policy's keyword, its one-line
// description, what it reads, and its factory (defined in the policy's file).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "fleetsim/core/autoscale_policy.hpp"
#include "../registry_lookup.hpp"

namespace fleetsim {

std::unique_ptr<AutoscalePolicy> make_utilization_autoscaler(const AutoscaleSpec& spec);
std::unique_ptr<AutoscalePolicy> make_concurrency_autoscaler(const AutoscaleSpec& spec);
std::unique_ptr<AutoscalePolicy> make_schedule_autoscaler(const AutoscaleSpec& spec);
std::unique_ptr<AutoscalePolicy> make_queue_delay_autoscaler(const AutoscaleSpec& spec);
std::unique_ptr<AutoscalePolicy> make_queue_delay_percentile_autoscaler(const AutoscaleSpec& spec);
std::unique_ptr<AutoscalePolicy> make_ttft_percentile_autoscaler(const AutoscaleSpec& spec);
std::unique_ptr<AutoscalePolicy> make_predictive_autoscaler(const AutoscaleSpec& spec);

namespace {

constexpr AutoscalePolicyInfo kAutoscalePolicies[] = {
    {"utilization", "hold the serving replicas' busy fraction at `target` (Kubernetes HPA's rule)", true, false,
     make_utilization_autoscaler, Dimension::dimensionless, true,
     "target: 0.6 (the busy fraction of the serving replicas to hold)"},
    {"concurrency", "hold `target` LLM calls in flight per serving node (Knative's concurrency rule)", true, false,
     make_concurrency_autoscaler, Dimension::dimensionless, false, "target: 8 (LLM calls in flight per serving node)"},
    {"queue_delay", "hold the mean time calls wait in their replica's queue at `target` (HPA's rule on a latency metric)",
     true, false, make_queue_delay_autoscaler, Dimension::duration, false,
     "target: 500ms (the mean wait before a call joins a batch)"},
    {"queue_delay_percentile",
     "hold the `percentile`-th percentile (default 95) of the time calls wait in their replica's queue at `target`",
     true, false, make_queue_delay_percentile_autoscaler, Dimension::duration, false,
     "target: 2s (the 95th percentile of the wait before a call joins a batch)", true},
    {"ttft_percentile",
     "hold the `percentile`-th percentile (default 95) of the calls' time to first token on the pool at `target`",
     true, false, make_ttft_percentile_autoscaler, Dimension::duration, false,
     "target: 2s (the 95th percentile of the time from a call's arrival at the pool to its first token)", false,
     true},
    {"predictive",
     "hold `target` LLM calls in flight per node at the load the scenario's arrival rate forecasts one provisioning "
     "delay ahead",
     true, false, make_predictive_autoscaler, Dimension::dimensionless, false,
     "target: 8 (LLM calls in flight per serving node, at the forecast load)"},
    {"schedule", "the node counts of `schedule`, by time of the run (repeating every `repeat`)", false, true,
     make_schedule_autoscaler},
};

}  // namespace

std::span<const AutoscalePolicyInfo> autoscale_policies() { return kAutoscalePolicies; }

std::vector<std::string> autoscale_policy_names() { return registry_names(kAutoscalePolicies); }

const AutoscalePolicyInfo* find_autoscale_policy(std::string_view name) { return registry_find(kAutoscalePolicies, name); }

std::unique_ptr<AutoscalePolicy> make_autoscale_policy(const AutoscaleSpec& spec) {
  if (const AutoscalePolicyInfo* p = find_autoscale_policy(spec.policy)) return p->make(spec);
  throw std::invalid_argument(fmt::format("unknown autoscaling policy \"{}\" (registered: {})", spec.policy,
                                          fmt::join(autoscale_policy_names(), ", ")));
}

int proportional_nodes(int nodes, double observed, double wanted, double tolerance) {
  if (!(wanted > 0) || !std::isfinite(observed)) return nodes;
  const double ratio = observed / wanted;
  if (nodes > 0 && std::abs(ratio - 1.0) <= tolerance) return nodes;
  // A tiny epsilon keeps an exact ratio such as 3 x 0.5 / 0.5 from rounding
  // up to 4 through floating-point noise.
  const double wanted_nodes = static_cast<double>(nodes) * ratio;
  return static_cast<int>(std::min(1e9, std::ceil(wanted_nodes - 1e-9)));
}

}  // namespace fleetsim
