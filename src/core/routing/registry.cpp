// The registry of routing policies: a policy's keyword, its one-line
// description and its factory (defined in the policy's own file).
#include <stdexcept>

#include <fmt/format.h>

#include "fleetsim/core/routing_policy.hpp"
#include "fleetsim/core/scenario.hpp"
#include "../registry_lookup.hpp"

namespace fleetsim {

std::unique_ptr<RoutingPolicy> make_round_robin_policy(const Route& route);
std::unique_ptr<RoutingPolicy> make_least_outstanding_policy(const Route& route);
std::unique_ptr<RoutingPolicy> make_session_affinity_policy(const Route& route);
std::unique_ptr<RoutingPolicy> make_prefix_affinity_policy(const Route& route);

namespace {

constexpr RoutingPolicyInfo kRoutingPolicies[] = {
    {"round_robin", "the candidates in turn", make_round_robin_policy},
    {"least_outstanding", "the candidate with the fewest calls running or queued", make_least_outstanding_policy},
    {"session_affinity",
     "back to the replica of the session's previous call while its queue is shorter than affinity_max_queue; "
     "otherwise least_outstanding",
     make_session_affinity_policy},
    {"prefix_affinity",
     "to the replica whose prefix cache holds the longest run of the call's leading hashed chunks (a trace's "
     "prefix hashes) while its queue is shorter than affinity_max_queue; otherwise least_outstanding",
     make_prefix_affinity_policy},
};

}  // namespace

std::span<const RoutingPolicyInfo> routing_policies() { return kRoutingPolicies; }

std::vector<std::string> routing_policy_names() { return registry_names(kRoutingPolicies); }

const RoutingPolicyInfo* find_routing_policy(std::string_view name) { return registry_find(kRoutingPolicies, name); }

std::unique_ptr<RoutingPolicy> make_routing_policy(const Route& route) {
  if (const RoutingPolicyInfo* p = find_routing_policy(route.policy)) return p->make(route);
  throw std::invalid_argument(fmt::format("unknown routing policy \"{}\" (registered: {})", route.policy,
                                          fmt::join(routing_policy_names(), ", ")));
}

}  // namespace fleetsim
