// What the request-trace tests share: where their small trace files are, and
// a trace reader's diagnostics as one text, to show or compare.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/core/diagnostics.hpp"

namespace fleetsim::testing {

inline const std::string kTraces = std::string(FLEETSIM_SOURCE_DIR) + "/tests/data/traces/";

inline std::string all(const std::vector<Diagnostic>& ds) {
  std::string text;
  for (const auto& d : ds) text += d.format() + "\n";
  return text;
}

}  // namespace fleetsim::testing
