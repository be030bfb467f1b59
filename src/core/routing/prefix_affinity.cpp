// prefix_affinity: to the open candidate whose prefix cache holds the longest
// run of the call's leading hashed chunks (a trace's prefix hashes), while
// that replica has fewer than `affinity_max_queue` calls waiting; among equal
// runs, and for calls with no hashes or no hit anywhere, least_outstanding.
// Cache-aware routing as SGLang's router and Mooncake's Conductor do it: a
// prompt computed once is worth sending back to where its chunks are, unless
// that replica's queue costs more than the prefill it saves.
#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/routing_policy.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {
namespace {

class PrefixAffinity final : public RoutingPolicy {
 public:
  explicit PrefixAffinity(int max_queue) : max_queue_(static_cast<std::size_t>(max_queue)) {}

  std::size_t pick(const RoutingView& view) override {
    const std::size_t fallback = view.candidates.least_outstanding();
    if (view.call == nullptr || view.call->prefix.empty()) return fallback;
    std::size_t best = fallback;
    long best_tokens = 0;
    for (const std::size_t r : view.candidates.replicas()) {
      const PrefixBlockCache* cache = view.replicas[r].prefix_cache();
      if (cache == nullptr || !view.is_open(r) || view.replicas[r].waiting() >= max_queue_) continue;
      const long tokens = cache->leading_tokens(view.call->prefix, view.call->prompt_tokens);
      if (tokens > best_tokens || (tokens == best_tokens && tokens > 0 &&
                                   view.outstanding[r] < view.outstanding[best])) {
        best = r;
        best_tokens = tokens;
      }
    }
    return best;
  }

 private:
  std::size_t max_queue_;
};

}  // namespace

std::unique_ptr<RoutingPolicy> make_prefix_affinity_policy(const Route& route) {
  return std::make_unique<PrefixAffinity>(route.affinity_max_queue);
}

}  // namespace fleetsim
