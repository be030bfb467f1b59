// queue_delay_percentile: as many nodes as keep a percentile (default the
// 95th) of the times calls wait in their replica's queue (arrival there to
// their first batch) at `target`: desired = ceil(nodes x observed / target),
// the queue_delay policy's rule on a tail instead of the mean
// (docs/autoscaling.md). An SLO is usually written on a tail: a mean wait of
// 200 ms can hide a p95 of several seconds when a few replicas queue.
#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {

std::unique_ptr<AutoscalePolicy> make_queue_delay_percentile_autoscaler(const AutoscaleSpec& spec) {
  return make_proportional_autoscaler(spec, &PoolLoad::queueing_delay_percentile_s, /*from_one_node=*/true);
}

}  // namespace fleetsim
