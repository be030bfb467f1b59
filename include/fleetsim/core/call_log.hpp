// One row per LLM call, as plain data (fleetsim run --calls): what a planner
// reads to see single calls behind the report's percentiles. The fleet model
// offers every call that finishes in the measured window, in the order they
// finish; the log keeps every k-th (k = 1: all of them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fleetsim {

struct CallRecord {
  std::uint64_t call = 0;     // ordinal among the window's calls, from 0
  std::uint64_t session = 0;  // the session's key (sub-agents and branches have their own)
  std::uint32_t workload = 0;
  std::uint32_t pool = 0;     // where it ran (its decode pool, when disaggregated)
  std::uint32_t replica = 0;  // fleet-wide replica index
  std::uint32_t model = 0;
  double issued_s = 0.0;      // the session issued it
  double scheduled_s = 0.0;   // first admitted to a batch
  double first_token_s = 0.0;
  double finished_s = 0.0;
  long prompt_tokens = 0;
  long cached_tokens = 0;
  long computed_tokens = 0;
  long output_tokens = 0;
  int preemptions = 0;
  bool failed = false;
  // Tokens each of its sequences generated: output_tokens but for a call
  // that decodes several (samples, beam_width), where TPOT is a sequence's.
  long sequence_tokens = 0;
};

class CallLog {
 public:
  // Keeps calls 0, every, 2 x every, ...; every >= 1.
  explicit CallLog(std::uint64_t every = 1) : every_(every < 1 ? 1 : every) {}

  // The next call of the window; kept when its ordinal is a multiple of every.
  void offer(CallRecord record) {
    record.call = offered_++;
    if (record.call % every_ == 0) rows_.push_back(record);
  }
  const std::vector<CallRecord>& rows() const { return rows_; }
  // Names of a record's workload, pool and model indices (the fleet model's).
  std::vector<std::string> workload_names, pool_names, model_names;
  std::uint64_t offered() const { return offered_; }
  std::uint64_t every() const { return every_; }

 private:
  std::uint64_t every_;
  std::uint64_t offered_ = 0;
  std::vector<CallRecord> rows_;
};

}  // namespace fleetsim
