// piecewise: Poisson at a rate that changes at given times (pieces sorted by
// start, the first at 0).
#include <algorithm>
#include <vector>

#include "fleetsim/core/arrival_pattern.hpp"

namespace fleetsim {
namespace {

class Piecewise final : public ArrivalPattern {
 public:
  explicit Piecewise(std::vector<ArrivalProcess::Piece> pieces) : pieces_(std::move(pieces)) {}

  // Poisson within each piece; memorylessness lets a draw that crosses a
  // boundary restart there at the next piece's rate, which is exact.
  double next_after(double t, Rng& rng) override {
    double now = t;
    while (true) {
      double rate = 0.0, piece_end = kInfinity;
      for (const auto& piece : pieces_) {
        if (piece.start_s <= now) {
          rate = piece.rate_per_s;
        } else {
          piece_end = piece.start_s;
          break;
        }
      }
      const double candidate = rate > 0 ? now + rng.exponential(1.0 / rate) : kInfinity;
      if (candidate < piece_end) return candidate;
      if (piece_end == kInfinity) return kInfinity;
      now = piece_end;
    }
  }
  double rate_at(double t) const override {
    double rate = 0.0;
    for (const auto& piece : pieces_)
      if (piece.start_s <= t) rate = piece.rate_per_s;
    return rate;
  }
  double peak_rate() const override {
    double peak = 0.0;
    for (const auto& piece : pieces_) peak = std::max(peak, piece.rate_per_s);
    return peak;
  }
  // Exact: each piece's rate times its overlap with [0, horizon).
  double expected_until(double horizon_s) const override {
    double total = 0.0;
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
      const double begin = pieces_[i].start_s;
      const double end = i + 1 < pieces_.size() ? pieces_[i + 1].start_s : horizon_s;
      if (begin < horizon_s) total += pieces_[i].rate_per_s * (std::min(end, horizon_s) - begin);
    }
    return total;
  }

 private:
  std::vector<ArrivalProcess::Piece> pieces_;
};

}  // namespace

std::unique_ptr<ArrivalPattern> make_piecewise_arrivals(const ArrivalProcess& p) {
  return std::make_unique<Piecewise>(p.pieces);
}

}  // namespace fleetsim
