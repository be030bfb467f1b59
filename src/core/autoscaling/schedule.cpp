// schedule: node counts by time of the run, such as a planner's known daily
// shape (more nodes in business hours). The entry in force is the last whose
// time has come, the times taken modulo the period when one is given.
#include <cmath>

#include "fleetsim/core/autoscale_policy.hpp"

namespace fleetsim {
namespace {

class ScheduleAutoscaler final : public AutoscalePolicy {
 public:
  explicit ScheduleAutoscaler(const AutoscaleSpec& spec) : entries_(spec.schedule), period_s_(spec.schedule_period_s) {}
  int desired_nodes(const PoolLoad& load) override {
    const double t = period_s_ > 0 ? std::fmod(load.now_s, period_s_) : load.now_s;
    // Before the first entry of a period, the period's last entry still holds.
    int nodes = entries_.empty() ? load.nodes : (period_s_ > 0 ? entries_.back().nodes : load.nodes);
    for (const auto& e : entries_)
      if (e.at_s <= t) nodes = e.nodes;
    return nodes;
  }

 private:
  std::vector<AutoscaleSpec::ScheduleEntry> entries_;  // ascending by time (the reader checks)
  double period_s_;
};

}  // namespace

std::unique_ptr<AutoscalePolicy> make_schedule_autoscaler(const AutoscaleSpec& spec) {
  return std::make_unique<ScheduleAutoscaler>(spec);
}

}  // namespace fleetsim
