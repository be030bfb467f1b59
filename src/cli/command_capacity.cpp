// fleetsim capacity SCENARIO: the most traffic the scenario's fleet serves
// within every SLO in a steady run, as a factor on every arrival rate. The
// search is capacity_search.hpp; each traffic level runs as a child process
// (`fleetsim run --traffic-scale F`).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "child_runs.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "resource_guard.hpp"
#include "run_evaluation.hpp"
#include "fleetsim/io/report_reader.hpp"
#include "fleetsim/io/report_text.hpp"
#include "fleetsim/workflows/capacity_report.hpp"
#include "fleetsim/workflows/report_figures.hpp"
#include "scenario_options.hpp"

namespace fleetsim {
namespace {

struct CapacityOptions {
  std::string scenario;
  std::string variant;
  std::vector<std::string> settings;
  std::optional<std::uint64_t> seed;
  CapacitySettings search;
  bool allow_unstable = false;
  std::string format = "table";
  std::string output;
  int jobs = default_jobs();
  double timeout_s = 0.0;
  LimitOptions limits;
  bool progress = true;
};

// What a run at one traffic level missed, in a few words: the SLOs it broke,
// then the backlog its stability check found. Empty when it missed nothing.
std::string what_missed(const Report& report) {
  std::vector<std::string> parts;
  for (const WorkloadReport& w : report.workloads)
    for (const SloResult& s : w.slos)
      if (!s.met)
        parts.push_back(fmt::format("{} {} p{:g} {} > {}", w.name, s.metric, s.percentile,
                                    report_text::duration(s.observed_s), report_text::duration(s.bound_s)));
  for (const StabilityFinding& f : report.stability.findings) {
    const std::string text = f.kind == "no_session_completed"   ? "no session completed"
                             : f.kind == "sessions_accumulating" ? "sessions of " + f.workload + " accumulate"
                             : f.kind == "tool_pool_backlog_growing" ? "tool backlog grows in pool " + f.pool
                                                                     : "backlog grows in pool " + f.pool;
    if (std::find(parts.begin(), parts.end(), text) == parts.end()) parts.push_back(text);
  }
  std::string text;
  for (const std::string& p : parts) text += (text.empty() ? "" : "; ") + p;
  return text;
}

int capacity(const CapacityOptions& o) {
  if (!(o.search.min_scale < o.search.max_scale) || o.search.start < o.search.min_scale ||
      o.search.start > o.search.max_scale) {
    std::cerr << "fleetsim: error: --start must lie within [--min-scale, --max-scale], and --min-scale below "
                 "--max-scale\n";
    return kExitUsage;
  }
  // Loaded as the largest run would be: what a scaled run refuses (a trace
  // replayed by its times) is refused here, at its line, before any run.
  const WorkflowLoad loaded =
      load_and_report(o.scenario, o.variant, split_settings(o.settings), {}, o.search.max_scale);
  if (!loaded.ok()) return kExitInvalidInput;
  if (!loaded.cells.empty()) {
    std::cerr << "fleetsim: error: " << o.scenario << " declares cells; capacity scales one fleet's traffic\n"
              << "  hint: find one cell's capacity with --set over its parts, or remove the cells: section\n";
    return kExitInvalidInput;
  }
  if (!has_slo(*loaded.scenario)) {
    std::cerr << "fleetsim: error: " << o.scenario << ": no workload sets an slo:, so any traffic would do; "
              << "capacity needs latency targets to meet\n";
    return kExitInvalidInput;
  }
  // The rates as written: the load above scaled them by --max-scale.
  CapacityOutcome outcome;
  outcome.scenario = loaded.scenario->name;
  outcome.settings = o.search;
  outcome.settings.parallelism = o.jobs;
  for (const Workload& w : loaded.scenario->workloads)
    outcome.workloads.push_back({w.name, w.arrivals.rate_per_s / o.search.max_scale});

  std::map<double, std::string> missed;  // by scale
  int crashes = 0;
  std::size_t runs = 0;
  const Overrides fixed = split_settings(o.settings);
  const CapacityEvaluator evaluate = [&](const std::vector<double>& scales) {
    std::vector<RunRequest> requests;
    for (double s : scales) {
      RunRequest request{o.scenario, o.variant, fixed, o.seed, o.limits.arguments, {}};
      request.traffic_scale = s;
      requests.push_back(std::move(request));
    }
    const auto outcomes = run_all(
        requests, o.jobs,
        [&](std::size_t i, const RunOutcome& outcome) {
          ++runs;
          if (o.progress)
            spdlog::info("capacity: run {}: {:.4g}x the traffic: {} in {:.1f} s", runs, scales[i],
                         outcome.ok() ? "done" : "FAILED", outcome.seconds);
        },
        ChildLimits{o.timeout_s});
    crashes = std::max(crashes, crash_status(outcomes, [&](std::size_t i) {
                         return fmt::format("the run at {:.4g}x the traffic", scales[i]);
                       }));
    std::vector<CandidateEvaluation> evaluations;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      std::optional<nlohmann::ordered_json> json;
      evaluations.push_back(evaluate_run(outcomes[i], o.allow_unstable, json));
      std::string error;
      const std::optional<Report> report = json ? report_from_json(*json, error) : std::nullopt;
      missed[scales[i]] = report ? what_missed(*report) : std::string();
    }
    return evaluations;
  };
  outcome.result = search_capacity(outcome.settings, evaluate);
  for (const CapacityProbe& p : outcome.result.probes) outcome.missed.push_back(missed[p.scale]);
  if (o.progress) spdlog::info("capacity: {} simulation runs", runs);

  if (crashes != 0) return crashes;  // the answer rests on a crashed run
  for (const CapacityProbe& p : outcome.result.probes)
    if (!p.evaluation.simulated) {
      std::cerr << "fleetsim: error: " << capacity_stop_reason(outcome.settings, outcome.result) << "\n";
      return kExitInvalidInput;
    }
  const std::string text = o.format == "json" ? render_capacity_json(outcome) : render_capacity_table(outcome);
  if (const int rc = emit(text, o.output); rc != kExitOk) return rc;
  // No traffic level met the SLOs: the question has no answer within the bounds.
  return outcome.result.capacity() ? kExitOk : kExitExpectation;
}

}  // namespace

Command add_capacity_command(CLI::App& app) {
  auto o = std::make_shared<CapacityOptions>();
  auto* cmd = app.add_subcommand(
      "capacity", "Find the most traffic (a factor on every arrival rate) the fleet serves within every SLO");
  cmd->add_option("scenario", o->scenario, "Scenario file (YAML) whose workloads set slo:")
      ->required()
      ->type_name("FILE.yaml");
  cmd->add_option("--variant", o->variant, "Use this variant of the scenario");
  add_set_option(cmd, o->settings, "Override a value in every run (repeatable): fleet.pools.gpu.count=4");
  add_seed_option(cmd, o->seed, "Run every traffic level with this seed");
  cmd->add_option("--precision", o->search.precision,
                  "Stop when the highest level that passed and the lowest that failed are within this fraction "
                  "(default 0.01)")
      ->check(CLI::Range(1e-6, 10.0));
  cmd->add_option("--start", o->search.start, "The first traffic factor tried (default 1: the scenario as written)")
      ->check(CLI::Range(1e-9, 1e9))
      ->type_name("FACTOR");
  cmd->add_option("--min-scale", o->search.min_scale, "Give up below this factor (default 1/1024)")
      ->check(CLI::Range(1e-9, 1e9))
      ->type_name("FACTOR");
  cmd->add_option("--max-scale", o->search.max_scale, "Stop above this factor (default 1024)")
      ->check(CLI::Range(1e-9, 1e6))
      ->type_name("FACTOR");
  cmd->add_flag("--allow-unstable", o->allow_unstable,
                "Count a traffic level whose run the stability check flags (a backlog that grows) as served when its "
                "SLOs held over the window (docs/workflows.md)");
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  add_output_option(cmd, o->output);
  add_child_run_options(cmd, o->jobs, o->timeout_s, o->limits, o->progress);
  return {cmd, [o] { return capacity(*o); }};
}

}  // namespace fleetsim
