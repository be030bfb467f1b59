// How a pool's nodes fail and come back (`failures:` in a pool;
// docs/failures.md). Plain data: the fleet model draws the times.
#pragma once

#include <cstdint>

namespace fleetsim {

struct FailureSpec {
  // What fails: a whole node (its replicas together: host, power, network),
  // or one replica alone (a device or the serving engine; the node's other
  // replicas keep serving).
  enum class Scope : std::uint8_t { node, replica };
  Scope scope = Scope::node;
  // Time to failure: exponential with mean `mttf_s`, or Weibull with shape
  // `shape` and the scale that gives the same mean.
  enum class Distribution : std::uint8_t { exponential, weibull };
  double mttf_s = 0.0;
  // Time to repair (the node or replica is replaced or rebooted, its model reloaded):
  // exponential with mean `mttr_s`.
  double mttr_s = 0.0;
  Distribution distribution = Distribution::exponential;
  double shape = 1.0;  // Weibull only: < 1 infant mortality, > 1 wear-out
  // A warning this long before the node goes (a spot interruption's notice:
  // two minutes on EC2). From the warning the node takes no new call and
  // finishes what it can; what still runs when it goes is retried. 0: the
  // node fails without warning. A cycle is time to failure + notice + repair.
  double notice_s = 0.0;

  // The share of a unit's time it serves over many cycles, mttf / (mttf +
  // notice + mttr): a unit on notice takes no new call, so counts as down.
  double expected_availability() const { return mttf_s / (mttf_s + notice_s + mttr_s); }
};

}  // namespace fleetsim
