// The serving stack's host-side cost of one engine iteration: what the
// scheduler, input preparation, sampler and detokenizer add to the device's
// kernels (docs/performance-model.md, "Iteration overhead").
//
//   t_o = fixed + per_sequence * sequences + per_output_token * output tokens
//
// `sequences` counts every sequence the iteration touches (decoding ones and
// prefill chunks); `output tokens` those it samples (one per decoding
// sequence, one per prompt whose last chunk ran). Within a decode run of a
// fixed batch both counts are constant, so t_o is too: the run's closed form
// (RooflineModel::decode_run_time) stays exact.
//
// `api_server_share` is the part of all three terms that an API server
// running in the engine's own process adds (vLLM 0.5's OpenAI server streams
// every token from the engine's event loop). A harness that drives the engine
// directly, with no server (`frontend: none`: vLLM's LLM class,
// trtllm-bench), pays the rest: without_api_server().
#pragma once

namespace fleetsim {

struct IterationOverhead {
  double fixed_s = 0.0;             // per iteration, whatever it holds
  double per_sequence_s = 0.0;      // per sequence in the iteration
  double per_output_token_s = 0.0;  // per token sampled and detokenized
  double api_server_share = 0.0;    // in [0, 1): of the three terms, the in-process API server's part

  // With zero per-sequence and per-token terms this is exactly fixed_s, so a
  // hardware-only overhead (no stack named) gives the numbers it always did.
  double time_s(double sequences, double output_tokens) const {
    return fixed_s + per_sequence_s * sequences + per_output_token_s * output_tokens;
  }

  // The engine's own host work, with no API server in its process.
  IterationOverhead without_api_server() const {
    const double keep = 1.0 - api_server_share;
    return {fixed_s * keep, per_sequence_s * keep, per_output_token_s * keep, 0.0};
  }
};

}  // namespace fleetsim
