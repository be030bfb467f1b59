// The proportional rule as a policy: the utilization, queue_delay,
// queue_delay_percentile and ttft_percentile policies differ only in the
// figure of the load they hold at their target.
#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {
namespace {

class ProportionalAutoscaler final : public AutoscalePolicy {
 public:
  ProportionalAutoscaler(double target, double tolerance, double PoolLoad::*figure, bool from_one_node)
      : target_(target), tolerance_(tolerance), figure_(figure), from_one_node_(from_one_node) {}
  int desired_nodes(const PoolLoad& load) override {
    const int nodes = from_one_node_ && load.serving_nodes <= 0 ? 1 : load.serving_nodes;
    return proportional_nodes(nodes, load.*figure_, target_, tolerance_);
  }

 private:
  double target_;
  double tolerance_;
  double PoolLoad::*figure_;
  bool from_one_node_;
};

}  // namespace

std::unique_ptr<AutoscalePolicy> make_proportional_autoscaler(const AutoscaleSpec& spec, double PoolLoad::*figure,
                                                              bool from_one_node) {
  return std::make_unique<ProportionalAutoscaler>(spec.target, spec.tolerance, figure, from_one_node);
}

}  // namespace fleetsim
