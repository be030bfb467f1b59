#include "arrivals_reader.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "fleetsim/core/arrival_pattern.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

// The `process:` keywords the registry knows (a trace has none).
Choices<ArrivalProcess::Kind> process_choices() {
  Choices<ArrivalProcess::Kind> out;
  for (const ArrivalPatternInfo& p : arrival_patterns())
    if (!p.name.empty()) out.emplace_back(std::string(p.name), p.kind);
  return out;
}

// Every key some process takes: the accepted set while the process is unknown.
std::vector<std::string> all_keys() {
  std::vector<std::string> out = {"process"};
  for (const ArrivalPatternInfo& p : arrival_patterns())
    for (const std::string_view key : p.keys)
      if (std::find(out.begin(), out.end(), key) == out.end()) out.emplace_back(key);
  return out;
}

void read_pieces(YamlReader& r, const YAML::Node& map, const std::string& path, ArrivalProcess& a) {
  const YAML::Node pieces = r.require(map, path, "pieces", "e.g. pieces: [{at: 0s, rate: 1/s}, {at: 10min, rate: 3/s}]");
  const std::string pieces_path = child_path(path, "pieces");
  if (!pieces.IsDefined() || !r.expect_items(pieces, pieces_path, "piece")) return;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const YAML::Node piece = pieces[i];
    const std::string piece_path = index_path(pieces_path, i);
    if (!r.expect_map(piece, piece_path, "each piece is {at: TIME, rate: RATE}")) continue;
    check_scenario_keys(r, piece, piece_path, "piece");
    const YAML::Node at = r.require(piece, piece_path, "at");
    const YAML::Node rate = r.require(piece, piece_path, "rate");
    std::optional<double> start, per_s;
    if (at) start = r.quantity(at, child_path(piece_path, "at"), Dimension::duration, at_least(0));
    if (rate) per_s = r.quantity(rate, child_path(piece_path, "rate"), Dimension::rate, at_least(0));
    if (!start || !per_s) continue;
    if (a.pieces.empty() && i == 0 && *start != 0.0) {
      r.error(at, child_path(piece_path, "at"),
              fmt::format("expected the first piece to start at 0s, found {}", YamlReader::describe(at)),
              "the rate before the first piece would be undefined");
    } else if (!a.pieces.empty() && *start <= a.pieces.back().start_s) {
      r.error(at, child_path(piece_path, "at"),
              fmt::format("expected a time after the previous piece's ({}), found {}",
                          format_quantity(a.pieces.back().start_s, Dimension::duration), YamlReader::describe(at)),
              "list pieces in ascending order of `at`");
    }
    a.pieces.push_back({*start, *per_s});
  }
}

// Seven relative day rates, scaled to a mean of 1 so that `rate` stays the mean.
void read_weekly(YamlReader& r, const YAML::Node& node, const std::string& path, ArrivalProcess& a) {
  constexpr std::string_view hint = "seven relative day rates from the day the run starts, e.g. [1, 1, 1, 1, 1, 0.4, 0.3]";
  if (!r.expect_list(node, path, hint)) return;
  if (node.size() != 7) {
    r.error(node, path, fmt::format("expected 7 day rates, found {}", node.size()), std::string(hint));
    return;
  }
  std::vector<double> days;
  for (std::size_t i = 0; i < node.size(); ++i)
    if (auto v = r.number(node[i], index_path(path, i), at_least(0))) days.push_back(*v);
  if (days.size() != 7) return;
  double sum = 0.0;
  for (double d : days) sum += d;
  if (sum <= 0.0) {
    r.error(node, path, "expected at least one day with a rate above 0, found all 0", std::string(hint));
    return;
  }
  for (double& d : days) d *= 7.0 / sum;
  a.weekly = std::move(days);
}

}  // namespace

std::optional<ArrivalProcess> read_arrivals(YamlReader& r, const YAML::Node& node, const std::string& path) {
  if (!r.expect_map(node, path, "e.g. arrivals: {process: poisson, rate: 2/s}")) return std::nullopt;
  const std::size_t errors_before = r.error_count();
  ArrivalProcess a;
  std::optional<ArrivalProcess::Kind> kind = ArrivalProcess::Kind::poisson;
  if (const YAML::Node p = YamlReader::get(node, "process"))
    kind = r.choice(p, child_path(path, "process"), process_choices(), "arrival process");
  if (!kind) {
    r.check_keys(node, path, all_keys());
    return std::nullopt;
  }
  const ArrivalPatternInfo& info = arrival_pattern_info(*kind);
  std::vector<std::string> keys = {"process"};
  for (const std::string_view key : info.keys) keys.emplace_back(key);
  r.check_keys(node, path, keys);
  a.kind = *kind;

  // Each key a process may take, read the same way whichever process takes it.
  auto read = [&](std::string_view key, bool required) {
    if (key == "pieces") return read_pieces(r, node, path, a);  // required, with its own hint
    const std::string name(key);
    const YAML::Node n = required ? r.require(node, path, name.c_str()) : YamlReader::get(node, name);
    if (!n.IsDefined()) return;
    const std::string key_path = child_path(path, name);
    auto quantity = [&](Dimension dimension, Bounds bounds, double& target) {
      if (auto v = r.quantity(n, key_path, dimension, bounds)) target = *v;
    };
    if (key == "rate") quantity(Dimension::rate, at_least(0), a.rate_per_s);
    else if (key == "amplitude") quantity(Dimension::dimensionless, in_range(0, 1), a.amplitude);
    else if (key == "period") quantity(Dimension::duration, greater_than(0), a.period_s);
    else if (key == "peak_at") quantity(Dimension::duration, at_least(0), a.peak_s);
    // Above 10x a week the rate passes any fleet within a few weeks: a slip for a percentage.
    else if (key == "growth_per_week") quantity(Dimension::dimensionless, in_range(-1, 10, true), a.growth_per_week);
    else if (key == "weekly") read_weekly(r, n, key_path, a);
    else throw std::logic_error("arrival key without a reader: " + name);
  };
  for (const std::string_view key : info.keys)
    read(key, std::find(info.required.begin(), info.required.end(), key) != info.required.end());
  if (r.error_count() != errors_before) return std::nullopt;
  return a;
}

}  // namespace fleetsim
