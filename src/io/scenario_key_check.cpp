#include "scenario_key_check.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "fleetsim/io/scenario_keys.hpp"
#include "scenario_key_tables.hpp"

namespace fleetsim {
namespace {

bool is_distribution(std::string_view table) {
  return table == "distribution" || table == "duration_distribution";
}

// The tables a value of this shape may be written as, in the shape's order:
// a table itself, a list of them, or one of several shapes. A map_of's
// values are not followed: their keys are names the user chooses.
void collect_tables(const ValueShape& shape, std::vector<std::string>& out) {
  if (!shape.is_object()) return;
  if (const std::optional<std::string> name = shape::table_name(shape))
    if (!is_distribution(*name) && std::find(out.begin(), out.end(), *name) == out.end()) out.push_back(*name);
  if (const auto items = shape.find("items"); items != shape.end()) collect_tables(*items, out);
  if (const auto any = shape.find("anyOf"); any != shape.end() && any->is_array())
    for (const ValueShape& s : *any) collect_tables(s, out);
}

bool table_has_key(std::string_view table, std::string_view key) {
  const std::vector<std::string>& keys = scenario_keys(table);
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// A key of a table nested in `table`: "the engine: map inside this one".
std::string nested_hint(std::string_view table, std::string_view key) {
  for (const ScenarioKey& k : scenario_key_table(table).keys) {
    std::vector<std::string> children;
    collect_tables(k.value, children);
    for (const std::string& child : children)
      if (table_has_key(child, key))
        return fmt::format("\"{}\" is a key of the {}: map inside this one; move it there ({}: {{{}: ...}})", key,
                           k.name, k.name, key);
  }
  return {};
}

// A key of a table `table` is nested in: "the map this one sits in".
std::string enclosing_hint(std::string_view table, std::string_view key) {
  for (const KeyTable& parent : scenario_key_tables()) {
    if (parent.one_key) continue;  // a step's body is the step: no key sits beside it
    for (const ScenarioKey& k : parent.keys) {
      std::vector<std::string> children;
      collect_tables(k.value, children);
      if (std::find(children.begin(), children.end(), table) == children.end()) continue;
      if (table_has_key(parent.name, key))
        return fmt::format("\"{}\" is a key of the map this {}: sits in (a {}); move it up one level", key, k.name,
                           parent.name);
    }
  }
  return {};
}

}  // namespace

std::string key_placement_hint(std::string_view table, std::string_view key) {
  if (table_has_key(table, key)) return {};
  if (std::string hint = nested_hint(table, key); !hint.empty()) return hint;
  return enclosing_hint(table, key);
}

void check_scenario_keys(YamlReader& r, const YAML::Node& map, const std::string& path, std::string_view table) {
  r.check_keys(map, path, scenario_keys(table),
               [table](const std::string& key) { return key_placement_hint(table, key); });
}

}  // namespace fleetsim
