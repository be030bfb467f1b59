// queue_delay: as many nodes as keep the mean time a call waits in its
// replica's queue (arrival there to its first batch) at `target`:
// desired = ceil(nodes x observed wait / target), Kubernetes HPA's rule on a
// latency metric, with the utilization policy's tolerance (docs/autoscaling.md).
//
// A wait is not proportional to nodes the way a busy fraction is: it is near
// 0 below saturation and grows without bound past it. The rule therefore
// adds nodes hard when queues build and asks for few when none do; the
// pool's scale-in window, which keeps the highest wish of the last minutes,
// is what stops it from releasing nodes the moment the queues empty.
#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {

std::unique_ptr<AutoscalePolicy> make_queue_delay_autoscaler(const AutoscaleSpec& spec) {
  return make_proportional_autoscaler(spec, &PoolLoad::queueing_delay_s, /*from_one_node=*/true);
}

}  // namespace fleetsim
