// idleness: as tool_gap, a session's cache stays while the session goes on
// and is freed when it can no longer be used; under memory pressure the
// cache of the session idle for the largest fraction of its time so far
// leaves first (to the tier below, if any), not the least recently retained
// (IdlenessRank: MORI's ranking, Xia et al., arXiv 2606.00866, 2026).
#include "fleetsim/core/kv_policy.hpp"

namespace fleetsim {

KvRetentionPolicy make_idleness_retention(const EngineSettings&) {
  return {.keeps = true, .frees_when_session_leaves = true, .ranks_by_idleness = true};
}

}  // namespace fleetsim
