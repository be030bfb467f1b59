// predictive: the concurrency rule applied to the load expected when a node
// started now would serve, forecast from the scenario's own arrival rate
// function λ(t) (docs/autoscaling.md, "predictive"):
//
//   wish = ceil(c × λ(t + P + I) / λ̄(t − I, t) / target)
//
// with c the pool's LLM calls in flight averaged over the last interval I,
// λ̄ the mean arrival rate over that interval, and P the provisioning delay.
// The calls in flight follow the arrival rate (Little's law, L = λ W, with
// W steady), so c scaled by the rate ratio is the concurrency to expect at
// t + P + I, the end of the first interval a node started now serves. The
// forecast is perfect (the rate the arrivals are drawn from): an upper bound
// on what a forecaster fitted to history achieves.
#include <algorithm>
#include <memory>
#include <vector>

#include "fleetsim/core/arrival_pattern.hpp"
#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {
namespace {

class SummedArrivalRate final : public ArrivalForecast {
 public:
  explicit SummedArrivalRate(const std::vector<ArrivalProcess>& processes) {
    for (const ArrivalProcess& p : processes) patterns_.push_back(make_arrival_pattern(p));
  }
  double rate_at(double t) const override {
    double rate = 0.0;
    for (const auto& p : patterns_) rate += p->rate_at(t);
    return rate;
  }
  double mean_rate(double t0, double t1) const override {
    if (!(t1 > t0)) return rate_at(t0);
    double sessions = 0.0;
    for (const auto& p : patterns_) sessions += p->expected_between(t0, t1);
    return sessions / (t1 - t0);
  }

 private:
  std::vector<std::unique_ptr<ArrivalPattern>> patterns_;
};

class PredictiveAutoscaler final : public AutoscalePolicy {
 public:
  PredictiveAutoscaler(const AutoscaleSpec& spec)
      : forecast_(spec.forecast), target_(spec.target), tolerance_(spec.tolerance), interval_s_(spec.interval_s) {}
  int desired_nodes(const PoolLoad& load) override {
    const int n = load.serving_nodes;
    double ratio = 1.0;
    if (forecast_) {
      const double span = load.interval_s > 0 ? load.interval_s : interval_s_;
      const double past = forecast_->mean_rate(std::max(0.0, load.now_s - span), load.now_s);
      const double ahead = forecast_->rate_at(load.now_s + load.provisioning_s + interval_s_);
      // No arrivals expected in the past interval: nothing to scale, keep the count.
      if (past > 0) ratio = ahead / past;
    }
    // As concurrency: ceil(n x (c / n) x ratio / target) = ceil(c x ratio / target).
    const double per_node = (n > 0 ? load.calls_in_flight / n : load.calls_in_flight) * ratio;
    return proportional_nodes(n > 0 ? n : 1, per_node, target_, tolerance_);
  }

 private:
  std::shared_ptr<const ArrivalForecast> forecast_;
  double target_;
  double tolerance_;
  double interval_s_;
};

}  // namespace

std::shared_ptr<const ArrivalForecast> make_arrival_forecast(const std::vector<ArrivalProcess>& processes) {
  return std::make_shared<SummedArrivalRate>(processes);
}

std::unique_ptr<AutoscalePolicy> make_predictive_autoscaler(const AutoscaleSpec& spec) {
  return std::make_unique<PredictiveAutoscaler>(spec);
}

}  // namespace fleetsim
