#include "yaml_limits.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "fleetsim/io/input_limits.hpp"

namespace fleetsim {
namespace {

// A node's identity: the byte offset of its definition, with its type (a
// block map starts where its first key does). An alias shares the anchored
// node, so it has the anchor's identity; nodes built in code have none (-1)
// and are never shared.
long long identity(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? -1 : static_cast<long long>(mark.pos) * 8 + static_cast<int>(node.Type());
}

class LimitCheck {
 public:
  explicit LimitCheck(YamlReader& reader) : reader_(reader) {}

  bool run(const YAML::Node& root) {
    std::vector<std::pair<YAML::Node, int>> stack = {{root, 1}};
    while (!stack.empty() && ok_) {
      auto [node, depth] = std::move(stack.back());
      stack.pop_back();
      if (!node.IsDefined() || node.IsScalar() || node.IsNull()) continue;
      const long long id = identity(node);
      if (id >= 0 && !visited_.insert(id).second) continue;  // shared through an alias: checked once
      if (depth > limits::kMaxYamlDepth) {
        fail(node, fmt::format("the YAML nests more than {} levels deep here", limits::kMaxYamlDepth),
             "a scenario needs a few levels; is the file generated wrongly?");
        break;
      }
      if (node.size() > limits::kMaxYamlCollection) {
        fail(node,
             fmt::format("this {} has {} items; at most {} are allowed", node.IsMap() ? "map" : "list", node.size(),
                         limits::kMaxYamlCollection));
        break;
      }
      if (node.IsMap()) {
        if (YAML::Node merged = merged_value(node); merged.IsDefined()) {
          const std::size_t reached = merged_maps(merged, 0);
          if (!ok_) break;
          if (reached > limits::kMaxMergedMaps) {
            fail(node,
                 fmt::format("merge keys (<<) bring {} maps into this map, counting repeats; at most {} are allowed",
                             reached >= kCap ? "more than " + std::to_string(kCap) : std::to_string(reached),
                             limits::kMaxMergedMaps),
                 "merge a map that merges others only a few times; each level multiplies the maps to search");
            break;
          }
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
          stack.emplace_back(it->first, depth + 1);
          stack.emplace_back(it->second, depth + 1);
        }
      } else {
        for (const auto& item : node) stack.emplace_back(item, depth + 1);
      }
    }
    return ok_;
  }

 private:
  static constexpr std::size_t kCap = 1'000'000;  // counts stop here: no overflow, and the limit is far below

  static YAML::Node merged_value(const YAML::Node& map) {
    for (auto it = map.begin(); it != map.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == "<<") return it->second;
    return YAML::Node(YAML::NodeType::Undefined);
  }

  // Maps a merge value brings in, each counted as often as a lookup would
  // visit it; memoized per node, so linear in the document.
  std::size_t merged_maps(const YAML::Node& value, int depth) {
    if (depth > limits::kMaxYamlDepth) return kCap;
    std::size_t total = 0;
    auto add = [&](const YAML::Node& map) {
      if (!map.IsMap()) return;  // the reader reports it
      total = std::min(kCap, total + reach(map, depth));
    };
    if (value.IsMap()) add(value);
    else if (value.IsSequence())
      for (const auto& m : value) add(m);
    return total;
  }

  std::size_t reach(const YAML::Node& map, int depth) {
    const long long id = identity(map);
    if (id >= 0) {
      if (const auto it = reach_.find(id); it != reach_.end()) return it->second;
      if (!in_progress_.insert(id).second) {
        fail(map, "a merge key (<<) brings in the map it is part of", "merge keys must not form a cycle");
        return kCap;
      }
    }
    std::size_t n = 1;
    if (YAML::Node merged = merged_value(map); merged.IsDefined()) n = std::min(kCap, n + merged_maps(merged, depth + 1));
    if (id >= 0) {
      in_progress_.erase(id);
      reach_[id] = n;
    }
    return n;
  }

  void fail(const YAML::Node& at, std::string message, std::string hint = {}) {
    if (!ok_) return;
    reader_.error(at, "", std::move(message), std::move(hint));
    ok_ = false;
  }

  YamlReader& reader_;
  bool ok_ = true;
  std::unordered_set<long long> visited_;
  std::unordered_map<long long, std::size_t> reach_;
  std::unordered_set<long long> in_progress_;
};

}  // namespace

bool check_yaml_limits(YamlReader& reader, const YAML::Node& root) { return LimitCheck(reader).run(root); }

}  // namespace fleetsim
