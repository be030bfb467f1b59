#include "fleetsim/core/request_trace.hpp"

#include <algorithm>

#include "fleetsim/core/trace_feed.hpp"
#include <unordered_map>
#include <unordered_set>

namespace fleetsim {

std::optional<RequestTrace::SessionRef> RequestTrace::session(std::uint64_t k) const {
  const std::uint64_t n = sessions();
  if (n == 0) return std::nullopt;
  if (k >= n && loop_period_s <= 0.0) return std::nullopt;
  // The round times the period, not a running sum, so that a long loop does
  // not accumulate rounding.
  return SessionRef{static_cast<std::uint32_t>(k % n), static_cast<double>(k / n) * loop_period_s, k / n};
}

std::uint64_t RequestTrace::sessions_starting_before(double t_s) const {
  if (!is_streamed()) {
    std::uint64_t n = 0;
    for (std::size_t k = 0; k < sessions(); ++k) n += calls[session_begin[k]].arrival_s < t_s ? 1 : 0;
    return n;
  }
  // Sample i is session i x stride: the sampled sessions before t_s are
  // certain, those between two samples are not counted.
  const auto& sample = streamed.start_sample_s;
  const auto before = static_cast<std::uint64_t>(std::lower_bound(sample.begin(), sample.end(), t_s) - sample.begin());
  if (before == 0) return 0;
  return std::min(streamed.sessions, (before - 1) * streamed.start_stride + 1);
}

void RequestTrace::keep_sessions(const std::vector<bool>& keep, double new_origin_s) {
  std::vector<Call> kept_calls;
  std::vector<std::uint32_t> kept_begin = {0};
  std::vector<double> kept_gaps;
  for (std::size_t k = 0; k < sessions(); ++k) {
    if (!keep[k]) continue;
    for (std::uint32_t at = session_begin[k]; at < session_begin[k + 1]; ++at) {
      Call c = calls[at];
      c.arrival_s -= new_origin_s;
      kept_calls.push_back(c);
      if (!gap_after_s.empty()) kept_gaps.push_back(gap_after_s[at]);
    }
    kept_begin.push_back(static_cast<std::uint32_t>(kept_calls.size()));
  }
  calls = std::move(kept_calls);
  session_begin = std::move(kept_begin);
  gap_after_s = std::move(kept_gaps);
}

void RequestTrace::mark_shared_prefixes() {
  // The first session to send each hash, and whether another sends it too.
  std::unordered_map<std::uint64_t, std::uint32_t> first_session;
  std::unordered_set<std::uint64_t> shared;
  for (std::uint32_t k = 0; k < sessions(); ++k)
    for (std::uint32_t c = session_begin[k]; c < session_begin[k + 1]; ++c)
      for (std::uint32_t i = 0; i < calls[c].prefix_count; ++i) {
        const std::uint64_t h = prefix_hashes[calls[c].prefix_begin + i];
        if (auto [it, fresh] = first_session.emplace(h, k); !fresh && it->second != k) shared.insert(h);
      }
  prefix_shared.assign(prefix_hashes.size(), 0);
  for (std::size_t i = 0; i < prefix_hashes.size(); ++i) prefix_shared[i] = shared.count(prefix_hashes[i]) ? 1 : 0;
}

TraceCursor::TraceCursor(const RequestTrace& trace, const RequestTrace::SessionRef& ref, std::uint64_t salt)
    : trace_(&trace),
      calls_(trace.calls.data()),
      hashes_(trace.prefix_hashes.data()),
      shared_(trace.prefix_shared.data()),
      gaps_(trace.gap_after_s.data()),
      begin_(trace.session_begin[ref.index]),
      next_(trace.session_begin[ref.index]),
      end_(trace.session_begin[ref.index + 1]),
      offset_s_(ref.offset_s),
      salt_(salt) {}

TraceCursor::TraceCursor(const RequestTrace& trace, const FedSession& fed)
    : trace_(&trace),
      calls_(fed.calls.data()),
      hashes_(fed.prefix_hashes.data()),
      gaps_(fed.gap_after_s.data()),
      end_(static_cast<std::uint32_t>(fed.calls.size())) {}

double TraceCursor::paced_due_s(double previous_start_s, double now, double* rhythm_s) {
  if (paced_due_s_ == kNotYet) {
    if (next_ == begin_) {
      paced_due_s_ = rhythm_s_ = due_s(calls_[next_]);
    } else {
      // The previous call has just ended: `now` is its end.
      const double gap = gaps_[next_ - 1];
      rhythm_s_ = trace_->gap_from_start ? previous_start_s + gap : now + gap;
      paced_due_s_ = std::max(rhythm_s_, now);
    }
  }
  *rhythm_s = rhythm_s_;
  return paced_due_s_;
}

}  // namespace fleetsim
