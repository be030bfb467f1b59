// The scenario key tables against the readers and registries they describe,
// and the schema's unit patterns against the unit parser. The schema as a
// whole is checked by a standard validator (tests/check_scenario_schema.py).
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "distribution_reader.hpp"
#include "fleetsim/core/arrival_pattern.hpp"
#include "fleetsim/io/scenario_schema.hpp"
#include "fleetsim/core/units.hpp"
#include "scenario_key_tables.hpp"
#include "fleetsim/io/scenario_keys.hpp"
#include "step_reader.hpp"

using namespace fleetsim;

namespace {

// What a JSON Schema `pattern` means (ECMA-262, the dialect JSON Schema names).
bool matches(const ValueShape& shape, const std::string& text) {
  for (const auto& alternative : shape.at("anyOf"))
    if (alternative.contains("pattern") &&
        std::regex_search(text, std::regex(alternative.at("pattern").get<std::string>(), std::regex::ECMAScript)))
      return true;
  return false;
}

bool parses(const std::string& text, Dimension d) { return parse_quantity(text, d).index() == 0; }

}  // namespace

TEST_CASE("Every step kind the reader knows is a key of the step table, and no other", "[schema]") {
  CHECK(scenario_keys("step") == step_kind_keys());
  CHECK(scenario_key_table("step").one_key);
}

TEST_CASE("The arrivals table types every key a registered process takes", "[schema]") {
  const std::vector<std::string>& typed = scenario_keys("arrivals");
  std::set<std::string> taken = {"process"};
  for (const ArrivalPatternInfo& p : arrival_patterns())
    for (const std::string_view key : p.keys) {
      INFO(p.name << " takes " << key);
      CHECK(std::find(typed.begin(), typed.end(), std::string(key)) != typed.end());
      taken.insert(std::string(key));
    }
  // ...and none that no process takes.
  CHECK(std::set<std::string>(typed.begin(), typed.end()) == taken);
}

TEST_CASE("A table name fleetsim does not know is a defect, not a silent empty list", "[schema]") {
  CHECK_THROWS_AS(scenario_keys("pools"), std::logic_error);
  CHECK(scenario_keys("pool").front() == "name");
}

TEST_CASE("The schema's quantity patterns accept exactly the units the parser accepts", "[schema][units]") {
  for (const Dimension d : {Dimension::duration, Dimension::bytes, Dimension::bandwidth, Dimension::power,
                            Dimension::rate, Dimension::flops, Dimension::frequency}) {
    const ValueShape s = shape::quantity(d);
    for (const std::string& unit : unit_symbols(d)) {
      for (const std::string& text : {"2" + unit, "2.5 " + unit, "1e-3" + unit, "+4" + unit}) {
        INFO(text);
        CHECK(parses(text, d));
        CHECK(matches(s, text));
      }
    }
    for (const char* text : {"2", "2  s", "two s", "2 fortnights", "s"}) {
      INFO(to_string(d) << ": " << text);
      CHECK_FALSE(parses(text, d));
      CHECK_FALSE(matches(s, text));
    }
  }
  // "250ms" is a duration, not bytes; "80GiB" bytes, not a duration.
  CHECK(matches(shape::quantity(Dimension::duration), "250ms"));
  CHECK_FALSE(matches(shape::quantity(Dimension::bytes), "250ms"));
  CHECK_FALSE(matches(shape::quantity(Dimension::duration), "80GiB"));
}

TEST_CASE("The schema describes every table, and a variant's maps without their required keys", "[schema]") {
  const auto schema = scenario_json_schema();
  const auto& definitions = schema.at("definitions");
  for (const KeyTable& t : scenario_key_tables()) {
    INFO(t.name);
    REQUIRE(definitions.contains(t.name));
  }
  // The base simulation section requires nothing but is closed; a pool requires its name, hardware, count, models.
  CHECK(definitions.at("pool").at("required") == nlohmann::ordered_json({"name", "hardware", "count", "models"}));
  CHECK(definitions.at("pool").at("additionalProperties") == false);
  // A variant's fleet may be partial, but the pools it lists replace the base's, so they stay whole.
  CHECK_FALSE(definitions.at("partial_fleet").contains("required"));
  CHECK(definitions.at("partial_fleet").at("properties").at("pools").dump().find("#/definitions/pool\"") !=
        std::string::npos);
  CHECK_FALSE(definitions.contains("partial_pool"));
  // Distribution kinds take only their own keys.
  const std::string distribution = definitions.at("distribution").dump();
  CHECK(distribution.find(nlohmann::ordered_json(distribution_keys(Distribution::Kind::uniform)).dump()) !=
        std::string::npos);
}
