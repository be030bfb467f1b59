// diurnal: a daily cosine around a mean rate, optionally shaped by the day of
// the week and compounded by weekly growth:
//   rate(t) = rate (1 + amplitude cos(2 pi (t - peak) / period)) weekly[day] (1 + g)^(t / week)
#include <algorithm>
#include <cmath>

#include "fleetsim/core/arrival_pattern.hpp"
#include "fleetsim/core/arrival_process.hpp"

namespace fleetsim {
namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

class Diurnal final : public ArrivalPattern {
 public:
  explicit Diurnal(const ArrivalProcess& p) : p_(p) {}

  double rate_at(double t) const override {
    double rate = p_.rate_per_s * (1.0 + p_.amplitude * std::cos(kTwoPi * (t - p_.peak_s) / p_.period_s));
    if (!p_.weekly.empty()) {
      const double day = std::floor(std::fmod(std::max(0.0, t), kSecondsPerWeek) / 86400.0);
      rate *= p_.weekly[std::min<std::size_t>(6, static_cast<std::size_t>(day))];
    }
    return p_.growth_per_week != 0.0 ? rate * growth_factor(p_, t) : rate;
  }
  // Before growth: the daily peak on the busiest day. With growth the peak
  // rises without bound; this is its first week's (a lower bound, as the
  // work estimate needs).
  double peak_rate() const override {
    double busiest = 1.0;
    if (!p_.weekly.empty()) busiest = *std::max_element(p_.weekly.begin(), p_.weekly.end());
    return p_.rate_per_s * (1.0 + p_.amplitude) * busiest;
  }
  // The cosine and the week average out: the mean rate with its growth.
  double expected_until(double horizon_s) const override {
    return p_.rate_per_s * horizon_s * mean_growth_factor(p_, horizon_s);
  }

  // Thinning (Lewis and Shedler): candidates at a bound of the rate, each
  // kept with probability rate(t) / bound.
  double next_after(double t, Rng& rng) override {
    const double peak = peak_rate();
    if (peak <= 0) return kInfinity;
    double now = t;
    if (p_.growth_per_week == 0.0) {
      while (true) {
        now += rng.exponential(1.0 / peak);
        if (rng.uniform01() * peak <= rate_at(now)) return now;
      }
    }
    // With growth the rate has no bound over all time: bound it one day at a
    // time, and restart a candidate that leaves its day at the day's end
    // (exact, since the candidates are memoryless).
    while (true) {
      const double window_end = now + 86400.0;
      const double bound = peak * std::max(growth_factor(p_, now), growth_factor(p_, window_end));
      const double candidate = now + rng.exponential(1.0 / bound);
      if (candidate > window_end) {
        now = window_end;
        continue;
      }
      now = candidate;
      if (rng.uniform01() * bound <= rate_at(now)) return now;
    }
  }

 private:
  ArrivalProcess p_;
};

}  // namespace

std::unique_ptr<ArrivalPattern> make_diurnal_arrivals(const ArrivalProcess& p) { return std::make_unique<Diurnal>(p); }

}  // namespace fleetsim
