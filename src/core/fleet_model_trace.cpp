// A replayed session (a workload with a request trace): its recorded calls in
// order, each issued at its recorded time or, when the previous call of the
// session is still running then, as soon as that call ends. A call's prompt
// is the recorded prompt; the previous call's prompt and output stay in the
// replica's retained KV cache, so the context carries over as in a step
// chain and only the tokens beyond it need prefill on the same replica.
#include <algorithm>

#include "fleetsim/fleet_model.hpp"

namespace fleetsim {

void FleetModel::advance_trace(std::uint32_t slot) {
  Session& s = sessions_[slot];
  const RequestTrace::Call* call = s.trace.peek();
  if (call == nullptr) {
    end_session(slot);
    return;
  }
  const double due = s.trace.due_s(*call);
  if (due > driver_->now()) {
    // Waits like a tool call, without being one: tool_finished comes back here.
    driver_->call_back_after_tool(due, slot);
    return;
  }
  s.trace.pop();
  // The reader refuses counts below 1; the clamp keeps a trace built in code
  // within what the batcher accepts.
  send_call(slot, s.trace.model(*call), std::max(1L, call->prompt_tokens), std::max(1L, call->output_tokens));
}

}  // namespace fleetsim
