// The call log as CSV: one row per kept call, times to the microsecond.
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "fleetsim/io/csv_field.hpp"
#include "fleetsim/io/call_log_writer.hpp"

namespace fleetsim {
namespace {

constexpr const char* kHeader =
    "call,session,workload,pool,replica,model,issued_s,scheduled_s,first_token_s,finished_s,ttft_s,tpot_s,"
    "prompt_tokens,cached_tokens,computed_tokens,output_tokens,preemptions,failed\n";

std::string micro(double seconds) { return fmt::format("{:.6f}", seconds); }

}  // namespace

std::string render_calls_csv(const CallLog& log) {
  std::string out = kHeader;
  out.reserve(out.size() + log.rows().size() * 160);
  for (const CallRecord& r : log.rows()) {
    // As the report counts them: TTFT from the session's issue, TPOT over
    // the tokens after the first (empty for a call of one token).
    const std::string tpot = r.sequence_tokens > 1
                                 ? micro((r.finished_s - r.first_token_s) / static_cast<double>(r.sequence_tokens - 1))
                                 : std::string();
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.call, r.session,
                       csv_field(log.workload_names[r.workload]), csv_field(log.pool_names[r.pool]), r.replica,
                       csv_field(log.model_names[r.model]), micro(r.issued_s), micro(r.scheduled_s),
                       micro(r.first_token_s), micro(r.finished_s), micro(r.first_token_s - r.issued_s), tpot,
                       r.prompt_tokens, r.cached_tokens, r.computed_tokens, r.output_tokens, r.preemptions,
                       r.failed ? 1 : 0);
  }
  return out;
}

}  // namespace fleetsim
