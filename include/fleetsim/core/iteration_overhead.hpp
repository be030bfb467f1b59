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
#pragma once

namespace fleetsim {

struct IterationOverhead {
  double fixed_s = 0.0;             // per iteration, whatever it holds
  double per_sequence_s = 0.0;      // per sequence in the iteration
  double per_output_token_s = 0.0;  // per token sampled and detokenized

  // With zero per-sequence and per-token terms this is exactly fixed_s, so a
  // hardware-only overhead (no stack named) gives the numbers it always did.
  double time_s(double sequences, double output_tokens) const {
    return fixed_s + per_sequence_s * sequences + per_output_token_s * output_tokens;
  }
};

}  // namespace fleetsim
