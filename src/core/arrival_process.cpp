#include "fleetsim/arrival_process.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim {
namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kTwoPi = 6.283185307179586476925286766559;
}  // namespace

double ArrivalGenerator::rate_at(double t) const {
  switch (process_.kind) {
    case ArrivalProcess::Kind::poisson:
    case ArrivalProcess::Kind::constant:
      return process_.rate_per_s;
    case ArrivalProcess::Kind::piecewise: {
      double rate = 0.0;
      for (const auto& piece : process_.pieces)
        if (piece.start_s <= t) rate = piece.rate_per_s;
      return rate;
    }
    case ArrivalProcess::Kind::diurnal: {
      double rate = process_.rate_per_s *
                    (1.0 + process_.amplitude * std::cos(kTwoPi * (t - process_.peak_s) / process_.period_s));
      if (!process_.weekly.empty()) {
        const double day = std::floor(std::fmod(std::max(0.0, t), kSecondsPerWeek) / 86400.0);
        rate *= process_.weekly[std::min<std::size_t>(6, static_cast<std::size_t>(day))];
      }
      return process_.growth_per_week != 0.0 ? rate * growth_factor(process_, t) : rate;
    }
    case ArrivalProcess::Kind::trace:
      return 0.0;
  }
  return 0.0;
}

double growth_factor(const ArrivalProcess& process, double t) {
  if (process.growth_per_week == 0.0) return 1.0;
  return std::pow(1.0 + process.growth_per_week, t / kSecondsPerWeek);
}

double mean_growth_factor(const ArrivalProcess& process, double horizon_s) {
  const double g = process.growth_per_week;
  if (g == 0.0 || horizon_s <= 0.0) return 1.0;
  // (1/H) * integral_0^H (1+g)^(t/W) dt = W ((1+g)^(H/W) - 1) / (H ln(1+g))
  const double log_growth = std::log1p(g);
  return kSecondsPerWeek * std::expm1(log_growth * horizon_s / kSecondsPerWeek) / (horizon_s * log_growth);
}

namespace {
// The diurnal rate's bound before growth: its daily peak on its busiest day.
double diurnal_static_peak(const ArrivalProcess& p) {
  double busiest = 1.0;
  if (!p.weekly.empty()) busiest = *std::max_element(p.weekly.begin(), p.weekly.end());
  return p.rate_per_s * (1.0 + p.amplitude) * busiest;
}
}  // namespace

// The midpoint rule on 4096 steps for a rate that changes (within 0.1% for a
// day's cosine over half a day; a piecewise rate is exact but for the steps
// its breaks fall in). A steady rate gives rate x span exactly, so that equal
// halves of a window get equal numbers and the stability check reads steady
// traffic as before.
double expected_arrivals_between(const ArrivalProcess& process, double t0, double t1) {
  if (!(t1 > t0)) return 0.0;
  switch (process.kind) {
    case ArrivalProcess::Kind::trace:
      return 0.0;
    case ArrivalProcess::Kind::poisson:
    case ArrivalProcess::Kind::constant:
      return process.rate_per_s * (t1 - t0);
    case ArrivalProcess::Kind::piecewise:
    case ArrivalProcess::Kind::diurnal:
      break;
  }
  const ArrivalGenerator rates(process, Rng(0, 0));
  constexpr int kSteps = 4096;
  const double dt = (t1 - t0) / kSteps;
  double sum = 0.0;
  for (int i = 0; i < kSteps; ++i) sum += rates.rate_at(t0 + (i + 0.5) * dt);
  return sum * dt;
}

double peak_rate_per_s(const ArrivalProcess& process) {
  switch (process.kind) {
    case ArrivalProcess::Kind::poisson:
    case ArrivalProcess::Kind::constant:
      return process.rate_per_s;
    case ArrivalProcess::Kind::piecewise: {
      double peak = 0.0;
      for (const auto& piece : process.pieces) peak = std::max(peak, piece.rate_per_s);
      return peak;
    }
    case ArrivalProcess::Kind::diurnal:
      return diurnal_static_peak(process);
    case ArrivalProcess::Kind::trace:
      return 0.0;
  }
  return 0.0;
}

double ArrivalGenerator::next_after(double t) {
  switch (process_.kind) {
    case ArrivalProcess::Kind::poisson:
      return process_.rate_per_s > 0 ? t + rng_.exponential(1.0 / process_.rate_per_s) : kInfinity;
    case ArrivalProcess::Kind::constant:
      return process_.rate_per_s > 0 ? t + 1.0 / process_.rate_per_s : kInfinity;
    case ArrivalProcess::Kind::piecewise: {
      // Poisson within each piece; memorylessness lets a draw that crosses a
      // boundary restart there at the next piece's rate, which is exact.
      double now = t;
      while (true) {
        double rate = 0.0, piece_end = kInfinity;
        for (const auto& piece : process_.pieces) {
          if (piece.start_s <= now)
            rate = piece.rate_per_s;
          else {
            piece_end = piece.start_s;
            break;
          }
        }
        const double candidate = rate > 0 ? now + rng_.exponential(1.0 / rate) : kInfinity;
        if (candidate < piece_end) return candidate;
        if (piece_end == kInfinity) return kInfinity;
        now = piece_end;
      }
    }
    case ArrivalProcess::Kind::diurnal: {
      // Thinning (Lewis and Shedler): candidates at a bound of the rate,
      // each kept with probability rate(t) / bound.
      const double peak = diurnal_static_peak(process_);
      if (peak <= 0) return kInfinity;
      double now = t;
      if (process_.growth_per_week == 0.0) {
        while (true) {
          now += rng_.exponential(1.0 / peak);
          if (rng_.uniform01() * peak <= rate_at(now)) return now;
        }
      }
      // With growth the rate has no bound over all time: bound it one day
      // at a time, and restart a candidate that leaves its day at the day's
      // end (exact, since the candidates are memoryless).
      while (true) {
        const double window_end = now + 86400.0;
        const double bound = peak * std::max(growth_factor(process_, now), growth_factor(process_, window_end));
        const double candidate = now + rng_.exponential(1.0 / bound);
        if (candidate > window_end) {
          now = window_end;
          continue;
        }
        now = candidate;
        if (rng_.uniform01() * bound <= rate_at(now)) return now;
      }
    }
    case ArrivalProcess::Kind::trace: {
      // The fleet model counts the sessions it starts the same way, so its
      // k-th session replays the k-th recorded one (FleetModel::start_session).
      if (!process_.trace) return kInfinity;
      const auto ref = process_.trace->session(trace_sessions_);
      if (!ref) return kInfinity;
      ++trace_sessions_;
      return process_.trace->start_s(*ref);
    }
  }
  return kInfinity;
}

}  // namespace fleetsim
