// A plan run at a lower frequency state (a power cap's lower_clocks
// response, docs/performance-model.md 5.3): the batch, its iterations and
// its KV growth are those planned at the pool's state; only the roofline
// (compute time x 1/f) and the power model (power above idle x f V^2) are
// the lower state's. A reload from a lower KV tier is a transfer, whose time
// no clock changes.
#include "fleetsim/core/continuous_batcher.hpp"

namespace fleetsim {

BatchPlan ContinuousBatcher::at_lower_clock(const BatchPlan& plan, std::size_t k) const {
  const LowerClock& c = lower_clocks_[k - 1];
  BatchPlan out = plan;
  out.clock = static_cast<std::uint8_t>(k);
  out.duration_s = 0.0;
  if (plan.kind == BatchPlan::Kind::iteration) {
    out.cost = c.roofline->cost(plan.shape);
    out.duration_s = head_s(out);
  }
  if (plan.run_iterations > 0) {
    out.run_terms = c.roofline->decode_terms(plan.run);
    out.duration_s += out.run_terms.time(plan.run_iterations);
  }
  return out;
}

}  // namespace fleetsim
