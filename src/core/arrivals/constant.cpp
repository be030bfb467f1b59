// constant: one session every 1 / rate seconds, the first one gap after 0.
#include "steady_rate.hpp"

namespace fleetsim {
namespace {

class Constant final : public SteadyRate {
 public:
  using SteadyRate::SteadyRate;
  double next_after(double t, Rng&) override { return rate_ > 0 ? t + 1.0 / rate_ : kInfinity; }
};

}  // namespace

std::unique_ptr<ArrivalPattern> make_constant_arrivals(const ArrivalProcess& p) {
  return std::make_unique<Constant>(p.rate_per_s);
}

}  // namespace fleetsim
