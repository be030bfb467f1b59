#include "shard_lines.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace fleetsim {

bool for_each_shard_line(const std::string& name, const std::string& text,
                         const std::function<void(const std::string& where, const std::string& line)>& read) {
  std::size_t line_no = 0, begin = 0;
  bool any = false;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    any = true;
    read(fmt::format("{}:{}", name, line_no), line);
  }
  return any;
}

std::string missing_from_shards(std::size_t count, const std::function<bool(std::size_t)>& present,
                                const std::string& nouns) {
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < count; ++i)
    if (!present(i)) missing.push_back(std::to_string(i));
  if (missing.empty()) return {};
  const std::size_t shown = std::min<std::size_t>(missing.size(), 20);
  std::string list;
  for (std::size_t i = 0; i < shown; ++i) list += (i ? ", " : "") + missing[i];
  if (shown < missing.size()) list += fmt::format(", ... ({} more)", missing.size() - shown);
  return fmt::format("{} of {} {} are missing: {}; is a shard missing or unfinished?", missing.size(), count, nouns,
                     list);
}

}  // namespace fleetsim
