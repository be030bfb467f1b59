#include "fleetsim/workflows/fleet_search.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "fleetsim/core/fleet_price.hpp"
#include "search_findings.hpp"
#include "search_space.hpp"

namespace fleetsim {
namespace {

using plan_search::candidate_count;
using plan_search::combinations;
using plan_search::Configuration;
using plan_search::dominates;
using plan_search::enumerate_configurations;
using plan_search::levels;
using plan_search::monotonicity_warning;
using plan_search::pareto_frontier;

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
// Refining several grid pools at once multiplies candidates; beyond this many
// grid points, refine one pool at a time.
constexpr std::size_t kMaxRefinementPoints = 256;
constexpr std::size_t kMaxWarnings = 5;

// One bisection over `pool`'s count with the other counts fixed (or, with
// pool == kNone, one candidate).
struct Task {
  std::size_t config = 0;
  std::vector<int> counts;
  std::size_t pool = kNone;
  int lo = 0, hi = 0;
  bool top_known_feasible = false;
  bool done = false;
};

class Search {
 public:
  Search(const PlanSpec& plan, const SearchSettings& settings, const BatchEvaluator& evaluate)
      : plan_(plan), settings_(settings), evaluate_(evaluate) {}

  SearchResult run() {
    configs_ = enumerate_configurations(plan_, settings_.fixed_pools_present);
    result_.configurations = configs_.size();
    for (const auto& c : configs_) result_.grid_size += candidate_count(c);
    if (settings_.exhaustive)
      run_exhaustive();
    else
      run_bisections();
    finish();
    return std::move(result_);
  }

 private:
  FleetCandidate candidate(std::size_t config, const std::vector<int>& counts) const {
    return {counts, configs_[config].hardware};
  }

  double price(std::size_t config, const std::vector<int>& counts) const {
    return candidate_price_per_hour(plan_, candidate(config, counts), settings_.fixed_price_per_hour);
  }

  // Feasibility known from a run, or implied by monotonicity.
  std::optional<bool> known(std::size_t config, const std::vector<int>& counts) const {
    if (auto it = done_.find({config, counts}); it != done_.end()) return result_.evaluated[it->second].evaluation.feasible;
    if (settings_.exhaustive) return std::nullopt;
    const auto runs = by_config_.find(config);
    if (runs == by_config_.end()) return std::nullopt;
    for (std::size_t i : runs->second) {
      const EvaluatedCandidate& e = result_.evaluated[i];
      if (!e.evaluation.simulated) continue;
      if (e.evaluation.feasible && dominates(counts, e.candidate.counts)) return true;
      if (!e.evaluation.feasible && dominates(e.candidate.counts, counts)) return false;
    }
    return std::nullopt;
  }

  void evaluate(const std::vector<std::pair<std::size_t, std::vector<int>>>& batch) {
    if (batch.empty()) return;
    std::vector<FleetCandidate> candidates;
    for (const auto& [config, counts] : batch) candidates.push_back(candidate(config, counts));
    const std::vector<CandidateEvaluation> evaluations = evaluate_(candidates);
    ++result_.rounds;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const CandidateEvaluation e = i < evaluations.size() ? evaluations[i] : CandidateEvaluation{};
      const std::size_t index = result_.evaluated.size();
      result_.evaluated.push_back({candidates[i], e});
      done_[batch[i]] = index;
      by_config_[batch[i].first].push_back(index);
      if (e.simulated) ++result_.simulation_runs;
      if (e.simulated && e.feasible && better(e, result_.best)) result_.best = index;
    }
  }

  bool better(const CandidateEvaluation& e, const std::optional<std::size_t>& than) const {
    if (!than) return true;
    const CandidateEvaluation& b = result_.evaluated[*than].evaluation;
    return e.cost_per_hour < b.cost_per_hour || (e.cost_per_hour == b.cost_per_hour && e.slo_pressure < b.slo_pressure);
  }

  std::optional<double> best_cost() const {
    if (!result_.best) return std::nullopt;
    return result_.evaluated[*result_.best].evaluation.cost_per_hour;
  }

  void run_exhaustive() {
    std::vector<std::pair<std::size_t, std::vector<int>>> batch;
    for (std::size_t c = 0; c < configs_.size(); ++c) {
      std::vector<std::size_t> pools;
      std::vector<std::vector<int>> sets;
      for (std::size_t p = 0; p < plan_.pools.size(); ++p) {
        pools.push_back(p);
        sets.push_back(levels(configs_[c].lo[p], configs_[c].hi[p], 0));
      }
      for (auto& counts : combinations(std::vector<int>(plan_.pools.size(), 0), pools, sets))
        batch.emplace_back(c, std::move(counts));
    }
    evaluate(batch);
  }

  // The present pool with the widest range is bisected; the others form the grid.
  std::size_t bisected_pool(const Configuration& c) const {
    std::size_t pool = kNone;
    for (std::size_t p = 0; p < c.lo.size(); ++p)
      if (c.hi[p] > c.lo[p] && (pool == kNone || c.hi[p] - c.lo[p] > c.hi[pool] - c.lo[pool])) pool = p;
    return pool;
  }

  void add_tasks(std::size_t config, const std::vector<std::vector<int>>& grid_points) {
    const Configuration& c = configs_[config];
    const std::size_t b = bisected_pool(c);
    for (const auto& counts : grid_points) {
      if (!tasked_.insert({config, counts}).second) continue;
      Task t;
      t.config = config;
      t.counts = counts;
      t.pool = b;
      if (b != kNone) {
        t.lo = c.lo[b];
        t.hi = c.hi[b];
      }
      tasks_.push_back(std::move(t));
    }
  }

  // Grid pools and their coarse levels.
  void grid(const Configuration& c, std::vector<std::size_t>& pools, std::vector<std::vector<int>>& sets) const {
    const std::size_t b = bisected_pool(c);
    for (std::size_t p = 0; p < c.lo.size(); ++p) {
      if (p == b) continue;
      pools.push_back(p);
      sets.push_back(levels(c.lo[p], c.hi[p], settings_.grid_levels));
    }
  }

  std::vector<int> grid_base(const Configuration& c) const {
    std::vector<int> base(c.lo.size(), 0);
    for (std::size_t p = 0; p < c.lo.size(); ++p) base[p] = c.lo[p];
    return base;
  }

  // The candidates this task needs run next: up to `width` of them (more
  // than one only to keep spare cores busy), or none when it is done.
  std::vector<std::vector<int>> next(Task& t, int width) {
    auto at = [&](int n) {
      auto c = t.counts;
      c[t.pool] = n;
      return c;
    };
    if (t.done) return {};
    if (t.pool == kNone) {
      const auto k = known(t.config, t.counts);
      const auto best = best_cost();
      if (k || (best && price(t.config, t.counts) >= *best)) {
        t.done = true;
        return {};
      }
      return {t.counts};
    }
    std::vector<std::vector<int>> proposals;
    if (!t.top_known_feasible) {
      auto k = known(t.config, at(t.hi));
      if (!k) {
        // Before the top is run: no count whose node price alone reaches
        // the best cost so far can improve on it.
        if (const auto best = best_cost())
          while (t.hi >= t.lo && price(t.config, at(t.hi)) >= *best) --t.hi;
        if (t.hi < t.lo) {
          t.done = true;
          return {};
        }
        k = known(t.config, at(t.hi));
      }
      if (!k) {
        proposals.push_back(at(t.hi));
        if (--width <= 0) return proposals;
      } else if (!*k) {  // nothing in range meets the SLOs
        t.done = true;
        return {};
      } else {
        t.top_known_feasible = true;
      }
    }
    // The smallest feasible count is in [lo, hi] (hi feasible, or about to be
    // run): narrow it with what is known, then split what is left.
    for (int n = t.lo; n < t.hi; ++n)
      if (known(t.config, at(n)).value_or(false)) {
        t.hi = n;
        t.top_known_feasible = true;
        break;
      }
    for (int n = t.hi - 1; n >= t.lo; --n)
      if (!known(t.config, at(n)).value_or(true)) {
        t.lo = n + 1;
        break;
      }
    if (t.top_known_feasible && t.lo >= t.hi) {
      t.done = true;  // t.hi is the smallest feasible count
      return {};
    }
    // Every count left costs at least the smallest's node price: if that
    // reaches the best so far, nothing here can improve on it.
    if (const auto best = best_cost(); best && proposals.empty() && price(t.config, at(t.lo)) >= *best) {
      t.done = true;
      return {};
    }
    for (int i = 1; i <= width && t.lo < t.hi; ++i) {
      const int n = t.lo + static_cast<int>(static_cast<long>(t.hi - t.lo) * i / (width + 1));
      if (known(t.config, at(n))) continue;
      auto c = at(n);
      if (std::find(proposals.begin(), proposals.end(), c) == proposals.end()) proposals.push_back(std::move(c));
    }
    return proposals;
  }

  // Around a configuration's cheapest feasible point: every count between the
  // neighbouring coarse levels of each grid pool.
  bool refine(std::size_t config) {
    Configuration& c = configs_[config];
    if (c.refined) return false;
    c.refined = true;
    std::optional<std::size_t> best;
    for (std::size_t i : by_config_[config]) {
      const auto& e = result_.evaluated[i].evaluation;
      if (e.simulated && e.feasible && better(e, best)) best = i;
    }
    if (!best) return false;
    const std::vector<int>& at = result_.evaluated[*best].candidate.counts;
    std::vector<std::size_t> pools;
    std::vector<std::vector<int>> coarse;
    grid(c, pools, coarse);
    std::vector<std::vector<int>> fine;
    std::size_t product = 1;
    for (std::size_t k = 0; k < pools.size(); ++k) {
      const auto& l = coarse[k];
      const int v = at[pools[k]];
      const auto it = std::lower_bound(l.begin(), l.end(), v);
      const int below = it == l.begin() ? c.lo[pools[k]] : *(it - 1) + 1;
      const int above = (it == l.end() || it + 1 == l.end()) ? c.hi[pools[k]] : *(it + 1) - 1;
      std::vector<int> values;
      for (int x = std::min(below, v); x <= std::max(above, v); ++x) values.push_back(x);
      product *= values.size();
      fine.push_back(std::move(values));
    }
    const std::size_t before = tasks_.size();
    if (product <= kMaxRefinementPoints) {
      add_tasks(config, combinations(at, pools, fine));
    } else {
      for (std::size_t k = 0; k < pools.size(); ++k) {
        std::vector<std::vector<int>> one(pools.size());
        for (std::size_t j = 0; j < pools.size(); ++j) one[j] = j == k ? fine[j] : std::vector<int>{at[pools[j]]};
        add_tasks(config, combinations(at, pools, one));
      }
    }
    return tasks_.size() > before;
  }

  void run_bisections() {
    for (std::size_t c = 0; c < configs_.size(); ++c) {
      std::vector<std::size_t> pools;
      std::vector<std::vector<int>> sets;
      grid(configs_[c], pools, sets);
      add_tasks(c, combinations(grid_base(configs_[c]), pools, sets));
    }
    while (true) {
      // One candidate per unfinished task; cores left over go to splitting
      // the bisections' intervals further.
      std::vector<std::pair<std::size_t, std::vector<int>>> batch;
      auto collect = [&](int width) {
        batch.clear();
        for (Task& t : tasks_)
          for (auto& counts : next(t, width)) {
            std::pair<std::size_t, std::vector<int>> item(t.config, std::move(counts));
            if (std::find(batch.begin(), batch.end(), item) == batch.end()) batch.push_back(std::move(item));
          }
      };
      collect(1);
      const std::size_t open = static_cast<std::size_t>(
          std::count_if(tasks_.begin(), tasks_.end(), [](const Task& t) { return !t.done; }));
      const int parallelism = std::max(1, settings_.parallelism);
      if (!batch.empty() && batch.size() < static_cast<std::size_t>(parallelism) && open > 0)
        collect(std::max(1, parallelism / static_cast<int>(open)));
      if (batch.empty()) {
        bool more = false;
        for (std::size_t c = 0; c < configs_.size(); ++c) more = refine(c) || more;
        if (!more) break;
        continue;
      }
      evaluate(batch);
    }
  }

  void finish() {
    result_.frontier = pareto_frontier(result_.evaluated);
    for (std::size_t c = 0; c < configs_.size() && result_.warnings.size() < kMaxWarnings; ++c) {
      const auto runs = by_config_.find(c);
      if (runs == by_config_.end()) continue;
      if (auto warning = monotonicity_warning(plan_, result_.evaluated, runs->second, settings_.exhaustive))
        result_.warnings.push_back(std::move(*warning));
    }
  }

  const PlanSpec& plan_;
  const SearchSettings& settings_;
  const BatchEvaluator& evaluate_;
  std::vector<Configuration> configs_;
  std::vector<Task> tasks_;
  std::set<std::pair<std::size_t, std::vector<int>>> tasked_;
  std::map<std::pair<std::size_t, std::vector<int>>, std::size_t> done_;
  std::map<std::size_t, std::vector<std::size_t>> by_config_;
  SearchResult result_;
};

}  // namespace

SearchResult search_fleet(const PlanSpec& plan, const SearchSettings& settings, const BatchEvaluator& evaluate) {
  return Search(plan, settings, evaluate).run();
}

double candidate_price_per_hour(const PlanSpec& plan, const FleetCandidate& candidate, double fixed_price_per_hour) {
  double price = fixed_price_per_hour;
  for (std::size_t p = 0; p < plan.pools.size() && p < candidate.counts.size(); ++p) {
    if (candidate.counts[p] <= 0) continue;  // a pool left out: its hardware index means nothing
    const PlanHardware& node = plan.pools[p].hardware[candidate.hardware[p]];
    price += nodes_price_per_hour(plan.pools[p].bought(candidate.counts[p]), node.price_per_hour_usd);
  }
  return price;
}

double spares_price_per_hour(const PlanSpec& plan, const FleetCandidate& candidate) {
  double price = 0.0;
  for (std::size_t p = 0; p < plan.pools.size() && p < candidate.counts.size(); ++p) {
    const PlanPool& pool = plan.pools[p];
    if (candidate.counts[p] <= 0 || pool.spares <= 0) continue;
    price += nodes_price_per_hour(pool.spares, pool.hardware[candidate.hardware[p]].price_per_hour_usd);
  }
  return price;
}

std::string describe_candidate(const PlanSpec& plan, const FleetCandidate& candidate) {
  std::string text;
  for (std::size_t p = 0; p < plan.pools.size() && p < candidate.counts.size(); ++p) {
    if (!text.empty()) text += ", ";
    text += plan.pools[p].pool + " ";
    const PlanPool& pool = plan.pools[p];
    text += candidate.counts[p] == 0 ? "-"
                                     : fmt::format("{} x {}{}", candidate.counts[p], pool.hardware[candidate.hardware[p]].name,
                                                   pool.spares > 0 ? fmt::format(" + {} spare", pool.spares) : "");
  }
  return text;
}

}  // namespace fleetsim
