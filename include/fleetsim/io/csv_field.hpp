// One CSV cell, quoted when it must be: names come from the scenario and may
// hold anything, and a spreadsheet must still see one cell.
#pragma once

#include <string>
#include <string_view>

namespace fleetsim {

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
inline std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace fleetsim
