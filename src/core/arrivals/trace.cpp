// trace: the sessions of a recorded request trace, at their recorded times
// (a workload's `trace:`; docs/scenario-format.md, "Replaying a request trace").
#include "fleetsim/core/arrival_pattern.hpp"
#include "fleetsim/core/request_trace.hpp"

namespace fleetsim {
namespace {

class Trace final : public ArrivalPattern {
 public:
  explicit Trace(std::shared_ptr<const RequestTrace> trace) : trace_(std::move(trace)) {}

  // The fleet model counts the sessions it starts the same way, so its k-th
  // session replays the k-th recorded one (FleetModel::start_session).
  double next_after(double, Rng&) override {
    if (!trace_) return kInfinity;
    const auto ref = trace_->session(sessions_);
    if (!ref) return kInfinity;
    ++sessions_;
    return trace_->start_s(*ref);
  }
  // Times, not a rate.
  double rate_at(double) const override { return 0.0; }
  double peak_rate() const override { return 0.0; }
  double expected_between(double, double) const override { return 0.0; }

 private:
  std::shared_ptr<const RequestTrace> trace_;
  std::uint64_t sessions_ = 0;  // started so far
};

}  // namespace

std::unique_ptr<ArrivalPattern> make_trace_arrivals(const ArrivalProcess& p) {
  return std::make_unique<Trace>(p.trace);
}

}  // namespace fleetsim
