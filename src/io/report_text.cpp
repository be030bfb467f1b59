#include "fleetsim/io/report_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fleetsim::report_text {
namespace {

constexpr std::string_view kNotAvailable = "n/a";

struct Unit {
  double factor;
  std::string_view symbol;
};

// Picks the largest unit the value reaches. The threshold sits just below each
// unit so that 999.7 ms (which would round to "1,000 ms") prints as "1.00 s".
template <std::size_t N>
std::string scaled(double x, const Unit (&units)[N], std::string_view separator = " ") {
  if (!std::isfinite(x)) return std::string(kNotAvailable);
  const Unit* chosen = &units[0];
  for (const Unit& u : units)
    if (std::fabs(x) >= u.factor * 0.9995) chosen = &u;
  return fmt::format("{}{}{}", sig(x / chosen->factor, 3), separator, chosen->symbol);
}

}  // namespace

std::string count(std::int64_t n) {
  // Through unsigned so that INT64_MIN has a magnitude.
  const std::uint64_t magnitude =
      n < 0 ? ~static_cast<std::uint64_t>(n) + 1 : static_cast<std::uint64_t>(n);
  const std::string digits = std::to_string(magnitude);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string grouped(double x, int decimals) {
  if (!std::isfinite(x)) return std::string(kNotAvailable);
  std::string text = fmt::format("{:.{}f}", std::fabs(x), std::max(decimals, 0));
  const std::size_t point = std::min(text.find('.'), text.size());
  for (std::size_t i = point; i > 3; i -= 3) text.insert(i - 3, 1, ',');
  // A value that rounds to zero prints without a sign ("-0.00" reads as a bug).
  const bool negative = x < 0 && text.find_first_not_of("0.,") != std::string::npos;
  return negative ? "-" + text : text;
}

std::string sig(double x, int significant) {
  if (!std::isfinite(x)) return std::string(kNotAvailable);
  if (x == 0.0) return "0";
  significant = std::max(significant, 1);
  int exponent = static_cast<int>(std::floor(std::log10(std::fabs(x))));
  // 9.996 at three digits rounds up to 10.0: one decimal fewer.
  const double rounded =
      std::round(std::fabs(x) / std::pow(10.0, exponent - significant + 1));
  if (rounded >= std::pow(10.0, significant)) ++exponent;
  return grouped(x, significant - 1 - exponent);
}

std::string usd(double x) {
  if (!std::isfinite(x)) return std::string(kNotAvailable);
  const double magnitude = std::fabs(x);
  std::string digits =
      (magnitude >= 0.9995 || magnitude == 0.0) ? grouped(magnitude, 2) : sig(magnitude, 3);
  const bool negative = x < 0 && digits.find_first_not_of("0.,") != std::string::npos;
  return (negative ? "-$" : "$") + digits;
}

std::string duration(double seconds) {
  static const Unit units[] = {{1e-6, "us"}, {1e-3, "ms"}, {1.0, "s"}};
  if (seconds == 0.0) return "0 s";
  return scaled(seconds, units);
}

std::string percent(double fraction, int decimals) {
  if (!std::isfinite(fraction)) return std::string(kNotAvailable);
  return fmt::format("{:.{}f}%", fraction * 100.0, std::max(decimals, 0));
}

std::string power(double watts) {
  static const Unit units[] = {{1.0, "W"}, {1e3, "kW"}, {1e6, "MW"}, {1e9, "GW"}};
  if (watts == 0.0) return "0 W";
  return scaled(watts, units);
}

std::string energy_j(double joules) {
  static const Unit units[] = {{1.0, "J"}, {1e3, "kJ"}, {1e6, "MJ"}, {1e9, "GJ"}};
  if (joules == 0.0) return "0 J";
  return scaled(joules, units);
}

std::string energy_kwh(double joules) {
  static const Unit units[] = {{3.6e6, "kWh"}, {3.6e9, "MWh"}, {3.6e12, "GWh"}};
  if (joules == 0.0) return "0 kWh";
  return scaled(joules, units);
}

std::string compact(double x) {
  if (!std::isfinite(x)) return std::string(kNotAvailable);
  static const Unit units[] = {{1.0, ""}, {1e3, "k"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}};
  return scaled(x, units, "");
}

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

void TextTable::add_row(std::vector<std::string> cells) {
  if (cells.size() > columns_.size())
    throw std::invalid_argument(fmt::format("TextTable row has {} cells for {} columns",
                                            cells.size(), columns_.size()));
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::render(std::string_view indent) const {
  std::vector<std::size_t> widths;
  for (const Column& c : columns_) widths.push_back(display_width(c.header));
  for (const auto& row : rows_)
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], display_width(row[i]));

  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    std::string line(indent);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      const std::string pad(widths[i] - display_width(cells[i]), ' ');
      line += columns_[i].align == Align::right ? pad + cells[i] : cells[i] + pad;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line;
    out += '\n';
  };

  std::vector<std::string> header, rule;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    header.push_back(columns_[i].header);
    rule.emplace_back(widths[i], '-');
  }
  emit(header);
  emit(rule);
  for (const auto& row : rows_) emit(row);
  return out;
}

}  // namespace fleetsim::report_text
