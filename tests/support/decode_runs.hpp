// What a decode run's closed form (RooflineModel::DecodeTerms) must give:
// the sum of cost() over the run's iterations, computed one by one.
#pragma once

#include "fleetsim/core/roofline_model.hpp"

namespace fleetsim::testing {

// The sum of cost() over the first `iterations` of a decode run of `seqs`
// sequences whose contexts sum to `context`.
inline double summed_decode_run(const RooflineModel& model, double seqs, double context, int iterations) {
  double sum = 0.0;
  for (int j = 0; j < iterations; ++j) {
    IterationShape s;
    s.decode_seqs = seqs;
    s.decode_context = s.cache_cells = context + seqs * j;  // cells count only under a unified cache
    sum += model.cost(s).time_s();
  }
  return sum;
}

}  // namespace fleetsim::testing
