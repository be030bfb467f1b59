// "Did you mean ...?" for misspelt keys, enum values and names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim {

// Optimal-string-alignment distance (a swap of neighbours costs 1), ignoring case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a likely typo.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// `"a", "b", "c"`, cut short after `limit` items.
std::string quoted_list(const std::vector<std::string>& items, std::size_t limit = 12);

// `did you mean "x"? <what>: "a", "b"` or just `<what>: ...`; empty when there
// are no candidates.
std::string did_you_mean_hint(std::string_view word, const std::vector<std::string>& candidates,
                              std::string_view what);

}  // namespace fleetsim
