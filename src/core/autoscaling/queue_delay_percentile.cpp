// queue_delay_percentile: as many nodes as keep a percentile (default the
// 95th) of the times calls wait in their replica's queue (arrival there to
// their first batch) at `target`: desired = ceil(nodes x observed / target),
// the queue_delay policy's rule on a tail instead of the mean
// (docs/autoscaling.md). An SLO is usually written on a tail: a mean wait of
// 200 ms can hide a p95 of several seconds when a few replicas queue.
#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {
namespace {

class QueueDelayPercentileAutoscaler final : public AutoscalePolicy {
 public:
  QueueDelayPercentileAutoscaler(double target_s, double tolerance) : target_s_(target_s), tolerance_(tolerance) {}
  int desired_nodes(const PoolLoad& load) override {
    return proportional_nodes(load.serving_nodes > 0 ? load.serving_nodes : 1, load.queueing_delay_percentile_s,
                              target_s_, tolerance_);
  }

 private:
  double target_s_;
  double tolerance_;
};

}  // namespace

std::unique_ptr<AutoscalePolicy> make_queue_delay_percentile_autoscaler(const AutoscaleSpec& spec) {
  return std::make_unique<QueueDelayPercentileAutoscaler>(spec.target, spec.tolerance);
}

}  // namespace fleetsim
