#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <variant>

#include "fleetsim/core/units.hpp"

using fleetsim::Dimension;
using fleetsim::format_quantity;
using fleetsim::parse_count;
using fleetsim::parse_quantity;

namespace {

double value_of(std::string_view text, Dimension d) {
  auto parsed = parse_quantity(text, d);
  INFO("parsing \"" << text << "\"");
  if (auto* error = std::get_if<std::string>(&parsed)) FAIL("unexpected error: " << *error);
  return std::get<double>(parsed);
}

std::string error_of(std::string_view text, Dimension d) {
  auto parsed = parse_quantity(text, d);
  INFO("parsing \"" << text << "\"");
  REQUIRE(std::holds_alternative<std::string>(parsed));
  return std::get<std::string>(parsed);
}

using Catch::Matchers::Contains;

}  // namespace

TEST_CASE("Durations parse into seconds", "[units]") {
  CHECK(value_of("250ms", Dimension::duration) == Approx(0.25));
  CHECK(value_of("2s", Dimension::duration) == 2.0);
  CHECK(value_of("1.5min", Dimension::duration) == Approx(90.0));
  CHECK(value_of("5m", Dimension::duration) == Approx(300.0));
  CHECK(value_of("1h", Dimension::duration) == 3600.0);
  CHECK(value_of("1d", Dimension::duration) == 86400.0);
  CHECK(value_of("5us", Dimension::duration) == Approx(5e-6));
  CHECK(value_of("10ns", Dimension::duration) == Approx(1e-8));
  CHECK(value_of("2 s", Dimension::duration) == 2.0);
  CHECK(value_of("  30s ", Dimension::duration) == 30.0);
  CHECK(value_of("1e-3s", Dimension::duration) == Approx(1e-3));
  CHECK(value_of("+2s", Dimension::duration) == 2.0);
  // Sign and range are the validator's business.
  CHECK(value_of("-3s", Dimension::duration) == -3.0);
}

TEST_CASE("Byte sizes distinguish decimal and binary prefixes", "[units]") {
  CHECK(value_of("80GB", Dimension::bytes) == 80e9);
  CHECK(value_of("80GiB", Dimension::bytes) == 80.0 * 1024 * 1024 * 1024);
  CHECK(value_of("512MiB", Dimension::bytes) == 512.0 * 1024 * 1024);
  CHECK(value_of("1TB", Dimension::bytes) == 1e12);
  CHECK(value_of("4KB", Dimension::bytes) == 4000.0);
  CHECK(value_of("4KiB", Dimension::bytes) == 4096.0);
  CHECK(value_of("100 B", Dimension::bytes) == 100.0);
}

TEST_CASE("Bandwidth, power, rate, flops and frequency parse into SI units", "[units]") {
  CHECK(value_of("3.35TB/s", Dimension::bandwidth) == Approx(3.35e12));
  CHECK(value_of("820GiB/s", Dimension::bandwidth) == Approx(820.0 * 1024 * 1024 * 1024));
  CHECK(value_of("600GB/s", Dimension::bandwidth) == Approx(600e9));
  // Network links in bits per second: 8 bits to the byte.
  CHECK(value_of("50Gbps", Dimension::bandwidth) == Approx(6.25e9));
  CHECK(value_of("400Gbit/s", Dimension::bandwidth) == Approx(50e9));
  CHECK(value_of("3.2Tbps", Dimension::bandwidth) == Approx(400e9));
  CHECK(value_of("800Mbps", Dimension::bandwidth) == Approx(100e6));
  CHECK(value_of("8bps", Dimension::bandwidth) == Approx(1.0));

  CHECK(value_of("700W", Dimension::power) == 700.0);
  CHECK(value_of("1.2kW", Dimension::power) == Approx(1200.0));
  CHECK(value_of("2MW", Dimension::power) == Approx(2e6));

  CHECK(value_of("5/s", Dimension::rate) == 5.0);
  CHECK(value_of("300/min", Dimension::rate) == Approx(5.0));
  CHECK(value_of("5/min", Dimension::rate) == Approx(5.0 / 60));
  CHECK(value_of("1000/h", Dimension::rate) == Approx(1000.0 / 3600));
  CHECK(value_of("24/d", Dimension::rate) == Approx(24.0 / 86400));

  CHECK(value_of("989TFLOPS", Dimension::flops) == Approx(989e12));
  CHECK(value_of("1.98PFLOPS", Dimension::flops) == Approx(1.98e15));
  CHECK(value_of("42TOPS", Dimension::flops) == Approx(42e12));
  CHECK(value_of("500GFLOPS", Dimension::flops) == Approx(500e9));
  CHECK(value_of("989TFLOP/s", Dimension::flops) == Approx(989e12));

  CHECK(value_of("2.7GHz", Dimension::frequency) == Approx(2.7e9));
  CHECK(value_of("800MHz", Dimension::frequency) == Approx(800e6));
}

TEST_CASE("Dimensionless values are plain numbers, including scientific notation", "[units]") {
  CHECK(value_of("8.03e9", Dimension::dimensionless) == Approx(8.03e9));
  CHECK(value_of("42", Dimension::dimensionless) == 42.0);
  CHECK(value_of("0.5", Dimension::dimensionless) == 0.5);
  CHECK(value_of("-1", Dimension::dimensionless) == -1.0);
  CHECK_THAT(error_of("5s", Dimension::dimensionless), Contains("plain number") && Contains("\"s\""));
}

TEST_CASE("A plain number for a dimensioned quantity is an error that shows the units", "[units]") {
  const std::string e = error_of("60", Dimension::duration);
  CHECK_THAT(e, Contains("needs a unit"));
  CHECK_THAT(e, Contains("\"60s\""));
  CHECK_THAT(e, Contains("ms"));
  CHECK_THAT(e, Contains("min"));
  CHECK_THAT(error_of("80", Dimension::bytes), Contains("GiB"));
  CHECK_THAT(error_of("2", Dimension::rate), Contains("/min"));
  CHECK_THAT(error_of("700", Dimension::power), Contains("kW"));
  CHECK_THAT(error_of("989", Dimension::flops), Contains("TFLOPS"));
  CHECK_THAT(error_of("2.7", Dimension::frequency), Contains("GHz"));
  CHECK_THAT(error_of("3", Dimension::bandwidth), Contains("/s"));

  // Zero is zero in any unit.
  CHECK(value_of("0", Dimension::duration) == 0.0);
  CHECK(value_of("0", Dimension::bytes) == 0.0);
  CHECK(value_of("0.0", Dimension::power) == 0.0);
}

TEST_CASE("Unknown units, wrong dimensions and garbage are explained", "[units]") {
  CHECK_THAT(error_of("5 parsecs", Dimension::duration), Contains("unknown duration unit \"parsecs\""));
  CHECK_THAT(error_of("80gb", Dimension::bytes), Contains("did you mean \"GB\"?"));
  CHECK_THAT(error_of("1.2kw", Dimension::power), Contains("did you mean \"kW\"?"));
  CHECK_THAT(error_of("80GB", Dimension::duration), Contains("byte size unit") && Contains("duration is expected"));
  CHECK_THAT(error_of("fast", Dimension::duration), Contains("does not start with a number"));
  CHECK_THAT(error_of("", Dimension::duration), Contains("empty"));
  CHECK_THAT(error_of("2  s", Dimension::duration), Contains("one space"));
  CHECK_THAT(error_of("inf", Dimension::duration), Contains("finite"));
  CHECK_THAT(error_of("nan", Dimension::dimensionless), Contains("finite"));
  CHECK_THAT(error_of("1e400", Dimension::dimensionless), Contains("out of range"));
  CHECK_THAT(error_of("3.35TB", Dimension::bandwidth), Contains("byte size unit"));
}

TEST_CASE("Parameter counts accept suffixes", "[units]") {
  auto count = [](std::string_view text) {
    auto parsed = parse_count(text);
    REQUIRE(std::holds_alternative<double>(parsed));
    return std::get<double>(parsed);
  };
  CHECK(count("8.03e9") == Approx(8.03e9));
  CHECK(count("8.03B") == Approx(8.03e9));
  CHECK(count("70.6B") == Approx(70.6e9));
  CHECK(count("405M") == Approx(405e6));
  CHECK(count("1.2T") == Approx(1.2e12));
  CHECK(count("12") == 12.0);
  auto bad = parse_count("8x");
  REQUIRE(std::holds_alternative<std::string>(bad));
  CHECK_THAT(std::get<std::string>(bad), Contains("\"x\"") && Contains("B (billions)"));
}

TEST_CASE("format_quantity picks a readable unit", "[units]") {
  CHECK(format_quantity(3.35e12, Dimension::bandwidth) == "3.35 TB/s");
  CHECK(format_quantity(80e9, Dimension::bytes) == "80 GB");
  CHECK(format_quantity(2.0 * 1024 * 1024 * 1024, Dimension::bytes) == "2 GiB");
  CHECK(format_quantity(0.25, Dimension::duration) == "250 ms");
  CHECK(format_quantity(90, Dimension::duration) == "1.5 min");
  CHECK(format_quantity(5e-6, Dimension::duration) == "5 us");
  CHECK(format_quantity(7200, Dimension::duration) == "2 h");
  CHECK(format_quantity(989e12, Dimension::flops) == "989 TFLOPS");
  CHECK(format_quantity(5, Dimension::rate) == "5/s");
  CHECK(format_quantity(0.05, Dimension::rate) == "3/min");
  CHECK(format_quantity(1200, Dimension::power) == "1.2 kW");
  CHECK(format_quantity(2.7e9, Dimension::frequency) == "2.7 GHz");
  CHECK(format_quantity(0, Dimension::duration) == "0 s");
  CHECK(format_quantity(-2, Dimension::duration) == "-2 s");
  CHECK(format_quantity(0.5, Dimension::dimensionless) == "0.5");
}

TEST_CASE("Formatted quantities parse back to the same value", "[units]") {
  const std::pair<double, Dimension> cases[] = {
      {3.35e12, Dimension::bandwidth}, {80e9, Dimension::bytes},    {0.25, Dimension::duration},
      {90, Dimension::duration},        {989e12, Dimension::flops}, {5, Dimension::rate},
      {1200, Dimension::power},         {2.7e9, Dimension::frequency}};
  for (const auto& [value, dimension] : cases) {
    const std::string text = format_quantity(value, dimension);
    INFO(text);
    CHECK(value_of(text, dimension) == Approx(value));
  }
}
