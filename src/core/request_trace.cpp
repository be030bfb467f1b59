#include "fleetsim/request_trace.hpp"

namespace fleetsim {

std::optional<RequestTrace::SessionRef> RequestTrace::session(std::uint64_t k) const {
  const std::uint64_t n = sessions();
  if (n == 0) return std::nullopt;
  if (k >= n && loop_period_s <= 0.0) return std::nullopt;
  // The round times the period, not a running sum, so that a long loop does
  // not accumulate rounding.
  return SessionRef{static_cast<std::uint32_t>(k % n), static_cast<double>(k / n) * loop_period_s};
}

TraceCursor::TraceCursor(const RequestTrace& trace, const RequestTrace::SessionRef& ref)
    : trace_(&trace),
      next_(trace.session_begin[ref.index]),
      end_(trace.session_begin[ref.index + 1]),
      offset_s_(ref.offset_s) {}

}  // namespace fleetsim
