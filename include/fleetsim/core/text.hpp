// Small text helpers shared by the readers of scenario values, series and
// trace files, and the workflows' parsers.
#pragma once

#include <string_view>

namespace fleetsim {

// `s` without leading and trailing blanks: spaces, tabs, and the carriage
// returns a file written on Windows leaves at the end of each line.
constexpr std::string_view trim(std::string_view s) {
  constexpr std::string_view kBlanks = " \t\r";
  const std::size_t first = s.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlanks) - first + 1);
}

}  // namespace fleetsim
