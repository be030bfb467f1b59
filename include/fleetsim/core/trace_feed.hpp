// A replayed trace read again as the run goes instead of held whole
// (docs/scenario-format.md, "Replaying a request trace"): a feed hands the
// fleet model one recorded session at a time, in start order, so that the
// memory a replay takes follows the sessions in flight, not the file's
// length. The core asks; the I/O edge (src/io/trace_file_feed.cpp) reads the
// file. Nothing here reads a file.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/core/request_trace.hpp"

namespace fleetsim {

// One recorded session, as a feed reads it: its own copies of its calls and
// their hashes, which a started session keeps while its calls run (the
// batcher's PrefixHashes point into them). Buffers are reused from session
// to session.
struct FedSession {
  std::vector<RequestTrace::Call> calls;      // prefix_begin indexes `prefix_hashes`
  std::vector<std::uint64_t> prefix_hashes;
  std::vector<double> gap_after_s;            // think_time pacing only, one per call

  void clear() {
    calls.clear();
    prefix_hashes.clear();
    gap_after_s.clear();
  }
};

class TraceFeed {
 public:
  virtual ~TraceFeed() = default;
  // The next session in start order, into `out` (cleared first). False at the
  // trace's end, and from the first problem on (see problems()).
  virtual bool next(FedSession& out) = 0;
  // Why the feed ended early: the file no longer reads as it did when it was
  // checked. Empty when it has not.
  virtual const std::vector<Diagnostic>& problems() const = 0;
};

// Opens feeds on one trace: each run takes its own, from the first session
// (and a looping trace one more for each round).
class TraceFeedSource {
 public:
  virtual ~TraceFeedSource() = default;
  virtual std::unique_ptr<TraceFeed> open() const = 0;
};

}  // namespace fleetsim
