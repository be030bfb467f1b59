#include "catalog_without_sources.hpp"

namespace fleetsim {

std::string without_sources(std::string_view yaml) {
  constexpr std::size_t kNone = std::string_view::npos;
  std::string kept;
  kept.reserve(yaml.size() / 2);
  std::size_t cut_indent = kNone;  // indentation of the `sources:` key being cut
  while (!yaml.empty()) {
    const std::size_t end = yaml.find('\n');
    const std::string_view line = yaml.substr(0, end);
    yaml = end == kNone ? std::string_view() : yaml.substr(end + 1);

    const std::size_t indent = line.find_first_not_of(' ');
    const bool blank_or_comment = indent == kNone || line[indent] == '#';
    if (cut_indent != kNone) {
      if (blank_or_comment || indent > cut_indent) continue;
      cut_indent = kNone;
    }
    if (!blank_or_comment && line.substr(indent).rfind("sources:", 0) == 0) {
      cut_indent = indent;
      continue;
    }
    kept += line;
    kept += '\n';
  }
  return kept;
}

}  // namespace fleetsim
