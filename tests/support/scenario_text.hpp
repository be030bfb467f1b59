// Scenarios written inline in a test: load one as "test.yaml" against the
// built-in catalog, edit it by one substitution, and check that it fails
// with exactly one error at a given place, with a given hint.
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/workflows/scenario_sections.hpp"

namespace fleetsim::testing {

inline LoadResult load_test_yaml(const std::string& text) {
  return load_scenario_text_with_sections(text, "test.yaml", Catalog::builtin());
}

// `text` with the first `from` replaced by `to` (which must be there).
inline std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

inline std::string messages(const LoadResult& r) {
  std::string text;
  for (const auto& d : r.diagnostics) text += d.format() + "\n";
  return text;
}

// Shared here because several test files used the same helper, and they now
// compile as one translation unit (unity build).
inline std::string messages(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) text += d.format() + "\n";
  return text;
}

// A scenario whose one model is the catalog's llama-3.1-8b with
// `model_keys` (each line indented four spaces) laid over it, served by one
// pool of `pool_hardware`; `hardware` is a hardware section placed before
// the models. The model's first own key is on line 5 when `hardware` is empty.
inline std::string keys_scenario(const std::string& model_keys, const std::string& pool_hardware = "cpu",
                                 const std::string& engine = "{}", const std::string& hardware = "") {
  return "name: keys\n" + hardware + "models:\n  m:\n    catalog: llama-3.1-8b\n" + model_keys +
         "fleet:\n  pools:\n    - {name: p, hardware: " + pool_hardware +
         ", count: 1, models: [m], engine: " + engine +
         "}\nworkloads:\n  - name: w\n    arrivals: {rate: 1/s}\n    steps: [{llm: {model: m, output_tokens: 4}}]\n"
         "simulation: {duration: 1h}\n";
}

// The one error the scenario has: its place, message and hint.
inline void check_error(const std::string& text, const std::string& expected_prefix, const std::string& hint) {
  const LoadResult r = load_test_yaml(text);
  INFO(messages(r));
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.diagnostics.size() == 1);
  CHECK_THAT(r.diagnostics[0].format(), Catch::Matchers::Contains(expected_prefix));
  CHECK_THAT(r.diagnostics[0].hint, Catch::Matchers::Contains(hint));
}

}  // namespace fleetsim::testing
