// fleetsim plan SCENARIO: the cheapest fleet, among those the scenario's
// `plan:` section allows, that meets every workload's SLOs at its traffic.
// The search is fleet_search.hpp; each candidate runs as a child process.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "active_catalog.hpp"
#include "child_runs.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "resource_guard.hpp"
#include "run_evaluation.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/core/fleet_price.hpp"
#include "fleetsim/io/report_reader.hpp"
#include "fleetsim/workflows/fleet_search.hpp"
#include "fleetsim/workflows/plan_report.hpp"
#include "fleetsim/workflows/pool_removal.hpp"
#include "fleetsim/workflows/report_figures.hpp"
#include "scenario_options.hpp"

namespace fleetsim {
namespace {

struct PlanOptions {
  std::string scenario;
  std::string variant;
  std::vector<std::string> settings;
  std::optional<std::uint64_t> seed;
  bool exhaustive = false;
  int grid_levels = 5;
  bool allow_unstable = false;
  std::string format = "table";
  std::string output;
  int jobs = default_jobs();
  double timeout_s = 0.0;
  LimitOptions limits;  // passed on to every child run
  bool progress = true;
};

class CandidateRunner {
 public:
  CandidateRunner(const PlanOptions& o, const PlanSpec& plan) : o_(o), plan_(plan), fixed_(split_settings(o.settings)) {}

  std::vector<CandidateEvaluation> operator()(const std::vector<FleetCandidate>& candidates) {
    std::vector<CandidateEvaluation> evaluations(candidates.size());
    std::vector<RunRequest> requests;
    std::vector<std::size_t> request_of;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      Overrides overrides;
      std::string why;
      if (!overrides_for(candidates[i], overrides, why)) {
        evaluations[i].note = why;
        continue;
      }
      requests.push_back({o_.scenario, o_.variant, std::move(overrides), o_.seed, o_.limits.arguments, {}});
      request_of.push_back(i);
    }
    const auto outcomes = run_all(
        requests, o_.jobs,
        [&](std::size_t r, const RunOutcome& outcome) {
          ++runs_;
          if (o_.progress)
            spdlog::info("plan: run {}: {}: {} in {:.1f} s", runs_, describe_candidate(plan_, candidates[request_of[r]]),
                         outcome.ok() ? "done" : "FAILED", outcome.seconds);
        },
        ChildLimits{o_.timeout_s});
    crashes_ = std::max(crashes_, crash_status(outcomes, [&](std::size_t r) {
                          return "candidate " + describe_candidate(plan_, candidates[request_of[r]]);
                        }));
    for (std::size_t r = 0; r < outcomes.size(); ++r) {
      const std::size_t i = request_of[r];
      std::optional<nlohmann::ordered_json> report;
      evaluations[i] = evaluate_run(outcomes[r], o_.allow_unstable, report);
      if (!report) continue;
      // N+k: the run had the N serving nodes; the spares are bought too.
      evaluations[i].cost_per_hour += spares_price_per_hour(plan_, candidates[i]);
      // Kept as JSON: the plan's report shows figures by path (plan_report.hpp).
      reports_[describe_candidate(plan_, candidates[i])] = std::move(*report);
    }
    return evaluations;
  }

  // The chosen fleet with the plan's `autoscale:` pools autoscaled, each
  // starting at its chosen count (within the autoscaler's bounds). Pools
  // the fleet left out stay out; spares are bought only for fixed pools.
  AutoscaledAlternative autoscaled(const FleetCandidate& best) {
    AutoscaledAlternative alt;
    Overrides overrides;
    std::string why;
    if (!overrides_for(best, overrides, why)) {
      alt.evaluation.note = why;
      return alt;
    }
    PlanSpec bought = plan_;
    for (std::size_t p = 0; p < plan_.pools.size(); ++p) {
      const PlanPool& pool = plan_.pools[p];
      if (pool.autoscale.empty() || best.counts[p] == 0) continue;
      alt.pools.push_back(pool.pool);
      bought.pools[p].spares = 0;
      overrides.emplace_back("fleet.pools." + pool.pool + ".autoscale", pool.autoscale);
      overrides.emplace_back("fleet.pools." + pool.pool + ".count",
                             std::to_string(std::clamp(best.counts[p], pool.autoscale_min, pool.autoscale_max)));
    }
    if (alt.pools.empty()) {
      alt.evaluation.note = "every pool with autoscale: is left out of the chosen fleet";
      return alt;
    }
    const auto outcomes = run_all({{o_.scenario, o_.variant, std::move(overrides), o_.seed, o_.limits.arguments, {}}},
                                  1, [](std::size_t, const RunOutcome&) {}, ChildLimits{o_.timeout_s});
    crashes_ = std::max(crashes_, crash_status(outcomes, [](std::size_t) { return std::string("the autoscaled alternative"); }));
    alt.evaluation = evaluate_run(outcomes.front(), o_.allow_unstable, alt.report);
    if (alt.report) alt.evaluation.cost_per_hour += spares_price_per_hour(bought, best);
    return alt;
  }

  std::optional<nlohmann::ordered_json> report_of(const FleetCandidate& c) const {
    auto it = reports_.find(describe_candidate(plan_, c));
    if (it == reports_.end()) return std::nullopt;
    return it->second;
  }

 private:
  // The --set overrides that make the base scenario this candidate, checked
  // here so that an invalid one costs no process.
  bool overrides_for(const FleetCandidate& c, Overrides& overrides, std::string& why) {
    overrides = fixed_;
    std::vector<std::string> removed;
    for (std::size_t p = 0; p < plan_.pools.size(); ++p)
      if (c.counts[p] == 0) removed.push_back(plan_.pools[p].pool);
    LoadOptions base;
    base.variant = o_.variant;
    base.overrides = fixed_;
    const auto removal = overrides_removing_pools(o_.scenario, base, removed);
    if (!removal) {
      why = "cannot read the scenario";
      return false;
    }
    overrides.insert(overrides.end(), removal->begin(), removal->end());
    // The plan section names the removed pools; a candidate is a plain scenario.
    overrides.emplace_back("plan", "");
    for (std::size_t p = 0; p < plan_.pools.size(); ++p) {
      if (c.counts[p] == 0) continue;
      const PlanPool& pool = plan_.pools[p];
      if (pool.hardware_listed)
        overrides.emplace_back("fleet.pools." + pool.pool + ".hardware", pool.hardware[c.hardware[p]].name);
      overrides.emplace_back("fleet.pools." + pool.pool + ".count", std::to_string(c.counts[p]));
    }
    LoadOptions options;
    options.variant = o_.variant;
    options.overrides = overrides;
    const LoadResult loaded = load_scenario_file_with_sections(o_.scenario, active_catalog(), options);
    if (loaded.ok()) return true;
    for (const auto& d : loaded.diagnostics)
      if (d.is_error()) {
        why = d.message;
        break;
      }
    return false;
  }

  const PlanOptions& o_;
  const PlanSpec& plan_;
  const Overrides fixed_;
  std::map<std::string, nlohmann::ordered_json> reports_;
  std::size_t runs_ = 0;

 public:
  // 3 when a run crashed (a defect, not an unfit candidate); else 0.
  int crashes() const { return crashes_; }

 private:
  int crashes_ = 0;
};

int plan(const PlanOptions& o) {
  const WorkflowLoad loaded = load_and_report(o.scenario, o.variant, split_settings(o.settings));
  if (!loaded.ok()) return kExitInvalidInput;
  if (!loaded.plan) {
    // The example names the scenario's own pools, so it can be pasted as is.
    std::string pools;
    for (const Pool& pool : loaded.scenario->pools)
      pools += (pools.empty() ? "" : ", ") + pool.name + ": {min: 0, max: " + std::to_string(std::max(4, 4 * pool.count)) + "}";
    std::cerr << "fleetsim: error: " << o.scenario << ": no plan: section, so there is nothing to choose from\n"
              << "  hint: add e.g. plan: {pools: {" << pools << "}} (docs/workflows.md)\n";
    return kExitInvalidInput;
  }
  if (!has_slo(*loaded.scenario)) {
    std::cerr << "fleetsim: error: " << o.scenario << ": no workload sets an slo:, so every fleet would do; "
              << "plan needs latency targets to meet\n";
    return kExitInvalidInput;
  }
  const PlanSpec& spec = *loaded.plan;
  SearchSettings settings;
  settings.exhaustive = o.exhaustive;
  settings.grid_levels = o.grid_levels;
  settings.parallelism = o.jobs;
  for (const Pool& pool : loaded.scenario->pools) {
    const bool planned = std::any_of(spec.pools.begin(), spec.pools.end(), [&](const PlanPool& p) { return p.pool == pool.name; });
    if (planned) continue;
    settings.fixed_price_per_hour += pool_price_per_hour(pool);
    settings.fixed_pools_present = settings.fixed_pools_present || pool.count > 0;
  }

  CandidateRunner runner(o, spec);
  const auto started = std::chrono::steady_clock::now();
  PlanOutcome outcome;
  outcome.scenario = loaded.scenario->name;
  outcome.plan = spec;
  outcome.exhaustive = o.exhaustive;
  outcome.search = search_fleet(spec, settings, [&](const std::vector<FleetCandidate>& batch) { return runner(batch); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& e : outcome.search.evaluated) outcome.reports.push_back(runner.report_of(e.candidate));
  if (spec.has_autoscaled_alternative() && outcome.search.best) {
    outcome.autoscaled = runner.autoscaled(outcome.search.evaluated[*outcome.search.best].candidate);
    if (o.progress) spdlog::info("plan: the chosen fleet with autoscaled pools: {}", outcome.autoscaled->report ? "done" : "FAILED");
  }
  if (o.progress)
    spdlog::info("plan: {} simulation runs (every candidate: {}) in {:.1f} s", outcome.search.simulation_runs,
                 outcome.search.grid_size, seconds);
  const std::string text = o.format == "json"   ? render_plan_json(outcome)
                           : o.format == "html" ? render_plan_html(outcome)
                                                : render_plan_table(outcome);
  if (runner.crashes() != 0) return runner.crashes();  // the search's answer rests on a crashed run
  if (const int rc = emit(text, o.output); rc != kExitOk) return rc;
  // No fleet meets the SLOs: the question has no answer within the plan's bounds.
  return outcome.search.best ? kExitOk : kExitExpectation;
}

}  // namespace

Command add_plan_command(CLI::App& app) {
  auto o = std::make_shared<PlanOptions>();
  auto* cmd = app.add_subcommand("plan", "Find the cheapest fleet (within the scenario's plan: section) that meets every SLO");
  cmd->add_option("scenario", o->scenario, "Scenario file (YAML) with a plan: section")
      ->required()
      ->type_name("FILE.yaml");
  cmd->add_option("--variant", o->variant, "Plan this variant of the scenario");
  add_set_option(cmd, o->settings, "Override a value in every candidate (repeatable): simulation.duration=30min");
  add_seed_option(cmd, o->seed, "Run every candidate with this seed");
  cmd->add_flag("--exhaustive", o->exhaustive, "Run every candidate instead of searching (the reference)");
  cmd->add_flag("--allow-unstable", o->allow_unstable,
                "Accept a fleet whose run the stability check flags (a backlog that grows) when its SLOs held over the "
                "window; by default such a fleet does not meet its SLOs (docs/workflows.md)");
  cmd->add_option("--grid-levels", o->grid_levels, "Coarse grid size per pool before refinement (default 5)")
      ->check(CLI::Range(2, 1000));
  cmd->add_option("--format", o->format, "table, json or html (one page with the cost-versus-SLO chart)")
      ->check(CLI::IsMember({"table", "json", "html"}));
  add_output_option(cmd, o->output);
  add_child_run_options(cmd, o->jobs, o->timeout_s, o->limits, o->progress);
  return {cmd, [o] { return plan(*o); }};
}

}  // namespace fleetsim
