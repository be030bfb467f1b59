// ttft_percentile: as many nodes as keep a percentile (default the 95th) of
// the calls' time to first token on the pool at `target`: desired =
// ceil(nodes x observed / target), the rule of queue_delay_percentile on the
// figure SLOs are written on. A call's time counts from its arrival at the
// pool's replica to its first token, so it holds the queue wait and the
// prefill (and, on a decode pool, the KV transfer); time before the pool
// (a harness's work, routing) is not the pool's to fix. Samples are taken
// when first tokens come, in the interval since the last evaluation.
#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {

std::unique_ptr<AutoscalePolicy> make_ttft_percentile_autoscaler(const AutoscaleSpec& spec) {
  return make_proportional_autoscaler(spec, &PoolLoad::ttft_percentile_s, /*from_one_node=*/true);
}

}  // namespace fleetsim
