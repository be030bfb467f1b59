// concurrency: as many nodes as hold `target` LLM calls in flight (running or
// waiting) per node. desired = ceil(calls in flight / target), Knative's
// concurrency autoscaler, with the same tolerance as the utilization policy
// (docs/autoscaling.md).
#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {
namespace {

class ConcurrencyAutoscaler final : public AutoscalePolicy {
 public:
  ConcurrencyAutoscaler(double target, double tolerance) : target_(target), tolerance_(tolerance) {}
  int desired_nodes(const PoolLoad& load) override {
    const int n = load.serving_nodes;
    // Per serving node, observed against the target: the same proportional
    // rule, ceil(n x (calls / n) / target) = ceil(calls / target).
    const double per_node = n > 0 ? load.calls_in_flight / n : load.calls_in_flight;
    return proportional_nodes(n > 0 ? n : 1, per_node, target_, tolerance_);
  }

 private:
  double target_;
  double tolerance_;
};

}  // namespace

std::unique_ptr<AutoscalePolicy> make_concurrency_autoscaler(const AutoscaleSpec& spec) {
  return std::make_unique<ConcurrencyAutoscaler>(spec.target, spec.tolerance);
}

}  // namespace fleetsim
