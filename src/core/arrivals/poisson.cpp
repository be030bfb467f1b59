// poisson: sessions start independently at a steady rate (exponential gaps).
#include "steady_rate.hpp"

namespace fleetsim {
namespace {

class Poisson final : public SteadyRate {
 public:
  using SteadyRate::SteadyRate;
  double next_after(double t, Rng& rng) override { return rate_ > 0 ? t + rng.exponential(1.0 / rate_) : kInfinity; }
};

}  // namespace

std::unique_ptr<ArrivalPattern> make_poisson_arrivals(const ArrivalProcess& p) {
  return std::make_unique<Poisson>(p.rate_per_s);
}

}  // namespace fleetsim
