// utilization: as many nodes as keep the serving replicas busy `target` of
// the time. A replica counts as busy while it holds a call, running or
// waiting; for a replica at batch 1 that is its utilization in the queueing
// sense. desired = ceil(serving x busy / target) (docs/autoscaling.md).
#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {

std::unique_ptr<AutoscalePolicy> make_utilization_autoscaler(const AutoscaleSpec& spec) {
  return make_proportional_autoscaler(spec, &PoolLoad::busy_fraction, /*from_one_node=*/false);
}

}  // namespace fleetsim
