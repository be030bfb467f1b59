#include "purchase_reader.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fleetsim/io/spelling.hpp"
#include "step_series_reader.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

std::optional<PurchaseOption> read_option(YamlReader& reader, const std::string& name, const YAML::Node& map,
                                          const std::string& path) {
  if (!reader.expect_map(map, path,
                         "give {price_per_hour: USD} for a rate, or {capital: USD, life_years: N, interest_rate: R} "
                         "for a node bought outright"))
    return std::nullopt;
  reader.check_keys(map, path, {"price_per_hour", "capital", "life_years", "interest_rate", "operating_per_hour"});
  PurchaseOption option;
  option.name = name;
  const YAML::Node rate = YamlReader::get(map, "price_per_hour");
  const YAML::Node capital = YamlReader::get(map, "capital");
  if (rate.IsDefined() == capital.IsDefined()) {
    reader.error(map, path, "give either price_per_hour or capital",
                 "price_per_hour: an hourly rate (reserved, savings plan, spot); capital: a node bought outright, "
                 "with life_years and interest_rate");
    return std::nullopt;
  }
  const std::size_t errors = reader.error_count();
  if (rate.IsDefined()) {
    for (const char* key : {"life_years", "interest_rate", "operating_per_hour"})
      if (const YAML::Node n = YamlReader::get(map, key))
        reader.error(n, child_path(path, key), fmt::format("{} applies only with capital", key));
    // A rate, or one that follows a series (a spot price by the hour).
    if (auto v = read_step_series(reader, rate, child_path(path, "price_per_hour"), "USD per node-hour")) {
      option.price_per_hour_usd = v->cycle_mean();
      if (!v->is_constant()) option.price_series = std::move(*v);
    }
  } else {
    option.kind = PurchaseOption::Kind::owned;
    if (auto v = reader.number(capital, child_path(path, "capital"), at_least(0))) option.capital_usd = *v;
    if (const YAML::Node n = reader.require(map, path, "life_years", "the years the capital is spread over, e.g. 5"))
      if (auto v = reader.number(n, child_path(path, "life_years"), in_range(0, 100, true, false)))
        option.life_years = *v;
    if (const YAML::Node n = reader.require(map, path, "interest_rate",
                                            "the yearly cost of capital as a fraction, e.g. 0.07 (0: none)"))
      if (auto v = reader.number(n, child_path(path, "interest_rate"), in_range(0, 1)))
        option.interest_rate = *v;
    if (const YAML::Node n = YamlReader::get(map, "operating_per_hour"))
      if (auto v = reader.number(n, child_path(path, "operating_per_hour"), at_least(0)))
        option.operating_per_hour_usd = *v;
  }
  if (reader.error_count() != errors) return std::nullopt;
  return option;
}

bool valid_option_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

void read_purchase_options(YamlReader& reader, const YAML::Node& map, const std::string& path,
                           std::vector<PurchaseOption>& options) {
  if (!reader.expect_map(map, path, "name each option: {reserved_3y: {price_per_hour: 30.5}}")) return;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) {
      reader.error(it->first, path, "an option's name must be a word");
      continue;
    }
    const std::string name = it->first.Scalar();
    const std::string option_path = child_path(path, name);
    if (name == kOnDemand) {
      reader.error(it->first, option_path, "on_demand is the node type's price_per_hour",
                   "set price_per_hour instead");
      continue;
    }
    if (!valid_option_name(name)) {
      reader.error(it->first, option_path, fmt::format("option name \"{}\" is not a word of a-z, 0-9 and _", name));
      continue;
    }
    if (auto option = read_option(reader, name, it->second, option_path)) {
      const auto same = std::find_if(options.begin(), options.end(),
                                     [&](const PurchaseOption& o) { return o.name == name; });
      if (same != options.end())
        *same = *option;
      else
        options.push_back(*option);
    }
  }
}

std::optional<PoolPurchase> read_pool_purchase(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                               const std::vector<PurchaseOption>& options) {
  std::vector<std::string> known = {kOnDemand};
  for (const auto& o : options) known.push_back(o.name);
  const auto check_name = [&](const YAML::Node& at, const std::string& at_path) -> std::optional<std::string> {
    const auto name = reader.name(at, at_path);
    if (!name) return std::nullopt;
    if (std::find(known.begin(), known.end(), *name) == known.end()) {
      reader.error(at, at_path, fmt::format("the node type has no purchase option \"{}\"", *name),
                   fmt::format("its options: {}; add one under the hardware entry's `purchase:`", quoted_list(known)));
      return std::nullopt;
    }
    return name;
  };

  PoolPurchase purchase;
  if (node.IsScalar()) {
    const auto name = check_name(node, path);
    if (!name) return std::nullopt;
    purchase.base = purchase.burst = *name;
    return purchase;
  }
  if (!reader.expect_map(node, path, "an option name, or {base: reserved_3y, base_nodes: 4, burst: on_demand}"))
    return std::nullopt;
  check_scenario_keys(reader, node, path, "pool_purchase");
  const std::size_t errors = reader.error_count();
  if (const YAML::Node n = reader.require(node, path, "base", "the option of the first base_nodes nodes"))
    if (auto name = check_name(n, child_path(path, "base"))) purchase.base = *name;
  if (const YAML::Node n = reader.require(node, path, "base_nodes", "how many nodes the base option buys"))
    if (auto v = reader.integer(n, child_path(path, "base_nodes"), 0)) purchase.base_nodes = static_cast<int>(*v);
  if (const YAML::Node n = YamlReader::get(node, "burst"))
    if (auto name = check_name(n, child_path(path, "burst"))) purchase.burst = *name;
  if (reader.error_count() != errors) return std::nullopt;
  return purchase;
}

}  // namespace fleetsim
