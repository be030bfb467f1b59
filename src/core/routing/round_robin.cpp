// round_robin: the open candidates in turn, whatever their load.
#include "fleetsim/core/routing_policy.hpp"

namespace fleetsim {
namespace {

class RoundRobin final : public RoutingPolicy {
 public:
  std::size_t pick(const RoutingView& view) override {
    const auto& replicas = view.candidates.replicas();
    // The next open candidate in turn (one is open: the router's contract).
    for (std::size_t tries = 0; tries < replicas.size(); ++tries) {
      const std::size_t r = replicas[next_++ % replicas.size()];
      if (view.is_open(r)) return r;
    }
    return view.candidates.least_outstanding();
  }

 private:
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<RoutingPolicy> make_round_robin_policy(const Route&) { return std::make_unique<RoundRobin>(); }

}  // namespace fleetsim
