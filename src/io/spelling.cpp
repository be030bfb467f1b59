#include "fleetsim/io/spelling.hpp"

#include <algorithm>
#include <cctype>

namespace fleetsim {
namespace {

char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t distance = edit_distance(word, c);
    // About one typo per four letters, so that a suggestion still resembles the word.
    const std::size_t allowed = std::max<std::size_t>(1, (std::max(word.size(), c.size()) + 2) / 4);
    if (distance > allowed) continue;
    if (!best || distance < best_distance) {
      best = c;
      best_distance = distance;
    }
  }
  return best;
}

std::string quoted_list(const std::vector<std::string>& items, std::size_t limit) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
    if (i > 0) text += ", ";
    text += '"' + items[i] + '"';
  }
  if (items.size() > limit) text += ", ... (" + std::to_string(items.size() - limit) + " more)";
  return text;
}

std::string did_you_mean_hint(std::string_view word, const std::vector<std::string>& candidates,
                              std::string_view what) {
  if (candidates.empty()) return {};
  std::string hint;
  if (auto match = closest_match(word, candidates)) hint = "did you mean \"" + *match + "\"? ";
  hint += std::string(what) + ": " + quoted_list(candidates);
  return hint;
}

}  // namespace fleetsim
