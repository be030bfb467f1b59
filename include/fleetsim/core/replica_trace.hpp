// What chosen replicas did, slice by slice (fleetsim run --trace-events): a
// Chrome / Perfetto timeline of batches, as plain data. A slice is one
// iteration with prompt work, or a run of decode iterations whose batch did
// not change; the batcher appends them as it completes its plans.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace fleetsim {

struct ReplicaSlice {
  double start_s = 0.0;
  double end_s = 0.0;
  long iterations = 0;
  double batch = 0.0;   // sequences in each iteration
  double tokens = 0.0;  // tokens of the first iteration (prompt chunks and one per decoding sequence)
  bool prompt = false;  // an iteration with prompt work; otherwise decode only
  double compute_s = 0.0;  // the roofline's math and memory terms over the slice,
  double memory_s = 0.0;   // which say what bound it
};

struct ReplicaTrack {
  std::size_t replica = 0;  // fleet-wide index
  std::string pool;
  std::string model;
  std::vector<ReplicaSlice> slices;
};

struct ReplicaTrace {
  std::vector<ReplicaTrack> tracks;
  std::size_t fleet_replicas = 0;  // how many the fleet has (a track's index is below)
};

}  // namespace fleetsim
