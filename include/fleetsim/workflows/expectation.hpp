// One bound on a report figure, as a scenario's `expect:` section or an
// expectations file states it. The workflows read these (expectations_reader.cpp,
// handed the section by the loader); checking them is expectations.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleetsim {

struct Expectation {
  std::string figure;
  std::optional<double> min;
  std::optional<double> max;
  // Largest relative change allowed from a baseline report's value (0.05: 5%).
  std::optional<double> tolerance;
  std::string origin;  // where it was written ("ci.yaml:12:3"), or "--baseline"
};

// "5%" -> 0.05, "0.05" -> 0.05; nullopt for anything else or a negative value
// (an expectation's tolerance, or --tolerance).
std::optional<double> parse_tolerance(std::string_view text);

}  // namespace fleetsim
