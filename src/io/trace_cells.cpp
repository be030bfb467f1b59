#include "trace_cells.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace fleetsim::trace_rows {
namespace {

std::optional<double> parse_double(std::string_view t) {
  t = trim(t);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic
// Gregorian date.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::string describe(const Cell& c) {
  std::string text;
  if (c.json != nullptr) {
    if (c.json->is_string()) return fmt::format("\"{}\"", c.json->get_ref<const std::string&>().substr(0, 40));
    text = c.json->dump();
  } else {
    if (trim(c.text).empty()) return "an empty cell";
    text = fmt::format("\"{}\"", trim(c.text));
  }
  return text.size() > 42 ? text.substr(0, 40) + "..." : text;
}

std::optional<double> number_of(const Cell& c) {
  if (c.json == nullptr) return parse_double(c.text);
  if (c.json->is_number()) {
    const double v = c.json->get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
  }
  if (c.json->is_string()) return parse_double(c.json->get_ref<const std::string&>());
  return std::nullopt;
}

std::optional<std::string> text_of(const Cell& c) {
  if (c.json == nullptr) return std::string(trim(c.text));
  if (c.json->is_string()) return c.json->get<std::string>();
  if (c.json->is_number_integer()) return c.json->dump();
  return std::nullopt;
}

std::optional<Instant> parse_datetime(std::string_view t) {
  t = trim(t);
  if (!t.empty() && t.back() == 'Z') t.remove_suffix(1);
  if (t.size() < 19) return std::nullopt;
  auto digits = [&](std::size_t at, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, s;
  if (!digits(0, 4, y) || t[4] != '-' || !digits(5, 2, mo) || t[7] != '-' || !digits(8, 2, d) ||
      (t[10] != ' ' && t[10] != 'T') || !digits(11, 2, h) || t[13] != ':' || !digits(14, 2, mi) || t[16] != ':' ||
      !digits(17, 2, s))
    return std::nullopt;
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[static_cast<std::size_t>(mo - 1)] || h > 23 || mi > 59 || s > 59)
    return std::nullopt;
  Instant at;
  at.whole = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + s;
  if (t.size() > 19) {
    if (t[19] != '.' || t.size() == 20) return std::nullopt;
    double scale = 0.1;
    for (std::size_t i = 20; i < t.size(); ++i, scale /= 10) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      at.fraction += (t[i] - '0') * scale;
    }
  }
  return at;
}

bool parse_hashes(const Cell& c, std::vector<std::uint64_t>& out) {
  if (c.json != nullptr && c.json->is_array()) {
    for (const Json& h : *c.json) {
      if (!h.is_number_unsigned()) return false;
      out.push_back(h.get<std::uint64_t>());
    }
    return true;
  }
  // In a CSV cell: integers separated by spaces, commas or semicolons, in
  // optional brackets ("[1, 2, 3]").
  std::string_view t = c.json != nullptr ? std::string_view() : c.text;
  if (c.json != nullptr) {
    if (!c.json->is_string()) return false;
    t = c.json->get_ref<const std::string&>();
  }
  t = trim(t);
  if (!t.empty() && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  std::size_t i = 0;
  while (i < t.size()) {
    if (t[i] == ' ' || t[i] == ',' || t[i] == ';' || t[i] == '\t') {
      ++i;
      continue;
    }
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(t.data() + i, t.data() + t.size(), v);
    if (ec != std::errc()) return false;
    out.push_back(v);
    i = static_cast<std::size_t>(end - t.data());
    if (i < t.size() && t[i] != ' ' && t[i] != ',' && t[i] != ';' && t[i] != '\t') return false;
  }
  return true;
}

}  // namespace fleetsim::trace_rows
