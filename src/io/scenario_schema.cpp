#include "fleetsim/io/scenario_schema.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "distribution_reader.hpp"
#include "fleetsim/core/arrival_pattern.hpp"
#include "scenario_key_tables.hpp"
#include "scenario_words.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kPartial = "partial_";

// A key's property: its shape, with the key's description beside it. Draft-07
// ignores the siblings of a `$ref`, so a described reference is wrapped.
Json property(const ScenarioKey& key) {
  Json p = key.value;
  if (key.description.empty()) return p;
  if (p.contains("$ref")) p = Json{{"allOf", Json::array({p})}};
  const std::string shape_note = p.value("description", "");
  p["description"] = shape_note.empty() ? key.description : key.description + " (" + shape_note + ")";
  return p;
}

Json object_of(const KeyTable& t, bool partial) {
  Json def = {{"type", "object"}};
  if (!t.description.empty()) def["description"] = t.description;
  Json properties = Json::object();
  Json required = Json::array();
  for (const ScenarioKey& k : t.keys) {
    properties[k.name] = property(k);
    if (k.required && !partial && !t.one_key) required.push_back(k.name);
  }
  def["properties"] = properties;
  if (!required.empty()) def["required"] = required;
  def["additionalProperties"] = false;
  if (t.one_key) {
    def["minProperties"] = 1;
    def["maxProperties"] = 1;
  }
  return def;
}

// The shape a variant's merge gives a value: references to tables reached
// through maps become their partial forms; a list's items stay whole, since a
// list in a variant replaces the base's.
void make_partial(Json& shape, std::set<std::string>& wanted) {
  if (!shape.is_object()) return;
  if (const std::optional<std::string> name = shape::table_name(shape)) {
    wanted.insert(*name);
    shape = shape::table(kPartial + *name);
    return;
  }
  for (auto it = shape.begin(); it != shape.end(); ++it) {
    if (it.key() == "items") continue;
    if (it.value().is_array())
      for (Json& element : it.value()) make_partial(element, wanted);
    else
      make_partial(it.value(), wanted);
  }
}

// `{dist: KIND, ...}`: the keys each kind takes (distribution_reader), values
// in the use's dimension; sigma and weights stay plain numbers.
Json distribution_map(Dimension dimension) {
  const Json value = shape::quantity(dimension);
  Json properties = {{"dist", shape::words(choice_words(distribution_kind_choices()))}};
  for (const std::string& key : distribution_keys(std::nullopt)) {
    if (key == "dist") continue;
    const bool plain = key == "sigma" || key == "weights";
    const Json one = plain ? shape::number() : value;
    properties[key] = key == "values" || key == "weights" ? shape::list_of(one) : one;
  }
  Json rules = Json::array();
  for (const auto& [word, kind] : distribution_kind_choices())
    rules.push_back({{"if", {{"properties", {{"dist", {{"const", word}}}}}}},
                     {"then", {{"propertyNames", {{"enum", distribution_keys(kind)}}}}}});
  return {{"type", "object"},
          {"description", "a distribution: {dist: KIND, ...} (docs/scenario-format.md \"Distributions\")"},
          {"properties", properties},
          {"required", {"dist"}},
          {"additionalProperties", false},
          {"allOf", rules}};
}

// `arrivals:`: the arrival keys' shapes from their table, and for each
// registered process the keys it takes and requires. A map without
// `process:` is a Poisson process.
Json arrivals_map(const KeyTable& t) {
  Json def = object_of(t, false);
  std::vector<std::string> names;
  Json rules = Json::array();
  for (const ArrivalPatternInfo& p : arrival_patterns()) {
    if (p.name.empty()) continue;  // a trace's, started by `trace:`
    const std::string name(p.name);
    names.push_back(name);
    std::vector<std::string> keys = {"process"};
    for (const std::string_view k : p.keys) keys.emplace_back(k);
    Json then = {{"propertyNames", {{"enum", keys}}}};
    if (!p.required.empty()) {
      Json required = Json::array();
      for (const std::string_view k : p.required) required.push_back(std::string(k));
      then["required"] = required;
    }
    Json chosen = {{"properties", {{"process", {{"const", name}}}}}, {"required", {"process"}}};
    if (name == "poisson") chosen = {{"anyOf", Json::array({chosen, {{"not", {{"required", {"process"}}}}}})}};
    rules.push_back({{"if", chosen}, {"then", then}});
  }
  def["properties"]["process"] = {{"enum", names}, {"description", "the arrival process (default poisson)"}};
  def["allOf"] = rules;
  return def;
}

Json definition(const KeyTable& t, bool partial) {
  if (t.name == "arrivals") return arrivals_map(t);
  if (t.name == "expect")
    return {{"type", "object"},
            {"description", t.description},
            {"additionalProperties", shape::table("expect_bounds")}};
  return object_of(t, partial);
}

}  // namespace

nlohmann::ordered_json scenario_json_schema() {
  Json definitions = Json::object();
  for (const KeyTable& t : scenario_key_tables()) definitions[t.name] = definition(t, false);
  definitions["distribution"] = distribution_map(Dimension::dimensionless);
  definitions["duration_distribution"] = distribution_map(Dimension::duration);

  // The variant's sections are partial: add the partial form of every table a
  // merge reaches, following references until no new one appears.
  std::set<std::string> wanted, done;
  Json variant = definition(scenario_key_table("variant"), true);
  make_partial(variant["properties"], wanted);
  definitions["variant"] = variant;
  // A cell's sections are partial in the same way; its name is required.
  Json cell = definition(scenario_key_table("cell"), true);
  make_partial(cell["properties"], wanted);
  cell["required"] = Json::array({"name"});
  definitions["cell"] = cell;
  while (wanted.size() > done.size()) {
    for (const std::string& name : std::set<std::string>(wanted)) {
      if (!done.insert(name).second) continue;
      Json def = name == "distribution" || name == "duration_distribution"
                     ? definitions[name]
                     : definition(scenario_key_table(name), true);
      make_partial(def, wanted);
      definitions[kPartial + name] = def;
    }
  }

  return {{"$schema", "http://json-schema.org/draft-07/schema#"},
          {"title", "fleetsim scenario"},
          {"description", "A fleetsim scenario file (docs/scenario-format.md). Generated by `fleetsim schema`."},
          {"allOf", Json::array({shape::table("scenario")})},
          {"definitions", definitions}};
}

}  // namespace fleetsim
