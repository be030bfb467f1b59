// Human-facing number formatting and column alignment, shared by the terminal
// report, the catalog listing and the workflows' tables.
//
// Every formatter prints "n/a" for NaN and infinities: a run with no completed
// sessions legitimately has no cost per session, and the table must still print.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim::report_text {

// 1234567 -> "1,234,567".
std::string count(std::int64_t n);
// Fixed decimals with thousands separators: (1234.5, 2) -> "1,234.50".
std::string grouped(double x, int decimals);
// `significant` digits without an exponent: (0.012345, 3) -> "0.0123", (1234.5, 3) -> "1,235".
std::string sig(double x, int significant = 3);

// Dollars: two decimals from $1 up ("$1,234.56"); below $1, three significant
// digits so that per-call costs stay visible ("$0.0123", "$0.000456").
std::string usd(double x);
// Seconds, in us / ms / s as fits: "850 us", "12.3 ms", "1.23 s", "3,600 s".
std::string duration(double seconds);
// A fraction as a percentage: (0.9712, 1) -> "97.1%".
std::string percent(double fraction, int decimals = 1);
// Watts, in W / kW / MW as fits, three significant digits.
std::string power(double watts);
// Joules, in J / kJ / MJ / GJ as fits, three significant digits.
std::string energy_j(double joules);
// Joules shown as kWh (MWh from 1000 kWh up), three significant digits.
std::string energy_kwh(double joules);
// Large quantities with a suffix: 45600000 -> "45.6M" (k, M, B, T).
std::string compact(double x);

// Display width in terminal columns, counting UTF-8 code points, so that
// non-ASCII names do not shift the columns after them.
std::size_t display_width(std::string_view text);

// A table with a header row, a dashed rule under it, and columns padded to the
// widest cell. Cells are preformatted strings.
class TextTable {
 public:
  enum class Align { left, right };
  struct Column {
    std::string header;
    Align align = Align::right;
  };

  explicit TextTable(std::vector<Column> columns);
  // Missing trailing cells print empty; extra cells are an error (std::invalid_argument).
  void add_row(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  // Each line starts with `indent` and ends with '\n'; no trailing spaces.
  std::string render(std::string_view indent) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace fleetsim::report_text
