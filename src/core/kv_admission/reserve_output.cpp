// reserve_output (TensorRT-LLM's GUARANTEED_NO_EVICT): blocks for the whole
// final length up front, so a running call never grows or is preempted.
#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/kv_policy.hpp"

namespace fleetsim {
namespace {

long whole_call(const CallRequest& call, long) { return call.prompt_tokens + call.output_tokens; }

}  // namespace

KvAdmissionPolicy make_reserve_output_admission(const EngineSettings&) { return {whole_call}; }

}  // namespace fleetsim
