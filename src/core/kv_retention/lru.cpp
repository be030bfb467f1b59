// lru: a session's cache stays until memory is needed, the least recently
// retained evicted first.
#include "fleetsim/core/kv_policy.hpp"

namespace fleetsim {

KvRetentionPolicy make_lru_retention(const EngineSettings&) { return {.keeps = true}; }

}  // namespace fleetsim
