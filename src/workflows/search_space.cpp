#include "search_space.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim::plan_search {
namespace {

// Presence: a pool with min 0 may be left out; one with max 0 always is.
std::vector<std::vector<bool>> presences_of(const PlanSpec& plan) {
  std::vector<std::vector<bool>> presences = {{}};
  for (const PlanPool& pool : plan.pools) {
    std::vector<std::vector<bool>> next;
    for (const auto& partial : presences)
      for (bool present : {true, false}) {
        if (present && pool.max_count == 0) continue;
        if (!present && pool.min_count > 0) continue;
        auto c = partial;
        c.push_back(present);
        next.push_back(std::move(c));
      }
    presences = std::move(next);
  }
  return presences;
}

// Hardware matters only for present pools: an absent one has the single choice 0.
std::vector<std::vector<std::size_t>> hardware_choices(const PlanSpec& plan, const std::vector<bool>& present) {
  std::vector<std::vector<std::size_t>> choices = {{}};
  for (std::size_t p = 0; p < plan.pools.size(); ++p) {
    std::vector<std::vector<std::size_t>> next;
    const std::size_t options = present[p] ? plan.pools[p].hardware.size() : 1;
    for (const auto& partial : choices)
      for (std::size_t h = 0; h < options; ++h) {
        auto c = partial;
        c.push_back(h);
        next.push_back(std::move(c));
      }
    choices = std::move(next);
  }
  return choices;
}

}  // namespace

std::vector<Configuration> enumerate_configurations(const PlanSpec& plan, bool fixed_pools_present) {
  const std::size_t n = plan.pools.size();
  std::vector<Configuration> configs;
  for (const auto& present : presences_of(plan)) {
    if (!fixed_pools_present && std::none_of(present.begin(), present.end(), [](bool b) { return b; }))
      continue;  // an empty fleet
    for (const auto& hardware : hardware_choices(plan, present)) {
      Configuration c;
      c.hardware = hardware;
      for (std::size_t p = 0; p < n; ++p) {
        c.lo.push_back(present[p] ? std::max(1, plan.pools[p].min_count) : 0);
        c.hi.push_back(present[p] ? plan.pools[p].max_count : 0);
      }
      configs.push_back(std::move(c));
    }
  }
  return configs;
}

std::size_t candidate_count(const Configuration& c) {
  std::size_t n = 1;
  for (std::size_t p = 0; p < c.lo.size(); ++p) n *= static_cast<std::size_t>(c.hi[p] - c.lo[p] + 1);
  return n;
}

bool dominates(const std::vector<int>& a, const std::vector<int>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] < b[i]) return false;
  return true;
}

std::vector<int> levels(int lo, int hi, int max_levels) {
  std::vector<int> out;
  const int n = hi - lo + 1;
  if (n <= max_levels || max_levels < 2) {
    for (int v = lo; v <= hi; ++v) out.push_back(v);
    return out;
  }
  for (int i = 0; i < max_levels; ++i) {
    const int v = lo + static_cast<int>(std::lround(static_cast<double>(i) * (hi - lo) / (max_levels - 1)));
    if (out.empty() || out.back() != v) out.push_back(v);
  }
  return out;
}

std::vector<std::vector<int>> combinations(const std::vector<int>& base, const std::vector<std::size_t>& pools,
                                           const std::vector<std::vector<int>>& sets) {
  std::vector<std::vector<int>> out = {base};
  for (std::size_t k = 0; k < pools.size(); ++k) {
    std::vector<std::vector<int>> next;
    for (const auto& partial : out)
      for (int v : sets[k]) {
        auto c = partial;
        c[pools[k]] = v;
        next.push_back(std::move(c));
      }
    out = std::move(next);
  }
  return out;
}

}  // namespace fleetsim::plan_search
