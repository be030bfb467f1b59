#include "fleetsim/core/units.hpp"
#include "fleetsim/core/text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace fleetsim {
namespace {

struct Unit {
  std::string symbol;
  double factor;  // base units per one of this unit
};

constexpr std::array<Dimension, 8> kAllDimensions = {
    Dimension::dimensionless, Dimension::duration, Dimension::bytes, Dimension::bandwidth,
    Dimension::power,         Dimension::rate,     Dimension::flops, Dimension::frequency};

const std::vector<Unit>& byte_units() {
  static const std::vector<Unit> units = {
      {"B", 1.0},     {"KB", 1e3},   {"kB", 1e3},   {"MB", 1e6},   {"GB", 1e9},
      {"TB", 1e12},   {"PB", 1e15},  {"KiB", 0x1p10}, {"MiB", 0x1p20}, {"GiB", 0x1p30},
      {"TiB", 0x1p40}, {"PiB", 0x1p50}};
  return units;
}

std::vector<Unit> make_bandwidth_units() {
  std::vector<Unit> units;
  for (const Unit& u : byte_units()) units.push_back({u.symbol + "/s", u.factor});
  // Network links are quoted in bits per second (AWS: "50 Gbps").
  static const std::array<std::pair<const char*, double>, 5> prefixes = {
      {{"", 1.0}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}}};
  for (const auto& [prefix, factor] : prefixes) {
    units.push_back({std::string(prefix) + "bps", factor / 8});
    units.push_back({std::string(prefix) + "bit/s", factor / 8});
  }
  return units;
}

std::vector<Unit> make_flops_units() {
  // Integer ops count like FLOPs: the performance model only needs "ops per second".
  static const std::array<std::pair<const char*, double>, 6> prefixes = {
      {{"", 1.0}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}}};
  std::vector<Unit> units;
  for (const char* base : {"FLOPS", "FLOP/s", "OPS", "OP/s"})
    for (const auto& [prefix, factor] : prefixes) units.push_back({std::string(prefix) + base, factor});
  return units;
}

// Every unit a dimension accepts when parsing.
const std::vector<Unit>& units_of(Dimension d) {
  static const std::vector<Unit> none;
  static const std::vector<Unit> duration = {{"ns", 1e-9}, {"us", 1e-6}, {"\u00b5s", 1e-6}, {"ms", 1e-3},
                                             {"s", 1.0},   {"m", 60.0},  {"min", 60.0},      {"h", 3600.0},
                                             {"d", 86400.0}};
  static const std::vector<Unit> bandwidth = make_bandwidth_units();
  static const std::vector<Unit> power = {{"W", 1.0}, {"kW", 1e3}, {"MW", 1e6}};
  static const std::vector<Unit> rate = {
      {"/s", 1.0}, {"/m", 1.0 / 60}, {"/min", 1.0 / 60}, {"/h", 1.0 / 3600}, {"/d", 1.0 / 86400}};
  static const std::vector<Unit> flops = make_flops_units();
  static const std::vector<Unit> frequency = {{"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}};
  switch (d) {
    case Dimension::dimensionless: return none;
    case Dimension::duration: return duration;
    case Dimension::bytes: return byte_units();
    case Dimension::bandwidth: return bandwidth;
    case Dimension::power: return power;
    case Dimension::rate: return rate;
    case Dimension::flops: return flops;
    case Dimension::frequency: return frequency;
  }
  return none;
}

// The units format_quantity picks from, ascending.
const std::vector<Unit>& display_units_of(Dimension d) {
  static const std::vector<Unit> none = {{"", 1.0}};
  static const std::vector<Unit> duration = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0},
                                             {"min", 60.0}, {"h", 3600.0}, {"d", 86400.0}};
  static const std::vector<Unit> bytes = {{"B", 1.0}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
                                          {"PB", 1e15}};
  static const std::vector<Unit> bandwidth = {{"B/s", 1.0},   {"KB/s", 1e3},  {"MB/s", 1e6},
                                              {"GB/s", 1e9},  {"TB/s", 1e12}, {"PB/s", 1e15}};
  static const std::vector<Unit> power = {{"W", 1.0}, {"kW", 1e3}, {"MW", 1e6}};
  static const std::vector<Unit> rate = {{"/h", 1.0 / 3600}, {"/min", 1.0 / 60}, {"/s", 1.0}};
  static const std::vector<Unit> flops = {{"FLOPS", 1.0},   {"KFLOPS", 1e3},  {"MFLOPS", 1e6},
                                          {"GFLOPS", 1e9},  {"TFLOPS", 1e12}, {"PFLOPS", 1e15}};
  static const std::vector<Unit> frequency = {{"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}};
  switch (d) {
    case Dimension::dimensionless: return none;
    case Dimension::duration: return duration;
    case Dimension::bytes: return bytes;
    case Dimension::bandwidth: return bandwidth;
    case Dimension::power: return power;
    case Dimension::rate: return rate;
    case Dimension::flops: return flops;
    case Dimension::frequency: return frequency;
  }
  return none;
}

// A unit that makes a good example next to the user's own number.
std::string_view example_unit(Dimension d) {
  switch (d) {
    case Dimension::dimensionless: return "";
    case Dimension::duration: return "s";
    case Dimension::bytes: return "GB";
    case Dimension::bandwidth: return "GB/s";
    case Dimension::power: return "W";
    case Dimension::rate: return "/s";
    case Dimension::flops: return "TFLOPS";
    case Dimension::frequency: return "GHz";
  }
  return "";
}

std::string_view with_article(Dimension d) {
  switch (d) {
    case Dimension::dimensionless: return "a number";
    case Dimension::duration: return "a duration";
    case Dimension::bytes: return "a byte size";
    case Dimension::bandwidth: return "a bandwidth";
    case Dimension::power: return "a power";
    case Dimension::rate: return "a rate";
    case Dimension::flops: return "a compute throughput";
    case Dimension::frequency: return "a frequency";
  }
  return "a value";
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

struct NumberAndUnit {
  double number = 0.0;
  std::string_view unit;
  std::string error;  // empty when the split worked
};

NumberAndUnit split_number(std::string_view text) {
  NumberAndUnit out;
  text = trim(text);
  if (text.empty()) {
    out.error = "the value is empty";
    return out;
  }
  // from_chars rejects a leading '+', which people write for clarity.
  std::string_view digits = text;
  if (digits.size() > 1 && digits.front() == '+' && digits[1] != '-' && digits[1] != '+') digits.remove_prefix(1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.number);
  if (ec != std::errc()) {
    out.error = ec == std::errc::result_out_of_range ? fmt::format("\"{}\" is out of range", text)
                                                     : fmt::format("\"{}\" does not start with a number", text);
    return out;
  }
  if (!std::isfinite(out.number)) {
    out.error = fmt::format("\"{}\" is not a finite number", text);
    return out;
  }
  std::string_view rest(end, static_cast<std::size_t>(digits.data() + digits.size() - end));
  if (!rest.empty() && is_space(rest.front())) {
    rest.remove_prefix(1);
    if (!rest.empty() && is_space(rest.front())) {
      out.error = "put at most one space between the number and its unit";
      return out;
    }
  }
  out.unit = rest;
  return out;
}

std::string unknown_unit_message(std::string_view unit, Dimension d) {
  for (const Unit& u : units_of(d))
    if (equal_ignoring_case(u.symbol, unit))
      return fmt::format("unknown {} unit \"{}\" (did you mean \"{}\"?); units: {}", to_string(d), unit, u.symbol,
                         accepted_units(d));
  for (Dimension other : kAllDimensions) {
    if (other == d) continue;
    for (const Unit& u : units_of(other))
      if (u.symbol == unit)
        return fmt::format("\"{}\" is a {} unit, but {} is expected here; units: {}", unit, to_string(other),
                           to_string(d), accepted_units(d));
  }
  return fmt::format("unknown {} unit \"{}\"; units: {}", to_string(d), unit, accepted_units(d));
}

// A number times its unit can overflow ("1e308TB/s"): such a value is refused
// like a literal infinity, not carried into the model.
std::variant<double, std::string> finite_or_reason(double value, std::string_view text) {
  if (std::isfinite(value)) return value;
  return fmt::format("\"{}\" is out of range: it overflows once converted to base units", trim(text));
}

}  // namespace

std::string_view to_string(Dimension d) {
  return with_article(d).substr(2);
}

std::string_view accepted_units(Dimension d) {
  switch (d) {
    case Dimension::dimensionless: return "none (a plain number)";
    case Dimension::duration: return "ns, us, ms, s, min (or m), h, d";
    case Dimension::bytes: return "B, KB, MB, GB, TB, PB (powers of 1000), KiB, MiB, GiB, TiB, PiB (powers of 1024)";
    case Dimension::bandwidth: return "a byte unit followed by /s, e.g. GB/s, TB/s, GiB/s, or bits: Gbps, Gbit/s";
    case Dimension::power: return "W, kW, MW";
    case Dimension::rate: return "/s, /min (or /m), /h, /d";
    case Dimension::flops: return "FLOPS, GFLOPS, TFLOPS, PFLOPS, TOPS (also written TFLOP/s)";
    case Dimension::frequency: return "Hz, kHz, MHz, GHz";
  }
  return "";
}

std::vector<std::string> unit_symbols(Dimension d) {
  std::vector<std::string> out;
  for (const Unit& u : units_of(d)) out.push_back(u.symbol);
  return out;
}

std::variant<double, std::string> parse_quantity(std::string_view text, Dimension dimension) {
  const NumberAndUnit split = split_number(text);
  if (!split.error.empty()) {
    if (dimension == Dimension::dimensionless) return split.error;
    return fmt::format("{}; expected {} such as \"2{}\"", split.error, with_article(dimension),
                       example_unit(dimension));
  }
  if (split.unit.empty()) {
    if (dimension == Dimension::dimensionless || split.number == 0.0) return split.number;
    return fmt::format("{} needs a unit, e.g. \"{:g}{}\"; units: {}", with_article(dimension), split.number,
                       example_unit(dimension), accepted_units(dimension));
  }
  if (dimension == Dimension::dimensionless)
    return fmt::format("expected a plain number, but \"{}\" has a unit (\"{}\")", trim(text), split.unit);
  for (const Unit& u : units_of(dimension))
    if (u.symbol == split.unit) return finite_or_reason(split.number * u.factor, text);
  return unknown_unit_message(split.unit, dimension);
}

std::variant<double, std::string> parse_count(std::string_view text) {
  const NumberAndUnit split = split_number(text);
  if (!split.error.empty()) return split.error;
  static const std::array<std::pair<std::string_view, double>, 6> suffixes = {
      {{"", 1.0}, {"K", 1e3}, {"M", 1e6}, {"B", 1e9}, {"G", 1e9}, {"T", 1e12}}};
  for (const auto& [suffix, factor] : suffixes)
    if (split.unit == suffix) return finite_or_reason(split.number * factor, text);
  return fmt::format("unknown count suffix \"{}\"; write a plain number (8.03e9) or use K, M, B (billions), T",
                     split.unit);
}

std::string format_quantity(double value, Dimension dimension) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  const auto& units = display_units_of(dimension);
  const double magnitude = std::fabs(value);
  auto pick = [&](const std::vector<Unit>& candidates) {
    const Unit* best = &candidates.front();
    for (const Unit& u : candidates) {
      if (magnitude >= u.factor * (1 - 1e-12)) best = &u;
      if (magnitude == 0.0 && u.factor == 1.0) return &u;  // "0 s", not "0 ns"
    }
    return best;
  };
  const Unit* unit = pick(units);
  if (dimension == Dimension::bytes && magnitude > 0) {
    // 2 GiB reads better than "2.147 GB"; 80 GB better than "74.51 GiB".
    static const std::vector<Unit> binary = {{"B", 1.0},      {"KiB", 0x1p10}, {"MiB", 0x1p20},
                                             {"GiB", 0x1p30}, {"TiB", 0x1p40}, {"PiB", 0x1p50}};
    const Unit* b = pick(binary);
    const double decimal_count = magnitude / unit->factor, binary_count = magnitude / b->factor;
    if (binary_count == std::floor(binary_count) && decimal_count != std::floor(decimal_count)) unit = b;
  }
  const double scaled = value / unit->factor;
  if (unit->symbol.empty()) return fmt::format("{:.4g}", scaled);
  if (unit->symbol.front() == '/') return fmt::format("{:.4g}{}", scaled, unit->symbol);
  return fmt::format("{:.4g} {}", scaled, unit->symbol);
}

}  // namespace fleetsim
