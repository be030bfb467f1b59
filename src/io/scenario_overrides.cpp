#include "fleetsim/io/scenario_overrides.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "fleetsim/io/input_limits.hpp"
#include "fleetsim/io/spelling.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {
namespace {

// A list index in a path: no YAML list of a scenario holds more items.
constexpr std::size_t kMaxIndex = limits::kMaxYamlCollection;

// One step of a PATH: a key (or list item name), or an index written [n].
struct Segment {
  std::string key;
  std::optional<std::size_t> index;
  bool quoted = false;  // "a.b": one key, never split or joined
};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// "fleet.pools[0].count" -> fleet, pools, [0], count. Empty on error, with `error` set.
std::vector<Segment> parse_path(std::string_view path, std::string& error) {
  std::vector<Segment> segments;
  std::size_t i = 0;
  auto fail = [&](std::string message) {
    error = std::move(message);
    return std::vector<Segment>{};
  };
  if (path.empty()) return fail("the path is empty");
  while (i < path.size()) {
    Segment key;
    if (path[i] == '"') {
      const std::size_t close = path.find('"', i + 1);
      if (close == std::string_view::npos) return fail("a quoted key is not closed");
      key.key = std::string(path.substr(i + 1, close - i - 1));
      key.quoted = true;
      i = close + 1;
    } else {
      const std::size_t end = std::min(path.find_first_of(".[", i), path.size());
      key.key = std::string(path.substr(i, end - i));
      i = end;
    }
    if (key.key.empty()) return fail("a key in the path is empty (two dots in a row, or a leading dot?)");
    segments.push_back(std::move(key));
    while (i < path.size() && path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos) return fail("a '[' is not closed");
      const std::string_view digits = path.substr(i + 1, close - i - 1);
      if (!all_digits(digits)) return fail(fmt::format("expected an index such as [0], found [{}]", digits));
      Segment index;
      // Checked: std::stoul would throw on an index past 2^64 (reported as a defect).
      std::size_t n = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (ec != std::errc() || end != digits.data() + digits.size() || n > kMaxIndex)
        return fail(fmt::format("index [{}] is too large; lists hold at most {} items", digits, kMaxIndex));
      index.index = n;
      segments.push_back(std::move(index));
      i = close + 1;
    }
    if (i < path.size()) {
      if (path[i] != '.') return fail(fmt::format("unexpected '{}' after a key", path[i]));
      if (++i == path.size()) return fail("the path ends with a dot");
    }
  }
  return segments;
}

std::vector<std::string> item_names(const YAML::Node& list) {
  std::vector<std::string> names;
  for (const auto& item : list) {
    const YAML::Node name = YamlReader::get(item, "name");
    if (name.IsDefined() && name.IsScalar()) names.push_back(name.Scalar());
  }
  return names;
}

// Builds the edited copy of one document for one override.
class OverrideWriter {
 public:
  OverrideWriter(YamlReader& reader, std::vector<Segment> segments, YAML::Node value)
      : reader_(reader), segments_(std::move(segments)), value_(std::move(value)) {}

  std::optional<YAML::Node> write(const YAML::Node& node, std::size_t pos, const std::string& path) {
    if (pos == segments_.size()) {
      if (site_.empty()) site_ = path;
      return value_;
    }
    const Segment& segment = segments_[pos];
    if (segment.index) return write_index(node, pos, path, *segment.index);
    if (node.IsSequence()) return write_list_item(node, pos, path);
    if (node.IsMap() || node.IsNull() || !node.IsDefined()) return write_map_key(node, pos, path);
    return fail(path, fmt::format("this is a value ({}), it has no key \"{}\"", YamlReader::describe(node), segment.key));
  }

  const std::string& site() const { return site_; }

 private:
  std::optional<YAML::Node> fail(const std::string& path, std::string message, std::string hint = {}) {
    reader_.error_at(0, 0, path, std::move(message), std::move(hint));
    return std::nullopt;
  }

  // Keys pos.., joined by dots, longest first: a key such as
  // "graviton4-c8g.48xlarge" spans several segments of the path.
  std::size_t joinable(std::size_t pos) const {
    if (segments_[pos].quoted) return 1;
    std::size_t n = 0;
    while (pos + n < segments_.size() && !segments_[pos + n].index && !segments_[pos + n].quoted) ++n;
    return n;
  }
  std::string joined(std::size_t pos, std::size_t n) const {
    std::string key = segments_[pos].key;
    for (std::size_t k = 1; k < n; ++k) key += "." + segments_[pos + k].key;
    return key;
  }

  std::optional<YAML::Node> replace_item(const YAML::Node& list, std::size_t index, std::size_t next,
                                         const std::string& item_path) {
    auto item = write(list[index], next, item_path);
    if (!item) return std::nullopt;
    YAML::Node copy(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < list.size(); ++i) copy.push_back(i == index ? *item : list[i]);
    return copy;
  }

  std::optional<YAML::Node> write_index(const YAML::Node& node, std::size_t pos, const std::string& path,
                                        std::size_t index) {
    if (!node.IsSequence())
      return fail(path, fmt::format("[{}] needs a list, but this is {}", index, YamlReader::describe(node)));
    if (index >= node.size())
      return fail(path, fmt::format("index [{}] is out of range: the list has {} item{}", index, node.size(),
                                    node.size() == 1 ? "" : "s"));
    return replace_item(node, index, pos + 1, index_path(path, index));
  }

  std::optional<YAML::Node> write_list_item(const YAML::Node& list, std::size_t pos, const std::string& path) {
    for (std::size_t n = joinable(pos); n >= 1; --n) {
      const std::string name = joined(pos, n);
      for (std::size_t i = 0; i < list.size(); ++i) {
        const YAML::Node item_name = YamlReader::get(list[i], "name");
        if (item_name.IsDefined() && item_name.IsScalar() && item_name.Scalar() == name)
          return replace_item(list, i, pos + n, index_path(path, i));
      }
    }
    const std::string& word = segments_[pos].key;
    std::size_t index = 0;
    if (all_digits(word) && !segments_[pos].quoted &&
        std::from_chars(word.data(), word.data() + word.size(), index).ec == std::errc() && index < list.size())
      return replace_item(list, index, pos + 1, index_path(path, index));
    const std::vector<std::string> names = item_names(list);
    std::string hint = did_you_mean_hint(word, names, "items");
    if (list.size() > 0) hint += (hint.empty() ? "" : "; ") + fmt::format("or an index, e.g. {}", index_path(path, 0));
    return fail(path, fmt::format("no item named \"{}\" in this list", word), hint);
  }

  std::optional<YAML::Node> write_map_key(const YAML::Node& map, std::size_t pos, const std::string& path) {
    const bool is_map = map.IsDefined() && map.IsMap();
    for (std::size_t n = is_map ? joinable(pos) : 0; n >= 1; --n) {
      const std::string key = joined(pos, n);
      const YAML::Node current = YamlReader::get(map, key);
      if (!current.IsDefined()) continue;
      auto child = write(current, pos + n, child_path(path, key));
      if (!child) return std::nullopt;
      YAML::Node copy(YAML::NodeType::Map);
      bool direct = false;
      for (const auto& kv : map) {
        if (kv.first.IsScalar() && kv.first.Scalar() == key) {
          copy.force_insert(kv.first, *child);
          direct = true;
        } else {
          copy.force_insert(kv.first, kv.second);
        }
      }
      // Found through a merge key (<<: *anchor): a key written beside it wins.
      if (!direct) copy.force_insert(YAML::Node(key), *child);
      return copy;
    }
    // A new key: added, and checked by the loader like any key of the file.
    // A near miss of a key with dots (a hardware or model name) would be
    // split at its dots, and the loader's complaint about the pieces would
    // not show why: a warning here does.
    const std::string& key = segments_[pos].key;
    const std::string key_path = child_path(path, key);
    if (is_map) {
      std::vector<std::string> keys;
      for (const auto& kv : map)
        if (kv.first.IsScalar()) keys.push_back(kv.first.Scalar());
      for (std::size_t n = joinable(pos); n >= 1; --n)
        if (auto near = closest_match(joined(pos, n), keys); near && near->find('.') != std::string::npos) {
          reader_.warning(YAML::Node(), path,
                          fmt::format("no key \"{}\" here, so \"{}\" was added", joined(pos, n), key),
                          fmt::format("did you mean \"{}\"? (a new key with dots is written quoted: \"a.b\")", *near));
          break;
        }
    }
    if (site_.empty()) site_ = key_path;
    auto child = create(pos + 1, key_path);
    if (!child) return std::nullopt;
    YAML::Node copy(YAML::NodeType::Map);
    if (is_map)
      for (const auto& kv : map) copy.force_insert(kv.first, kv.second);
    copy.force_insert(YAML::Node(key), *child);
    return copy;
  }

  // Maps for the rest of the path, ending with the value.
  std::optional<YAML::Node> create(std::size_t pos, const std::string& path) {
    if (pos == segments_.size()) return value_;
    const Segment& segment = segments_[pos];
    if (segment.index)
      return fail(path, fmt::format("[{}]: there is no list here to index; set the whole list instead",
                                    *segment.index));
    auto child = create(pos + 1, child_path(path, segment.key));
    if (!child) return std::nullopt;
    YAML::Node map(YAML::NodeType::Map);
    map.force_insert(YAML::Node(segment.key), *child);
    return map;
  }

  YamlReader& reader_;
  std::vector<Segment> segments_;
  YAML::Node value_;
  std::string site_;
};

bool path_within(const std::string& path, const std::string& prefix) {
  if (path.size() < prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

}  // namespace

OverrideOutcome apply_overrides(const YAML::Node& root,
                                const std::vector<std::pair<std::string, std::string>>& overrides,
                                std::vector<Diagnostic>& diagnostics) {
  OverrideOutcome outcome;
  YAML::Node document = root;
  for (const auto& [path, value_text] : overrides) {
    const std::string argument = path + "=" + value_text;
    YamlReader reader("--set " + argument, diagnostics);
    std::string error;
    std::vector<Segment> segments = parse_path(path, error);
    if (segments.empty()) {
      reader.error_at(0, 0, "", "invalid path: " + error,
                      "write keys separated by dots; name list items or index them: fleet.pools.gpu.count, "
                      "fleet.pools[0].count");
      ++outcome.errors;
      continue;
    }
    YAML::Node value;
    try {
      value = YAML::Load(value_text);
    } catch (const YAML::Exception& e) {
      reader.error_at(0, 0, "", "the value is not valid YAML: " + e.msg,
                      "quote it, or write a YAML value such as 10, 3/s, [a, b] or {dist: fixed, value: 3}");
      ++outcome.errors;
      continue;
    }
    if (!document.IsMap()) continue;  // the loader reports a document that is not a map
    OverrideWriter writer(reader, std::move(segments), value);
    std::optional<YAML::Node> edited = writer.write(document, 0, "");
    if (!edited) {
      outcome.errors += reader.error_count();
      continue;
    }
    document.reset(*edited);  // rebind, never assign: assignment would write through to shared nodes
    auto& applied = outcome.applied;
    // A later override of the same node (or of a parent) supersedes earlier ones.
    applied.erase(std::remove_if(applied.begin(), applied.end(),
                                 [&](const AppliedOverride& a) { return path_within(a.key_path, writer.site()); }),
                  applied.end());
    applied.push_back({argument, writer.site()});
  }
  if (outcome.errors == 0) outcome.document.emplace(document);
  return outcome;
}

void attribute_to_overrides(std::vector<Diagnostic>& diagnostics, std::size_t first,
                            const std::vector<AppliedOverride>& applied) {
  for (std::size_t i = first; i < diagnostics.size(); ++i) {
    Diagnostic& d = diagnostics[i];
    const AppliedOverride* best = nullptr;
    for (const AppliedOverride& a : applied)
      if (path_within(d.key_path, a.key_path) && (!best || a.key_path.size() >= best->key_path.size())) best = &a;
    if (!best) continue;
    d.file = "--set " + best->argument;
    d.line = 0;
    d.column = 0;
  }
}

}  // namespace fleetsim
