// tool_gap: a session's cache stays through the session's tool calls and
// leaves as soon as the session can no longer use it (it ended, or its next
// call went to another replica); under memory pressure the least recently
// retained leaves first, as with lru. It keeps the set an agent-serving
// system keeps when it pins the KV of a call that ends in a tool call and
// lets the others go (Continuum, Li et al., arXiv 2511.02230, 2025, without
// its time-to-live); lru keeps the caches of finished sessions too, until
// memory pressure evicts them, and those crowd out the caches of sessions
// still under way (docs/performance-model.md, "KV retention").
#include "fleetsim/core/kv_policy.hpp"

namespace fleetsim {

KvRetentionPolicy make_tool_gap_retention(const EngineSettings&) {
  return {.keeps = true, .frees_when_session_leaves = true};
}

}  // namespace fleetsim
