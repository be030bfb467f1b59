// What every registry of named policies does alike: each is a constexpr array
// of entries with a `name`, listed in the order messages and docs use.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

template <typename Info, std::size_t N>
std::vector<std::string> registry_names(const Info (&entries)[N]) {
  std::vector<std::string> names;
  for (const Info& e : entries) names.emplace_back(e.name);
  return names;
}

// nullptr when no entry has that name.
template <typename Info, std::size_t N>
const Info* registry_find(const Info (&entries)[N], std::string_view name) {
  for (const Info& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace fleetsim
