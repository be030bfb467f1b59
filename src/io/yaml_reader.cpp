#include "fleetsim/io/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "fleetsim/io/spelling.hpp"
#include "fleetsim/core/text.hpp"

namespace fleetsim {
namespace {

std::string format_bound(double value, Dimension dimension) {
  // Whole limits in full ("10000000", not "1e+07"): people compare them with what they wrote.
  if (dimension == Dimension::dimensionless && value == std::floor(value) && std::fabs(value) < 1e15)
    return fmt::format("{:.0f}", value);
  if (value == 0.0 || dimension == Dimension::dimensionless) return fmt::format("{:g}", value);
  return format_quantity(value, dimension);
}

constexpr std::string_view kMergeKey = "<<";
// Anchors can make merge chains cyclic; real files nest a level or two.
constexpr int kMaxMergeDepth = 8;

// Type checks must not touch invalid (zombie) nodes: yaml-cpp throws on them.
bool is_usable(const YAML::Node& node) { return node.IsDefined(); }

}  // namespace

std::string child_path(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

bool Bounds::contains(double x) const {
  if (min_open ? !(x > min) : !(x >= min)) return false;
  if (max_open ? !(x < max) : !(x <= max)) return false;
  return true;
}

std::string Bounds::describe(Dimension dimension) const {
  const bool has_min = std::isfinite(min), has_max = std::isfinite(max);
  if (has_min && has_max)
    return fmt::format("in {}{}, {}{}", min_open ? '(' : '[', format_bound(min, dimension),
                       format_bound(max, dimension), max_open ? ')' : ']');
  if (has_min) return fmt::format("{} {}", min_open ? ">" : ">=", format_bound(min, dimension));
  if (has_max) return fmt::format("{} {}", max_open ? "<" : "<=", format_bound(max, dimension));
  return {};
}

Bounds at_least(double min) { return Bounds{min, std::numeric_limits<double>::infinity(), false, false}; }
Bounds greater_than(double min) { return Bounds{min, std::numeric_limits<double>::infinity(), true, false}; }
Bounds in_range(double min, double max, bool min_open, bool max_open) {
  return Bounds{min, max, min_open, max_open};
}

std::pair<int, int> YamlReader::location(const YAML::Node& node) {
  try {
    if (!is_usable(node)) return {0, 0};
    const YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0) return {0, 0};
    return {mark.line + 1, mark.column + 1};
  } catch (const std::exception&) {
    return {0, 0};
  }
}

std::string YamlReader::describe(const YAML::Node& node) {
  if (!is_usable(node)) return "nothing";
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Sequence:
      return node.size() == 0 ? "an empty list" : "a list";
    case YAML::NodeType::Map:
      return node.size() == 0 ? "an empty map" : "a map";
    case YAML::NodeType::Scalar: {
      std::string text;
      for (char c : node.Scalar()) {
        if (c == '\n') text += "\\n";
        else if (c == '"') text += "\\\"";
        else text += c;
      }
      if (text.size() > 60) text = text.substr(0, 57) + "...";
      return '"' + text + '"';
    }
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

void YamlReader::add(Severity severity, int line, int column, const std::string& path, std::string message,
                     std::string hint) {
  Diagnostic d;
  d.file = file_;
  d.line = line;
  d.column = column;
  d.key_path = path;
  d.message = std::move(message);
  d.hint = std::move(hint);
  d.severity = severity;
  if (severity == Severity::error) ++errors_;
  out_.push_back(std::move(d));
}

void YamlReader::error(const YAML::Node& at, const std::string& path, std::string message, std::string hint) {
  const auto [line, column] = location(at);
  add(Severity::error, line, column, path, std::move(message), std::move(hint));
}

void YamlReader::warning(const YAML::Node& at, const std::string& path, std::string message, std::string hint) {
  const auto [line, column] = location(at);
  add(Severity::warning, line, column, path, std::move(message), std::move(hint));
}

void YamlReader::error_at(int line, int column, const std::string& path, std::string message, std::string hint) {
  add(Severity::error, line, column, path, std::move(message), std::move(hint));
}

void YamlReader::add_from_other_file(Diagnostic diagnostic) {
  if (diagnostic.is_error()) ++errors_;
  out_.push_back(std::move(diagnostic));
}

bool YamlReader::expect_map(const YAML::Node& node, const std::string& path, std::string_view hint) {
  if (is_usable(node) && node.IsMap()) return true;
  error(node, path, "expected a map (key: value lines), found " + describe(node), std::string(hint));
  return false;
}

bool YamlReader::expect_list(const YAML::Node& node, const std::string& path, std::string_view hint) {
  if (is_usable(node) && node.IsSequence()) return true;
  error(node, path, "expected a list (\"- item\" lines or [a, b]), found " + describe(node), std::string(hint));
  return false;
}

bool YamlReader::expect_items(const YAML::Node& node, const std::string& path, std::string_view what) {
  if (!expect_list(node, path)) return false;
  if (node.size() > 0) return true;
  error(node, path, fmt::format("expected at least one {}, found an empty list", what));
  return false;
}

template <typename Check>
void YamlReader::for_each_key(const YAML::Node& map, const std::string& path, Check check) {
  if (!is_usable(map) || !map.IsMap()) return;
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      error(key, path, "expected a key name, found " + describe(key) + " as a key");
      continue;
    }
    const std::string& word = key.Scalar();
    if (!seen.insert(word).second) {
      error(key, child_path(path, word), fmt::format("key \"{}\" is given twice in the same map", word),
            "remove one of them; only the first would be used");
      continue;
    }
    check(key, word);
  }
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& path,
                            const std::vector<std::string>& allowed, const KeyPlacement& placement) {
  check_keys_merged(map, path, allowed, placement, 0);
}

void YamlReader::check_keys_merged(const YAML::Node& map, const std::string& path,
                                   const std::vector<std::string>& allowed, const KeyPlacement& placement,
                                   int depth) {
  for_each_key(map, path, [&](const YAML::Node& key, const std::string& word) {
    if (word == kMergeKey) {
      const YAML::Node merged = YamlReader::get(map, kMergeKey);
      const bool maps = merged.IsMap() || (merged.IsSequence() && std::all_of(merged.begin(), merged.end(),
                                                                             [](const YAML::Node& n) { return n.IsMap(); }));
      if (!maps) {
        error(merged, child_path(path, word), "expected a map (or a list of maps) to merge, found " + describe(merged),
              "write <<: *anchor, where the anchor names a map");
      } else if (depth < kMaxMergeDepth) {
        if (merged.IsMap()) check_keys_merged(merged, path, allowed, placement, depth + 1);
        else
          for (const auto& m : merged) check_keys_merged(m, path, allowed, placement, depth + 1);
      }
      return;
    }
    if (std::find(allowed.begin(), allowed.end(), word) != allowed.end()) return;
    // A key of another map says where it belongs; only a likely typo of a
    // key here counts as misspelt.
    std::string hint = placement ? placement(word) : std::string{};
    if (hint.empty()) {
      if (auto match = closest_match(word, allowed)) misspelt_.emplace_back(map, *match);
      hint = did_you_mean_hint(word, allowed, "valid keys here");
    }
    error(key, child_path(path, word), fmt::format("unknown key \"{}\"", word), std::move(hint));
  });
}

void YamlReader::check_unique_keys(const YAML::Node& map, const std::string& path) {
  for_each_key(map, path, [](const YAML::Node&, const std::string&) {});
}

YAML::Node YamlReader::get(const YAML::Node& map, std::string_view key) { return get_merged(map, key, 0); }

YAML::Node YamlReader::get_merged(const YAML::Node& map, std::string_view key, int depth) {
  if (!is_usable(map) || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  // YAML merge keys ("<<: *defaults"): yaml-cpp leaves them to the application.
  // Keys of the map itself win; then the merged maps, in order.
  if (key == kMergeKey || depth >= kMaxMergeDepth) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar() || it->first.Scalar() != kMergeKey) continue;
    const YAML::Node merged = it->second;
    if (merged.IsMap()) {
      if (YAML::Node found = get_merged(merged, key, depth + 1)) return found;
    } else if (merged.IsSequence()) {
      for (const auto& m : merged)
        if (YAML::Node found = get_merged(m, key, depth + 1)) return found;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool YamlReader::is_misspelt(const YAML::Node& map, std::string_view key) const {
  return std::any_of(misspelt_.begin(), misspelt_.end(),
                     [&](const auto& entry) { return entry.second == key && entry.first.is(map); });
}

YAML::Node YamlReader::require(const YAML::Node& map, const std::string& path, std::string_view key,
                               std::string_view hint) {
  YAML::Node value = get(map, key);
  if (!value.IsDefined() && is_usable(map) && map.IsMap() && !is_misspelt(map, key))
    error(map, path, fmt::format("missing required key \"{}\"", key), std::string(hint));
  return value;
}

std::optional<std::string> YamlReader::scalar_text(const YAML::Node& node, const std::string& path,
                                                   std::string_view what) {
  if (is_usable(node) && node.IsScalar()) return node.Scalar();
  error(node, path, fmt::format("expected {}, found {}", what, describe(node)));
  return std::nullopt;
}

void YamlReader::unknown_word(const YAML::Node& node, const std::string& path, const std::string& word,
                              const std::vector<std::string>& choices, std::string_view what) {
  error(node, path, fmt::format("unknown {} \"{}\"", what, word), did_you_mean_hint(word, choices, "expected one of"));
}

std::optional<std::string> YamlReader::text(const YAML::Node& node, const std::string& path) {
  return scalar_text(node, path, "text");
}

std::optional<std::string> YamlReader::name(const YAML::Node& node, const std::string& path) {
  auto value = scalar_text(node, path, "a name");
  if (!value) return std::nullopt;
  if (trim(*value).empty()) {
    error(node, path, "expected a name, found an empty string");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, const std::string& path) {
  const auto value = scalar_text(node, path, "true or false");
  if (!value) return std::nullopt;
  for (const char* yes : {"true", "True", "TRUE", "yes", "Yes", "on", "On"})
    if (*value == yes) return true;
  for (const char* no : {"false", "False", "FALSE", "no", "No", "off", "Off"})
    if (*value == no) return false;
  error(node, path, fmt::format("expected true or false, found {}", describe(node)));
  return std::nullopt;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& node, const std::string& path, std::int64_t min,
                                                std::int64_t max) {
  const std::string expected = fmt::format("a whole number >= {}", min);
  const auto value = scalar_text(node, path, expected);
  if (!value) return std::nullopt;
  const std::string_view digits = trim(*value);
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  const bool whole = ec == std::errc() && end == digits.data() + digits.size();
  if (!whole && ec != std::errc::result_out_of_range) {
    error(node, path, fmt::format("expected {}, found {}", expected, describe(node)));
    return std::nullopt;
  }
  if (!whole || n > max) {
    error(node, path, fmt::format("expected {}, found {} (too large; at most {})", expected, describe(node), max));
    return std::nullopt;
  }
  if (n < min) {
    error(node, path, fmt::format("expected {}, found {}", expected, describe(node)));
    return std::nullopt;
  }
  return n;
}

std::optional<std::uint64_t> YamlReader::unsigned_integer(const YAML::Node& node, const std::string& path) {
  const std::string expected =
      fmt::format("a whole number in 0..{}", std::numeric_limits<std::uint64_t>::max());
  const auto value = scalar_text(node, path, expected);
  if (!value) return std::nullopt;
  const std::string_view digits = trim(*value);
  std::uint64_t n = 0;
  // from_chars takes no sign for an unsigned type: "-1" is refused, not wrapped.
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    error(node, path,
          fmt::format("expected {}, found {}{}", expected, describe(node),
                      ec == std::errc::result_out_of_range ? " (too large)" : ""));
    return std::nullopt;
  }
  return n;
}

std::optional<double> YamlReader::number(const YAML::Node& node, const std::string& path, Bounds bounds) {
  return quantity(node, path, Dimension::dimensionless, bounds);
}

std::optional<double> YamlReader::quantity(const YAML::Node& node, const std::string& path, Dimension dimension,
                                           Bounds bounds) {
  const std::string range = bounds.describe(dimension);
  const std::string expected = "a " + std::string(to_string(dimension)) + (range.empty() ? "" : " " + range);
  const auto value = scalar_text(node, path, expected);
  if (!value) return std::nullopt;
  return accept_parsed(node, path, expected, bounds, parse_quantity(*value, dimension));
}

std::optional<double> YamlReader::count(const YAML::Node& node, const std::string& path, Bounds bounds) {
  const std::string range = bounds.describe();
  const std::string expected = "a count" + (range.empty() ? "" : " " + range);
  const auto value = scalar_text(node, path, expected);
  if (!value) return std::nullopt;
  return accept_parsed(node, path, expected, bounds, parse_count(*value));
}

std::optional<double> YamlReader::accept_parsed(const YAML::Node& node, const std::string& path,
                                                const std::string& expected, const Bounds& bounds,
                                                const std::variant<double, std::string>& parsed) {
  if (const auto* reason = std::get_if<std::string>(&parsed)) {
    error(node, path, fmt::format("expected {}, found {}", expected, describe(node)), *reason);
    return std::nullopt;
  }
  const double x = std::get<double>(parsed);
  if (!bounds.contains(x)) {
    error(node, path, fmt::format("expected {}, found {}", expected, describe(node)));
    return std::nullopt;
  }
  return x;
}

std::optional<std::vector<std::string>> YamlReader::name_list(const YAML::Node& node, const std::string& path) {
  if (is_usable(node) && node.IsScalar()) {
    error(node, path, "expected a list of names, found " + describe(node),
          fmt::format("write a list even for one name: [{}]", node.Scalar()));
    return std::nullopt;
  }
  if (!expect_list(node, path)) return std::nullopt;
  std::vector<std::string> names;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (auto n = name(node[i], index_path(path, i)))
      names.push_back(*n);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return names;
}

std::optional<std::vector<std::pair<std::string, std::string>>> YamlReader::text_map(const YAML::Node& node,
                                                                                      const std::string& path) {
  if (!expect_map(node, path)) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> entries;
  bool ok = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(it->first, path, "expected a key name, found " + describe(it->first) + " as a key");
      ok = false;
      continue;
    }
    if (auto value = text(it->second, child_path(path, it->first.Scalar())))
      entries.emplace_back(it->first.Scalar(), *value);
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return entries;
}

}  // namespace fleetsim
