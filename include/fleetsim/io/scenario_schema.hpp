// The JSON Schema of scenario files (draft-07, which yaml-language-server and
// Python's jsonschema both read), built from the scenario key tables and the
// policy registries. docs/scenario.schema.json is this function's output;
// a test keeps the two equal.
#pragma once

#include <nlohmann/json.hpp>

namespace fleetsim {

nlohmann::ordered_json scenario_json_schema();

}  // namespace fleetsim
