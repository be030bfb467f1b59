// Human-readable quantities in scenario files ("250ms", "3.35TB/s", "80GiB").
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fleetsim {

// Hours in a year of 365.25 days: what a yearly payment or a life in years is
// spread over (owned nodes' annuities, embodied carbon).
inline constexpr double kHoursPerYear = 8766.0;
inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kJoulesPerKwh = 3.6e6;

enum class Dimension {
  dimensionless,  // plain number
  duration,       // -> seconds:   ns us ms s min (or m) h d
  bytes,          // -> bytes:     B KB MB GB TB PB (10^3) KiB MiB GiB TiB PiB (2^10)
  bandwidth,      // -> bytes/s:   any byte unit followed by /s
  power,          // -> watts:     W kW MW
  rate,           // -> per second: N/s N/min N/h N/d
  flops,          // -> FLOP/s:    FLOPS, GFLOPS, TFLOPS, PFLOPS, TOPS (int ops count the same)
  frequency,      // -> hertz:     Hz kHz MHz GHz
};

std::string_view to_string(Dimension d);

// The units a dimension accepts, for messages: "ns, us, ms, s, min, h, d".
std::string_view accepted_units(Dimension d);

// Every unit symbol the parser accepts for a dimension ("ms", "µs", "GiB/s"),
// for the scenario JSON Schema's patterns; none for a plain number.
std::vector<std::string> unit_symbols(Dimension d);

// The value in SI base units, or a message saying what was expected.
// A number and its unit may be separated by at most one space. A plain number
// is accepted only for dimensionless quantities and for zero.
std::variant<double, std::string> parse_quantity(std::string_view text, Dimension dimension);

// Large counts such as model parameters: "8.03e9", "8.03B", "405M", "1.2T".
std::variant<double, std::string> parse_count(std::string_view text);

// Formats a value in base units with a readable unit, e.g. 3.35e12 B/s -> "3.35 TB/s".
std::string format_quantity(double value, Dimension dimension);

}  // namespace fleetsim
