// Reads values out of a YAML tree and records every problem as a Diagnostic
// located at the offending node (file, line, column, key path).
//
// Getters never throw: on a wrong type, bad unit or out-of-range value they
// record an error and return nullopt, so that one pass finds every problem.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/core/units.hpp"
#include "spelling.hpp"

namespace fleetsim {

// "fleet.pools" + "name" -> "fleet.pools.name"; "" + "name" -> "name".
std::string child_path(const std::string& path, std::string_view key);
// "fleet.pools" + 1 -> "fleet.pools[1]".
std::string index_path(const std::string& path, std::size_t index);

// Allowed range of a number, for checks and for "expected a rate >= 0".
struct Bounds {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;  // min itself excluded
  bool max_open = false;

  bool contains(double x) const;
  std::string describe(Dimension dimension = Dimension::dimensionless) const;  // "", ">= 0", "in (0, 1]"
};
Bounds at_least(double min);
Bounds greater_than(double min);
Bounds in_range(double min, double max, bool min_open = false, bool max_open = false);

// The words an enum accepts, with their values.
template <typename E>
using Choices = std::vector<std::pair<std::string, E>>;

// The word a value is written as: its first entry in `choices`, so that a
// writer and the reader share one table (empty for a value the table lacks).
template <typename E>
std::string choice_name(const Choices<E>& choices, E value) {
  for (const auto& [word, v] : choices)
    if (v == value) return word;
  return {};
}

class YamlReader {
 public:
  YamlReader(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}

  const std::string& file() const { return file_; }
  std::size_t error_count() const { return errors_; }

  void error(const YAML::Node& at, const std::string& path, std::string message, std::string hint = {});
  void warning(const YAML::Node& at, const std::string& path, std::string message, std::string hint = {});
  void error_at(int line, int column, const std::string& path, std::string message, std::string hint = {});
  // A problem found in another file the scenario names (a request trace),
  // located there and counted like the scenario's own.
  void add_from_other_file(Diagnostic diagnostic);

  // Shapes. On mismatch: "expected a map, found a list" and false.
  bool expect_map(const YAML::Node& node, const std::string& path, std::string_view hint = {});
  bool expect_list(const YAML::Node& node, const std::string& path, std::string_view hint = {});
  // A list with at least one item.
  bool expect_items(const YAML::Node& node, const std::string& path, std::string_view what);

  // Reports keys not in `allowed` (with did-you-mean), keys that are not plain
  // words and keys given twice. `map` must be a map. YAML merge keys
  // (`<<: *anchor`) are allowed, and the merged maps' keys checked too.
  // `placement`, when given, may say where an unknown key belongs instead
  // (another map of the format); its hint wins over the did-you-mean.
  using KeyPlacement = std::function<std::string(const std::string& key)>;
  void check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed,
                  const KeyPlacement& placement = {});
  // For maps whose keys are names the user chooses: keys must be plain words, given once.
  void check_unique_keys(const YAML::Node& map, const std::string& path);

  // True when check_keys already reported an unknown key of `map` as a likely
  // misspelling of `key`: a "missing key" error would only repeat it.
  bool is_misspelt(const YAML::Node& map, std::string_view key) const;

  // map[key] (or from a map merged in with `<<`), or an undefined node (false
  // in a boolean context) when absent.
  static YAML::Node get(const YAML::Node& map, std::string_view key);
  // Like get, but a missing key is an error located at the map.
  YAML::Node require(const YAML::Node& map, const std::string& path, std::string_view key,
                     std::string_view hint = {});

  std::optional<std::string> text(const YAML::Node& node, const std::string& path);
  std::optional<std::string> name(const YAML::Node& node, const std::string& path);  // non-empty text
  std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
  // A whole number >= min; `max` guards the int fields it is stored in.
  std::optional<std::int64_t> integer(const YAML::Node& node, const std::string& path, std::int64_t min,
                                      std::int64_t max = std::numeric_limits<int>::max());
  std::optional<std::uint64_t> unsigned_integer(const YAML::Node& node, const std::string& path);
  // A plain number (YAML number or numeric string).
  std::optional<double> number(const YAML::Node& node, const std::string& path, Bounds bounds = {});
  // A number with a unit, in SI base units.
  std::optional<double> quantity(const YAML::Node& node, const std::string& path, Dimension dimension,
                                 Bounds bounds = {});
  // A large count: "8.03e9", "8.03B", "405M".
  std::optional<double> count(const YAML::Node& node, const std::string& path, Bounds bounds = {});
  // A list of non-empty names.
  std::optional<std::vector<std::string>> name_list(const YAML::Node& node, const std::string& path);
  // A map of text to text (e.g. `sources`).
  std::optional<std::vector<std::pair<std::string, std::string>>> text_map(const YAML::Node& node,
                                                                            const std::string& path);

  // One word out of `choices`, with did-you-mean; `what` names the set ("routing policy").
  template <typename E>
  std::optional<E> choice(const YAML::Node& node, const std::string& path, const Choices<E>& choices,
                          std::string_view what) {
    std::vector<std::string> words;
    for (const auto& c : choices) words.push_back(c.first);
    const auto word = scalar_text(node, path, "one of " + quoted_list(words));
    if (!word) return std::nullopt;
    for (const auto& [text, value] : choices)
      if (text == *word) return value;
    unknown_word(node, path, *word, words, what);
    return std::nullopt;
  }

  // "\"text\"", "a list", "a map", "an empty value": what the user wrote, for messages.
  static std::string describe(const YAML::Node& node);
  // Location of a node, 1-based; {0, 0} when unknown.
  static std::pair<int, int> location(const YAML::Node& node);

 private:
  void add(Severity severity, int line, int column, const std::string& path, std::string message,
           std::string hint);
  // The text of a scalar; otherwise an error "expected <what>, found <...>".
  std::optional<std::string> scalar_text(const YAML::Node& node, const std::string& path, std::string_view what);
  // A parser's result: the value if it parsed and is within bounds, else an
  // error saying what was expected and what was found.
  std::optional<double> accept_parsed(const YAML::Node& node, const std::string& path, const std::string& expected,
                                      const Bounds& bounds, const std::variant<double, std::string>& parsed);
  // Reports non-scalar and repeated keys; calls `check(key)` for the others.
  template <typename Check>
  void for_each_key(const YAML::Node& map, const std::string& path, Check check);
  void check_keys_merged(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed,
                         const KeyPlacement& placement, int depth);
  static YAML::Node get_merged(const YAML::Node& map, std::string_view key, int depth);
  void unknown_word(const YAML::Node& node, const std::string& path, const std::string& word,
                    const std::vector<std::string>& choices, std::string_view what);

  std::string file_;
  std::vector<Diagnostic>& out_;
  std::size_t errors_ = 0;
  // (map, valid key) for every unknown key that looked like a typo of it.
  std::vector<std::pair<YAML::Node, std::string>> misspelt_;
};

}  // namespace fleetsim
