#include "distribution_reader.hpp"
#include "scenario_words.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace fleetsim {
namespace {

using Kind = Distribution::Kind;


class MapReader {
 public:
  MapReader(YamlReader& r, const YAML::Node& map, const std::string& path, const DistributionUse& use)
      : r_(r), map_(map), path_(path), dimension_(use.dimension) {}

  // A location or scale parameter in the distribution's own unit.
  std::optional<double> value(const char* key, Bounds bounds, bool required = true) {
    const YAML::Node n = required ? r_.require(map_, path_, key) : YamlReader::get(map_, key);
    if (!n.IsDefined()) return std::nullopt;
    return r_.quantity(n, child_path(path_, key), dimension_, bounds);
  }
  std::optional<double> plain(const char* key, Bounds bounds) {
    const YAML::Node n = r_.require(map_, path_, key);
    if (!n.IsDefined()) return std::nullopt;
    return r_.number(n, child_path(path_, key), bounds);
  }
  bool has(const char* key) const { return YamlReader::get(map_, key).IsDefined(); }
  YAML::Node node(const char* key) const { return YamlReader::get(map_, key); }

 private:
  YamlReader& r_;
  const YAML::Node& map_;
  const std::string& path_;
  Dimension dimension_;
};

// Relative weights: their sum must stay finite.
constexpr double kMaxWeight = 1e12;
// A lognormal's sigma: e^100 already spans any physical range.
constexpr double kMaxSigma = 100.0;

// The range of a value parameter at this use: [0, the key's maximum].
Bounds within(const DistributionUse& use) { return in_range(0.0, use.upper); }

bool read_empirical(YamlReader& r, const YAML::Node& map, const std::string& path, const DistributionUse& use,
                    Distribution& d) {
  const YAML::Node values = r.require(map, path, "values", "e.g. {dist: empirical, values: [100, 500], weights: [3, 1]}");
  if (!values.IsDefined()) return false;
  const std::string values_path = child_path(path, "values");
  if (!r.expect_items(values, values_path, "value")) return false;
  bool ok = true;
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto v = r.quantity(values[i], index_path(values_path, i), use.dimension, within(use));
    ok = ok && v.has_value();
    d.values.push_back(v.value_or(0.0));
  }
  std::vector<double> weights(d.values.size(), 1.0);
  if (const YAML::Node w = YamlReader::get(map, "weights")) {
    const std::string weights_path = child_path(path, "weights");
    if (!r.expect_list(w, weights_path)) return false;
    if (w.size() != values.size()) {
      r.error(w, weights_path,
              fmt::format("expected one weight per value ({}), found {}", values.size(), w.size()));
      return false;
    }
    for (std::size_t i = 0; i < w.size(); ++i) {
      auto x = r.number(w[i], index_path(weights_path, i), in_range(0.0, kMaxWeight));
      ok = ok && x.has_value();
      weights[i] = x.value_or(0.0);
    }
    double sum = 0.0;
    for (double x : weights) sum += x;
    if (ok && sum <= 0.0) {
      r.error(w, weights_path, "expected at least one positive weight, found only zeros");
      return false;
    }
  }
  if (!ok) return false;
  double total = 0.0;
  for (double x : weights) total += x;
  double running = 0.0;
  for (double x : weights) {
    running += x;
    d.cumulative_weights.push_back(running / total);
  }
  d.cumulative_weights.back() = 1.0;
  return true;
}

// A plain number: a fixed value within the use's range.
std::optional<Distribution> read_constant(YamlReader& r, const YAML::Node& node, const std::string& path,
                                          const DistributionUse& use) {
  auto v = r.quantity(node, path, use.dimension, within(use));
  if (!v) return std::nullopt;
  Distribution d = Distribution::constant(*v);
  d.lower = use.lower;
  d.upper = use.upper;
  return d;
}

// `dist:`, with the keys that kind takes; nullopt when missing or unknown.
std::optional<Kind> read_kind(YamlReader& r, const YAML::Node& node, const std::string& path) {
  std::optional<Kind> kind;
  const YAML::Node k = YamlReader::get(node, "dist");
  if (k.IsDefined()) kind = r.choice(k, child_path(path, "dist"), distribution_kind_choices(), "distribution");
  // Keys first: a misspelt "dist" is then reported once, as a typo.
  r.check_keys(node, path, distribution_keys(kind));
  if (!k.IsDefined()) r.require(node, path, "dist", "e.g. {dist: exponential, mean: 150}; a plain number means a fixed value");
  return kind;
}

void check_min_below_max(YamlReader& r, MapReader& m, const std::string& path) {
  r.error(m.node("max"), child_path(path, "max"),
          fmt::format("expected max >= min ({}), found {}", YamlReader::describe(m.node("min")),
                      YamlReader::describe(m.node("max"))));
}

// A lognormal is given by its underlying normal (median, sigma) or by its
// samples' mean and stddev, which are converted to the former.
void read_lognormal(YamlReader& r, MapReader& m, const YAML::Node& node, const std::string& path,
                    const DistributionUse& use, Distribution& d) {
  const bool by_median = m.has("median") || m.has("sigma");
  const bool by_mean = m.has("mean") || m.has("stddev");
  if (by_median && by_mean) {
    r.error(node, path, "a lognormal takes either median and sigma, or mean and stddev, not both",
            "median/sigma describe the underlying normal's exp(mu) and sigma; mean/stddev the samples");
    return;
  }
  if (by_mean) {
    const auto mean = m.value("mean", in_range(0.0, use.upper, true));
    const auto sd = m.value("stddev", within(use));
    if (mean && sd) {
      const double sigma2 = std::log(1.0 + (*sd * *sd) / (*mean * *mean));
      d.p1 = std::log(*mean) - sigma2 / 2.0;
      d.p2 = std::sqrt(sigma2);
    }
  } else {
    const auto median = m.value("median", in_range(0.0, use.upper, true));
    d.p1 = median ? std::log(*median) : 0.0;
    d.p2 = m.plain("sigma", in_range(0.0, kMaxSigma)).value_or(0.0);
  }
}

// The parameters of the distribution's kind.
void read_parameters(YamlReader& r, MapReader& m, const YAML::Node& node, const std::string& path,
                     const DistributionUse& use, Distribution& d) {
  switch (d.kind) {
    case Kind::fixed:
      d.p1 = m.value("value", within(use)).value_or(0.0);
      break;
    case Kind::uniform: {
      const auto lo = m.value("min", within(use));
      const auto hi = m.value("max", within(use));
      if (lo && hi && *hi < *lo) check_min_below_max(r, m, path);
      d.p1 = lo.value_or(0.0);
      d.p2 = hi.value_or(0.0);
      break;
    }
    case Kind::normal:
      d.p1 = m.value("mean", within(use)).value_or(0.0);
      d.p2 = m.value("stddev", within(use)).value_or(0.0);
      break;
    case Kind::lognormal:
      read_lognormal(r, m, node, path, use, d);
      break;
    case Kind::exponential:
      d.p1 = m.value("mean", in_range(0.0, use.upper, true)).value_or(0.0);
      break;
    case Kind::empirical:
      read_empirical(r, node, path, use, d);
      break;
  }
}

// Clamps; for uniform, min and max are its parameters instead.
void read_clamps(YamlReader& r, MapReader& m, const std::string& path, const DistributionUse& use, Distribution& d) {
  if (d.kind == Kind::uniform) return;
  const auto lo = m.value("min", within(use), false);
  const auto hi = m.value("max", within(use), false);
  if (lo) d.lower = std::max(use.lower, *lo);
  if (hi) d.upper = std::min(use.upper, *hi);
  if (lo && hi && *hi < *lo) check_min_below_max(r, m, path);
}

}  // namespace

std::vector<std::string> distribution_keys(std::optional<Distribution::Kind> kind) {
  if (!kind) {
    return {"dist", "value", "min", "max", "mean", "stddev", "median", "sigma", "values", "weights"};
  }
  using Kind = Distribution::Kind;
  switch (*kind) {
    case Kind::fixed: return {"dist", "value", "min", "max"};
    case Kind::uniform: return {"dist", "min", "max"};
    case Kind::normal: return {"dist", "mean", "stddev", "min", "max"};
    case Kind::lognormal: return {"dist", "median", "sigma", "mean", "stddev", "min", "max"};
    case Kind::exponential: return {"dist", "mean", "min", "max"};
    case Kind::empirical: return {"dist", "values", "weights", "min", "max"};
  }
  return {};
}

std::optional<Distribution> read_distribution(YamlReader& r, const YAML::Node& node, const std::string& path,
                                              const DistributionUse& use) {
  if (node.IsDefined() && node.IsScalar()) return read_constant(r, node, path, use);
  if (!r.expect_map(node, path, "write a number for a fixed value, or a map such as {dist: exponential, mean: 150}"))
    return std::nullopt;

  const std::size_t errors_before = r.error_count();
  const std::optional<Kind> kind = read_kind(r, node, path);
  if (!kind) return std::nullopt;

  MapReader m(r, node, path, use);
  Distribution d;
  d.kind = *kind;
  d.lower = use.lower;
  d.upper = use.upper;
  read_parameters(r, m, node, path, use, d);
  read_clamps(r, m, path, use, d);
  if (r.error_count() != errors_before) return std::nullopt;
  return d;
}

}  // namespace fleetsim
