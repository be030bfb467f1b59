#include "arrivals_reader.hpp"

#include <fmt/format.h>

namespace fleetsim {
namespace {

using Kind = ArrivalProcess::Kind;

const Choices<Kind> kProcesses = {
    {"poisson", Kind::poisson}, {"constant", Kind::constant}, {"piecewise", Kind::piecewise}, {"diurnal", Kind::diurnal}};

std::vector<std::string> keys_of(std::optional<Kind> kind) {
  if (!kind) return {"process", "rate", "pieces", "amplitude", "period", "peak_at", "weekly", "growth_per_week"};
  switch (*kind) {
    case Kind::poisson:
    case Kind::constant: return {"process", "rate"};
    case Kind::piecewise: return {"process", "pieces"};
    case Kind::diurnal: return {"process", "rate", "amplitude", "period", "peak_at", "weekly", "growth_per_week"};
    case Kind::trace: break;  // a workload's `trace:`, never a `process:`
  }
  return {};
}

void read_pieces(YamlReader& r, const YAML::Node& map, const std::string& path, ArrivalProcess& a) {
  const YAML::Node pieces = r.require(map, path, "pieces", "e.g. pieces: [{at: 0s, rate: 1/s}, {at: 10min, rate: 3/s}]");
  const std::string pieces_path = child_path(path, "pieces");
  if (!pieces.IsDefined() || !r.expect_items(pieces, pieces_path, "piece")) return;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const YAML::Node piece = pieces[i];
    const std::string piece_path = index_path(pieces_path, i);
    if (!r.expect_map(piece, piece_path, "each piece is {at: TIME, rate: RATE}")) continue;
    r.check_keys(piece, piece_path, {"at", "rate"});
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
  std::optional<Kind> kind = Kind::poisson;
  if (const YAML::Node p = YamlReader::get(node, "process"))
    kind = r.choice(p, child_path(path, "process"), kProcesses, "arrival process");
  r.check_keys(node, path, keys_of(kind));
  if (!kind) return std::nullopt;
  a.kind = *kind;

  auto read = [&](const char* key, Dimension dimension, Bounds bounds, double& target, bool required) {
    const YAML::Node n = required ? r.require(node, path, key) : YamlReader::get(node, key);
    if (!n.IsDefined()) return;
    if (auto v = r.quantity(n, child_path(path, key), dimension, bounds)) target = *v;
  };
  switch (*kind) {
    case Kind::poisson:
    case Kind::constant:
      read("rate", Dimension::rate, at_least(0), a.rate_per_s, true);
      break;
    case Kind::piecewise:
      read_pieces(r, node, path, a);
      break;
    case Kind::diurnal:
      read("rate", Dimension::rate, at_least(0), a.rate_per_s, true);
      read("amplitude", Dimension::dimensionless, in_range(0, 1), a.amplitude, true);
      read("period", Dimension::duration, greater_than(0), a.period_s, false);
      read("peak_at", Dimension::duration, at_least(0), a.peak_s, false);
      if (const YAML::Node w = YamlReader::get(node, "weekly")) read_weekly(r, w, child_path(path, "weekly"), a);
      // Above 10x a week the rate passes any fleet within a few weeks: a slip for a percentage.
      read("growth_per_week", Dimension::dimensionless, in_range(-1, 10, true), a.growth_per_week, false);
      break;
    case Kind::trace:
      break;
  }
  if (r.error_count() != errors_before) return std::nullopt;
  return a;
}

}  // namespace fleetsim
