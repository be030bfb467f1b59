// The scenario format as data: for every kind of map a scenario may hold, the
// keys it accepts, the shape of each key's value (a JSON Schema fragment),
// whether it is required, and what it means. The loader's key checks
// (scenario_keys.hpp) and the JSON Schema (scenario_schema.hpp) both read
// these tables; the values themselves are still parsed, with their ranges and
// messages, by each section's reader.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/units.hpp"

namespace fleetsim {

// A JSON Schema fragment for one value.
using ValueShape = nlohmann::ordered_json;

namespace shape {
ValueShape text();
ValueShape name();  // non-empty text
ValueShape boolean();
ValueShape integer(long min);
ValueShape number();
ValueShape number(double min, double max);
// A number with one of the dimension's units ("250ms"), or 0 (zero in any unit).
ValueShape quantity(Dimension dimension);
// A large count: 8.03e9, "8.03B", "405M".
ValueShape count();
ValueShape words(const std::vector<std::string>& words);
ValueShape list_of(ValueShape item);
// A map whose keys the user names (pools of a plan, hardware entries).
ValueShape map_of(ValueShape value);
// Another table's map, by its name.
ValueShape table(const std::string& name);
// The table a shape made by table() names; nothing for any other shape.
std::optional<std::string> table_name(const ValueShape& shape);
ValueShape any_of(std::vector<ValueShape> shapes);
// A random quantity: a plain value or {dist: ..., ...} (docs/scenario-format.md "Distributions").
ValueShape distribution(Dimension dimension);
// An optional section may be written with nothing under it ("routing:").
ValueShape or_empty(ValueShape shape);
// Any value: the section's reader checks it (catalog entries' nested maps).
ValueShape any();
}  // namespace shape

struct ScenarioKey {
  std::string name;
  ValueShape value;
  std::string description;
  bool required = false;
};

struct KeyTable {
  std::string name;
  std::string description;
  std::vector<ScenarioKey> keys;
  // A step: exactly one of the keys, whose value is the step's body.
  bool one_key = false;
};

// Every table, the scenario's root ("scenario") first.
const std::vector<KeyTable>& scenario_key_tables();
const KeyTable& scenario_key_table(std::string_view name);

}  // namespace fleetsim
