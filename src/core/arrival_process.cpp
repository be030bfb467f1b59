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
    case ArrivalProcess::Kind::diurnal:
      return process_.rate_per_s *
             (1.0 + process_.amplitude * std::cos(kTwoPi * (t - process_.peak_s) / process_.period_s));
    case ArrivalProcess::Kind::trace:
      return 0.0;
  }
  return 0.0;
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
      return process.rate_per_s * (1.0 + process.amplitude);
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
      // Thinning (Lewis and Shedler): candidates at the peak rate, each kept
      // with probability rate(t) / peak.
      const double peak = process_.rate_per_s * (1.0 + process_.amplitude);
      if (peak <= 0) return kInfinity;
      double now = t;
      while (true) {
        now += rng_.exponential(1.0 / peak);
        if (rng_.uniform01() * peak <= rate_at(now)) return now;
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
