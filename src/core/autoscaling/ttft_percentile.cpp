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
namespace {

class TtftPercentileAutoscaler final : public AutoscalePolicy {
 public:
  TtftPercentileAutoscaler(double target_s, double tolerance) : target_s_(target_s), tolerance_(tolerance) {}
  int desired_nodes(const PoolLoad& load) override {
    return proportional_nodes(load.serving_nodes > 0 ? load.serving_nodes : 1, load.ttft_percentile_s, target_s_,
                              tolerance_);
  }

 private:
  double target_s_;
  double tolerance_;
};

}  // namespace

std::unique_ptr<AutoscalePolicy> make_ttft_percentile_autoscaler(const AutoscaleSpec& spec) {
  return std::make_unique<TtftPercentileAutoscaler>(spec.target, spec.tolerance);
}

}  // namespace fleetsim
