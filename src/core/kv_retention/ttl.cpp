// ttl: a session's cache stays for at most kv_ttl after its call, and leaves
// earlier (least recently retained first) when memory is needed.
#include "fleetsim/core/kv_policy.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {
namespace {

// One constant per replica, so caches expire in the order they were retained
// (the policy's contract).
double after_ttl(const KvRetentionPolicy& self, double now) { return now + self.ttl_s; }

}  // namespace

KvRetentionPolicy make_ttl_retention(const EngineSettings& engine) {
  return {.keeps = true, .expiry = after_ttl, .ttl_s = engine.kv_ttl_s};
}

}  // namespace fleetsim
