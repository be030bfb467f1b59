// round_robin: the candidates in turn, whatever their load.
#include "fleetsim/routing_policy.hpp"

namespace fleetsim {
namespace {

class RoundRobin final : public RoutingPolicy {
 public:
  std::size_t pick(const RoutingView& view) override {
    const auto& replicas = view.candidates.replicas();
    return replicas[next_++ % replicas.size()];
  }

 private:
  std::size_t next_ = 0;
};

}  // namespace

std::unique_ptr<RoutingPolicy> make_round_robin_policy(const Route&) { return std::make_unique<RoundRobin>(); }

}  // namespace fleetsim
