// The keys each map of a scenario file accepts, by the map's name in the
// scenario format ("pool", "engine", "llm_step", ...). The readers check a
// map's keys against this list, and `fleetsim schema` builds the JSON Schema
// from the same tables (scenario_key_tables.hpp), so that the loader and an
// editor agree on every key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

// The key names of one table, in the table's order. An unknown table name is a
// defect in fleetsim (std::logic_error), never a user's mistake.
const std::vector<std::string>& scenario_keys(std::string_view table);

}  // namespace fleetsim
