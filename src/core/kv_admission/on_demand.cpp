// on_demand (vLLM): blocks for the prompt and the first token now; decode
// grows into more later, preempting when memory runs out.
#include "fleetsim/core/continuous_batcher.hpp"
#include "fleetsim/core/kv_policy.hpp"

namespace fleetsim {
namespace {

long prompt_and_first_token(const CallRequest&, long target) { return target + 1; }

}  // namespace

KvAdmissionPolicy make_on_demand_admission(const EngineSettings&) { return {prompt_and_first_token}; }

}  // namespace fleetsim
