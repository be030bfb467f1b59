#include "expectations_reader.hpp"
#include "fleetsim/io/scenario_keys.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace fleetsim {

std::optional<double> parse_tolerance(std::string_view text) {
  std::string s(text);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  const bool percent = !s.empty() && s.back() == '%';
  if (percent) s.pop_back();
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(x) || x < 0) return std::nullopt;
  return percent ? x / 100.0 : x;
}

namespace {

constexpr const char* kExpectHint =
    "e.g. expect: {fleet.cost_per_session_usd: {max: 0.004}, pools.gpu.utilization: {min: 0.3}}";

std::string origin_of(const YamlReader& reader, const YAML::Node& node) {
  const auto [line, column] = YamlReader::location(node);
  return line > 0 ? fmt::format("{}:{}:{}", reader.file(), line, column) : reader.file();
}

}  // namespace

std::vector<Expectation> read_expectations(YamlReader& r, const YAML::Node& map, const std::string& path) {
  std::vector<Expectation> expectations;
  if (!r.expect_map(map, path, kExpectHint)) return expectations;
  r.check_unique_keys(map, path);
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) continue;  // reported by check_unique_keys
    Expectation e;
    e.figure = kv.first.Scalar();
    e.origin = origin_of(r, kv.first);
    const std::string entry_path = child_path(path, e.figure);
    const YAML::Node bounds = kv.second;
    if (!r.expect_map(bounds, entry_path, "bounds are a map: {min: X}, {max: X}, {tolerance: 5%}")) continue;
    const std::size_t errors_before = r.error_count();
    r.check_keys(bounds, entry_path, scenario_keys("expect_bounds"));
    if (const YAML::Node n = YamlReader::get(bounds, "min")) e.min = r.number(n, child_path(entry_path, "min"));
    if (const YAML::Node n = YamlReader::get(bounds, "max")) e.max = r.number(n, child_path(entry_path, "max"));
    if (const YAML::Node n = YamlReader::get(bounds, "tolerance")) {
      const auto text = n.IsScalar() ? parse_tolerance(n.Scalar()) : std::nullopt;
      if (text)
        e.tolerance = text;
      else
        r.error(n, child_path(entry_path, "tolerance"),
                "expected a relative tolerance >= 0 such as 5% or 0.05, found " + YamlReader::describe(n));
    }
    if (r.error_count() != errors_before) continue;
    if (!e.min && !e.max && !e.tolerance) {
      r.error(bounds, entry_path, "an expectation needs min, max or tolerance", kExpectHint);
      continue;
    }
    if (e.min && e.max && *e.min > *e.max) {
      r.error(bounds, entry_path, fmt::format("min {:g} is above max {:g}: nothing could meet it", *e.min, *e.max));
      continue;
    }
    expectations.push_back(std::move(e));
  }
  return expectations;
}

}  // namespace fleetsim
