// A scenario map's key check, with a hint for a key written one level too
// high or too low: a pool's `frontend:` belongs in its `engine:` map, an
// engine's `count:` in the pool around it. The plain check (YamlReader::
// check_keys) only knows the map's own keys, so it could say no more than
// "valid keys here" for a key the user spelt right and put in the wrong map.
#pragma once

#include <string>
#include <string_view>

#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// Where `key`, which the table `table` does not accept, does belong: a map
// nested in this one (a key of this table names it) or, failing that, the map
// this one sits in. "\"frontend\" is a key of the engine: map inside this
// one; move it there", or empty when neither accepts it. Tables whose keys
// the user names (map_of) and distributions are not searched: their keys are
// not the scenario format's words.
std::string key_placement_hint(std::string_view table, std::string_view key);

// check_keys against `table`'s keys (scenario_keys.hpp), hinting with
// key_placement_hint before the did-you-mean.
void check_scenario_keys(YamlReader& r, const YAML::Node& map, const std::string& path, std::string_view table);

}  // namespace fleetsim
