// least_outstanding: the candidate with the fewest calls routed to it and not
// yet finished (running or queued), the lowest replica index among ties.
#include "fleetsim/core/routing_policy.hpp"

namespace fleetsim {
namespace {

class LeastOutstanding final : public RoutingPolicy {
 public:
  std::size_t pick(const RoutingView& view) override { return view.candidates.least_outstanding(); }
};

}  // namespace

std::unique_ptr<RoutingPolicy> make_least_outstanding_policy(const Route&) {
  return std::make_unique<LeastOutstanding>();
}

}  // namespace fleetsim
