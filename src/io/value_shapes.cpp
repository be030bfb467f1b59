// The JSON Schema fragments the scenario key tables are written with
// (scenario_key_tables.hpp). They say what an editor should accept; the
// readers still check ranges and cross-references with their own messages.
#include <optional>
#include <string>
#include <string_view>

#include "scenario_key_tables.hpp"

namespace fleetsim::shape {
namespace {

// A regular expression matching `symbol` literally.
std::string escape_regex(const std::string& symbol) {
  std::string out;
  for (const char c : symbol) {
    if (std::string_view("\\^$.|?*+()[]{}/").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A number as split_number (units.cpp) reads it: sign, digits, fraction, exponent.
constexpr const char* kNumberPattern = "[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?";

}  // namespace

ValueShape text() { return {{"type", "string"}}; }
ValueShape name() { return {{"type", "string"}, {"minLength", 1}}; }
ValueShape boolean() { return {{"type", "boolean"}}; }
ValueShape integer(long min) { return {{"type", "integer"}, {"minimum", min}}; }
ValueShape number() { return {{"type", "number"}}; }
ValueShape number(double min, double max) { return {{"type", "number"}, {"minimum", min}, {"maximum", max}}; }

ValueShape quantity(Dimension dimension) {
  if (dimension == Dimension::dimensionless) return number();
  std::string units;
  for (const std::string& symbol : unit_symbols(dimension)) units += (units.empty() ? "" : "|") + escape_regex(symbol);
  const std::string pattern = std::string("^\\s*") + kNumberPattern + " ?(" + units + ")\\s*$";
  return {{"anyOf", ValueShape::array({{{"const", 0}}, {{"type", "string"}, {"pattern", pattern}}})},
          {"description", std::string("a ") + std::string(to_string(dimension)) + ": a number and one of " +
                              std::string(accepted_units(dimension))}};
}

ValueShape count() {
  const std::string pattern = std::string("^\\s*") + kNumberPattern + "[KMBGT]?\\s*$";
  return {{"anyOf", ValueShape::array({number(), {{"type", "string"}, {"pattern", pattern}}})}};
}

ValueShape words(const std::vector<std::string>& words) { return {{"enum", words}}; }
ValueShape list_of(ValueShape item) { return {{"type", "array"}, {"items", std::move(item)}}; }
ValueShape map_of(ValueShape value) { return {{"type", "object"}, {"additionalProperties", std::move(value)}}; }
namespace {
constexpr std::string_view kDefinitions = "#/definitions/";
}  // namespace

ValueShape table(const std::string& name) { return {{"$ref", std::string(kDefinitions) + name}}; }

std::optional<std::string> table_name(const ValueShape& shape) {
  if (!shape.is_object()) return std::nullopt;
  const auto ref = shape.find("$ref");
  if (ref == shape.end() || !ref->is_string()) return std::nullopt;
  const std::string& text = ref->get_ref<const std::string&>();
  if (text.rfind(kDefinitions, 0) != 0) return std::nullopt;
  return text.substr(kDefinitions.size());
}
ValueShape any_of(std::vector<ValueShape> shapes) { return {{"anyOf", std::move(shapes)}}; }

ValueShape distribution(Dimension dimension) {
  const char* map = dimension == Dimension::duration ? "duration_distribution" : "distribution";
  return any_of({quantity(dimension), table(map)});
}

ValueShape or_empty(ValueShape shape) { return any_of({std::move(shape), {{"type", "null"}}}); }
ValueShape any() { return ValueShape::object(); }

}  // namespace fleetsim::shape
