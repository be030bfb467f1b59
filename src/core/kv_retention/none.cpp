// none: a replica keeps nothing once a call ends; every call prefills its
// whole prompt.
#include "fleetsim/core/kv_policy.hpp"

namespace fleetsim {

KvRetentionPolicy make_none_retention(const EngineSettings&) { return {.keeps = false}; }

}  // namespace fleetsim
