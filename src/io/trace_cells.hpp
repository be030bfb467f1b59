// One value of a request-trace row, a CSV cell or a JSON member, and what it
// reads as: a number, text, a date and time, a list of prefix hashes. Private
// to the trace reader (request_trace_reader.cpp, trace_builder.cpp).
#pragma once

#include "fleetsim/core/text.hpp"  // trim, for the readers that split cells
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetsim::trace_rows {

using Json = nlohmann::json;

// One value of a row: a CSV cell or a JSON member, and where it is.
struct Cell {
  bool present = false;
  int column = 0;            // 1-based byte column of the cell, or of the JSON key
  std::string_view text;     // a CSV cell's text
  const Json* json = nullptr;  // a JSON member, of any type
};

// What the row holds there, for messages: "\"abc\"", "an empty cell", a JSON value.
std::string describe(const Cell& c);

// A finite number (a JSON number, or text that is one); nullopt otherwise.
std::optional<double> number_of(const Cell& c);

// The cell's text, a JSON string, or a JSON whole number as written; nullopt otherwise.
std::optional<std::string> text_of(const Cell& c);

// A time as whole seconds and a fraction, so that datetimes (1.7e9 s since
// 1970) keep sub-microsecond differences.
struct Instant {
  std::int64_t whole = 0;
  double fraction = 0.0;
  bool operator<(const Instant& o) const { return whole != o.whole ? whole < o.whole : fraction < o.fraction; }
  double minus(const Instant& o) const { return static_cast<double>(whole - o.whole) + (fraction - o.fraction); }
};

// "YYYY-MM-DD HH:MM:SS[.fraction]", with 'T' allowed for the space and a
// trailing 'Z' ignored.
std::optional<Instant> parse_datetime(std::string_view t);

// Appends the cell's prefix hashes to `out`: a JSON list of whole numbers, or
// (in a CSV cell or a JSON string) integers separated by spaces, commas or
// semicolons in optional brackets. False if anything else is there.
bool parse_hashes(const Cell& c, std::vector<std::uint64_t>& out);

}  // namespace fleetsim::trace_rows
