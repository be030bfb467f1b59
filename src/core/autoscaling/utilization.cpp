// utilization: as many nodes as keep the serving replicas busy `target` of
// the time. A replica counts as busy while it holds a call, running or
// waiting; for a replica at batch 1 that is its utilization in the queueing
// sense. desired = ceil(serving x busy / target) (docs/autoscaling.md).
#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {
namespace {

class UtilizationAutoscaler final : public AutoscalePolicy {
 public:
  UtilizationAutoscaler(double target, double tolerance) : target_(target), tolerance_(tolerance) {}
  int desired_nodes(const PoolLoad& load) override {
    return proportional_nodes(load.serving_nodes, load.busy_fraction, target_, tolerance_);
  }

 private:
  double target_;
  double tolerance_;
};

}  // namespace

std::unique_ptr<AutoscalePolicy> make_utilization_autoscaler(const AutoscaleSpec& spec) {
  return std::make_unique<UtilizationAutoscaler>(spec.target, spec.tolerance);
}

}  // namespace fleetsim
