// session_affinity: back to the replica that ran the session's previous call,
// where its KV cache may still be, while that replica is an open candidate and has
// fewer than `affinity_max_queue` calls waiting; otherwise least_outstanding.
#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/routing_policy.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {
namespace {

class SessionAffinity final : public RoutingPolicy {
 public:
  explicit SessionAffinity(int max_queue) : max_queue_(static_cast<std::size_t>(max_queue)) {}

  std::size_t pick(const RoutingView& view) override {
    if (view.last_replica >= 0) {
      const auto home = static_cast<std::size_t>(view.last_replica);
      if (view.candidates.contains(home) && view.is_open(home) && view.replicas[home].waiting() < max_queue_)
        return home;
    }
    return view.candidates.least_outstanding();
  }

 private:
  std::size_t max_queue_;
};

}  // namespace

std::unique_ptr<RoutingPolicy> make_session_affinity_policy(const Route& route) {
  return std::make_unique<SessionAffinity>(route.affinity_max_queue);
}

}  // namespace fleetsim
