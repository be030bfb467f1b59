#include "fleetsim/workflows/report_path.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

// `rest` is `head` alone or `head` followed by a dot and more.
bool leads(std::string_view rest, std::string_view head) {
  return !head.empty() && rest.substr(0, head.size()) == head && (rest.size() == head.size() || rest[head.size()] == '.');
}

std::string_view first_segment(std::string_view rest) { return rest.substr(0, rest.find('.')); }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

PathLookup failure(std::string message) {
  PathLookup r;
  r.error = std::move(message);
  return r;
}

PathLookup leaf(const Json& node, std::string_view path) {
  PathLookup r;
  if (node.is_boolean()) {
    r.found = true;
    r.value = node.get<bool>() ? 1.0 : 0.0;
  } else if (node.is_number()) {
    r.found = true;
    r.value = node.get<double>();
  } else if (node.is_null()) {
    r.found = true;
  } else {
    r.error = fmt::format("'{}' is {}, not a figure", path,
                          node.is_string() ? "text" : node.is_array() ? "a list" : "an object");
  }
  return r;
}

// The figure at `rest` under `node`; `path` is the whole path, for messages.
PathLookup walk(const Json& node, std::string_view rest, std::string_view path) {
  if (rest.empty()) return leaf(node, path);
  // The children `rest` can start with, longest name first, so that a name
  // holding dots is tried before a shorter one it begins with.
  std::vector<std::pair<std::size_t, const Json*>> candidates;  // (length of the segment, child)
  if (node.is_object()) {
    for (const auto& [key, child] : node.items())
      if (leads(rest, key)) candidates.emplace_back(key.size(), &child);
  } else if (node.is_array()) {
    for (const Json& item : node)
      if (const auto name = report_item_name(item); name && leads(rest, *name))
        candidates.emplace_back(name->size(), &item);
  } else {
    return failure(fmt::format("'{}' goes past a value at '{}'", path, first_segment(rest)));
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  // An index only where no item has that name, as a name is what a reader
  // of the scenario sees.
  const std::string_view segment = first_segment(rest);
  if (node.is_array() && candidates.empty() && all_digits(segment) && segment.size() < 10) {
    const std::size_t index = std::stoul(std::string(segment));
    if (index < node.size()) candidates.emplace_back(segment.size(), &node[index]);
  }
  if (candidates.empty())
    return failure(fmt::format("no {} '{}' in '{}'", node.is_object() ? "key" : "element", segment, path));
  PathLookup first;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto [length, child] = candidates[i];
    const std::string_view after = length == rest.size() ? std::string_view() : rest.substr(length + 1);
    PathLookup r = walk(*child, after, path);
    if (r.found) return r;
    if (i == 0) first = std::move(r);
  }
  return first;
}

}  // namespace

PathLookup resolve_report_path(const nlohmann::ordered_json& report, std::string_view path) {
  if (path.empty()) return failure("an empty path names no figure");
  return walk(report, path, path);
}

std::optional<std::string> report_item_name(const nlohmann::ordered_json& item) {
  if (!item.is_object()) return std::nullopt;
  if (const auto it = item.find("name"); it != item.end() && it->is_string()) return it->get<std::string>();
  const auto metric = item.find("metric");
  const auto percentile = item.find("percentile");
  if (metric != item.end() && metric->is_string() && percentile != item.end())
    return fmt::format("{}_p{}", metric->get<std::string>(),
                       percentile->is_number() ? fmt::format("{:g}", percentile->get<double>()) : "nan");
  if (const auto it = item.find("option"); it != item.end() && it->is_string()) return it->get<std::string>();
  return std::nullopt;
}

}  // namespace fleetsim
