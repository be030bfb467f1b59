// Figures written to JSON (reports, the catalog, the workflows' outputs): a
// figure that is not a finite number (no session completed, an unbounded
// queue) is written as null, which every JSON reader takes for "no value";
// NaN and infinities are not JSON.
#pragma once

#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

namespace fleetsim::json_numbers {

inline nlohmann::ordered_json number_or_null(double x) {
  return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}

inline nlohmann::ordered_json number_or_null(const std::optional<double>& x) {
  return x ? number_or_null(*x) : nlohmann::ordered_json(nullptr);
}

}  // namespace fleetsim::json_numbers
