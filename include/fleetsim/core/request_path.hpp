// A serving stack's request path: what a call spends between the client
// sending it and the engine's queue receiving it, and in getting its first
// token back, outside the engine's iterations (docs/performance-model.md,
// "The request path"):
//
//   t_path = fixed + per_prompt_token * prompt tokens
//
// `fixed` is the HTTP request, the hand-off to the engine process and the
// first streamed chunk's way back; `per_prompt_token` is tokenization, which
// an OpenAI-style server does for the whole prompt (every message of the
// conversation) on every call. Neither occupies the device: the path delays
// the call's arrival at its replica and adds to its time to first token, its
// latency and its session's time, not to any replica's work.
#pragma once

namespace fleetsim {

struct RequestPath {
  double fixed_s = 0.0;             // per call
  double per_prompt_token_s = 0.0;  // per prompt token the front end tokenizes

  double delay_s(long prompt_tokens) const {
    return fixed_s + per_prompt_token_s * static_cast<double>(prompt_tokens);
  }
  bool priced() const { return fixed_s > 0.0 || per_prompt_token_s > 0.0; }
};

}  // namespace fleetsim
