#include "fleetsim/core/distribution.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace fleetsim {

Distribution Distribution::constant(double value) {
  Distribution d;
  d.kind = Kind::fixed;
  d.p1 = value;
  return d;
}

double Distribution::sample(Rng& rng) const {
  double x = 0.0;
  switch (kind) {
    case Kind::fixed:
      x = p1;
      break;
    case Kind::uniform:
      x = p1 + (p2 - p1) * rng.uniform01();
      break;
    case Kind::normal:
      x = p1 + p2 * rng.standard_normal();
      break;
    case Kind::lognormal:
      x = std::exp(p1 + p2 * rng.standard_normal());
      break;
    case Kind::exponential:
      x = rng.exponential(p1);
      break;
    case Kind::empirical: {
      const double u = rng.uniform01();
      auto it = std::upper_bound(cumulative_weights.begin(), cumulative_weights.end(), u);
      std::size_t i = static_cast<std::size_t>(it - cumulative_weights.begin());
      x = values[std::min(i, values.size() - 1)];
      break;
    }
  }
  return std::clamp(x, lower, upper);
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::fixed:
      return p1;
    case Kind::uniform:
      return 0.5 * (p1 + p2);
    case Kind::normal:
      return p1;
    case Kind::lognormal:
      return std::exp(p1 + 0.5 * p2 * p2);
    case Kind::exponential:
      return p1;
    case Kind::empirical: {
      double m = 0.0, prev = 0.0;
      for (std::size_t i = 0; i < values.size(); ++i) {
        m += values[i] * (cumulative_weights[i] - prev);
        prev = cumulative_weights[i];
      }
      return m;
    }
  }
  return p1;
}

std::string Distribution::describe() const {
  switch (kind) {
    case Kind::fixed:
      return fmt::format("{:g}", p1);
    case Kind::uniform:
      return fmt::format("uniform[{:g}, {:g})", p1, p2);
    case Kind::normal:
      return fmt::format("normal(mean {:g}, sd {:g})", p1, p2);
    case Kind::lognormal:
      return fmt::format("lognormal(median {:g}, sigma {:g})", std::exp(p1), p2);
    case Kind::exponential:
      return fmt::format("exponential(mean {:g})", p1);
    case Kind::empirical:
      return fmt::format("empirical({} values, mean {:g})", values.size(), mean());
  }
  return "?";
}

}  // namespace fleetsim
