// fleetsim sweep SCENARIO: run a scenario at many points (ranges and lists of
// `--set` values, or a sweep file), each point R times with successive seeds,
// in parallel child processes; one row of key figures per point.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "active_catalog.hpp"
#include "child_runs.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "resource_guard.hpp"
#include "fleetsim/io/input_file.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/workflows/report_figures.hpp"
#include "fleetsim/workflows/sweep.hpp"
#include "fleetsim/workflows/sweep_results.hpp"
#include "scenario_options.hpp"

namespace fleetsim {
namespace {

struct SweepOptions {
  std::string scenario;
  std::string sweep_file;
  std::vector<std::string> settings;
  std::string mode;
  std::optional<int> replications;
  std::optional<std::uint64_t> seed;
  std::string variant;
  int jobs = default_jobs();
  double timeout_s = 0.0;
  LimitOptions limits;  // passed on to every child run
  std::string shard;
  std::string output;  // CSV
  std::string jsonl;
  std::string html;
  bool progress = true;
};

// A point ready to run: its settings after the fixed overrides, its seeds.
struct PlannedPoint {
  SweepPoint point;
  std::vector<std::uint64_t> seeds;
  std::vector<Diagnostic> diagnostics;  // why it cannot run, if it cannot
  bool valid = false;
};

std::string describe(const SweepPoint& point) {
  std::string text;
  for (const auto& [path, value] : point.settings) text += (text.empty() ? "" : ", ") + path + "=" + value;
  return text.empty() ? "the scenario as written" : text;
}

// The scenario's bytes for the sweep id; it was read (and so is readable) already.
std::string read_bytes(const std::string& path) {
  std::string error;
  return read_input_file(path, error).value_or("");
}

// The line of a failed child's stderr that says most: its first error.
std::string failure_reason(const RunOutcome& outcome) {
  std::istringstream lines(outcome.errors);
  std::string line, last;
  // A child the runner stopped, or one a signal killed: the runner's verdict,
  // its first line, is the reason, whatever the child printed as it went.
  if ((outcome.timed_out || outcome.signal != 0) && std::getline(lines, line)) return line;
  while (std::getline(lines, line)) {
    if (line.find("error") != std::string::npos) return line;
    if (!line.empty()) last = line;
  }
  return last.empty() ? "fleetsim run " + describe_exit(outcome) : last;
}

// Splits the command line's --set into fixed overrides and swept parameters.
bool read_settings(const SweepOptions& o, Overrides& fixed, SweepSpec& spec) {
  for (const auto& [path, text] : split_settings(o.settings)) {
    std::string error;
    std::vector<std::string> values = sweep_values(text, error);
    if (!error.empty()) {
      std::cerr << "fleetsim: error: --set " << path << "=" << text << ": " << error << "\n";
      return false;
    }
    if (values.size() == 1)
      fixed.emplace_back(path, values.front());
    else
      spec.parameters.push_back({path, std::move(values)});
  }
  return true;
}

// The points to run and how: the sweep file's spec with the command line's
// --set, --mode, --replications and --shard over it. kExitOk, or why not.
int read_sweep_spec(const SweepOptions& o, SweepSpec& spec, Overrides& fixed, Shard& shard) {
  if (!o.sweep_file.empty()) {
    SweepFile file = load_sweep_file(o.sweep_file);
    print_diagnostics(file.diagnostics);
    if (!file.ok()) return kExitInvalidInput;
    spec = file.spec;
  }
  if (!read_settings(o, fixed, spec)) return kExitUsage;
  if (!o.mode.empty()) spec.mode = o.mode == "zip" ? SweepMode::zip : SweepMode::cross;
  if (o.replications) spec.replications = *o.replications;
  if (!o.shard.empty() && !read_shard_option(o.shard, shard)) return kExitUsage;
  if (spec.parameters.empty())
    spdlog::warn("sweep: no parameter has more than one value; running one point");
  return kExitOk;
}

// The points of this shard, each validated, and the child runs of the valid ones.
struct SweepPlan {
  std::vector<PlannedPoint> planned;
  std::vector<RunRequest> requests;
  std::vector<std::pair<std::size_t, std::size_t>> request_of;  // request -> (planned, replication)
};

// Seeds first, first+1, ... must not wrap past 2^64-1 into seeds of other runs.
bool seeds_fit(std::uint64_t first, int replications) {
  const std::uint64_t largest = std::numeric_limits<std::uint64_t>::max();
  if (first <= largest - static_cast<std::uint64_t>(replications - 1)) return true;
  std::cerr << "fleetsim: error: seed " << first << " with " << plural(replications, "replication")
            << " would pass the largest seed, " << largest << "; expected a first seed of at most "
            << largest - static_cast<std::uint64_t>(replications - 1) << "\n";
  return false;
}

// Validates every point here (milliseconds each), so that an invalid value
// is reported with its point and costs no process. kExitOk, or why not.
int plan_points(const SweepOptions& o, const SweepSpec& spec, const Overrides& fixed,
                const std::vector<SweepPoint>& points, const Shard& shard, SweepPlan& plan) {
  for (const SweepPoint& point : points) {
    if (!shard.contains(point.index)) continue;
    PlannedPoint p;
    p.point = point;
    Overrides overrides = fixed;
    overrides.insert(overrides.end(), point.settings.begin(), point.settings.end());
    LoadOptions options;
    options.variant = o.variant;
    options.overrides = overrides;
    LoadResult loaded = load_scenario_file_with_sections(o.scenario, active_catalog(), options);
    p.valid = loaded.ok();
    p.diagnostics = std::move(loaded.diagnostics);
    if (p.valid) {
      const std::uint64_t first = o.seed ? *o.seed : loaded.scenario->simulation.seed;
      if (!seeds_fit(first, spec.replications)) return kExitUsage;
      for (int r = 0; r < spec.replications; ++r) {
        p.seeds.push_back(first + static_cast<std::uint64_t>(r));
        plan.request_of.emplace_back(plan.planned.size(), static_cast<std::size_t>(r));
        plan.requests.push_back({o.scenario, o.variant, overrides, p.seeds.back(), o.limits.arguments, {}});
      }
    }
    plan.planned.push_back(std::move(p));
  }
  const auto& planned = plan.planned;
  const bool none_valid = std::none_of(planned.begin(), planned.end(), [](const PlannedPoint& p) { return p.valid; });
  if (!planned.empty() && none_valid) {
    std::cerr << "fleetsim: error: every point of the sweep is invalid; the first, " << describe(planned.front().point)
              << ":\n";
    print_diagnostics(planned.front().diagnostics);
    return kExitInvalidInput;
  }
  return kExitOk;
}

using FigureList = std::vector<std::pair<std::string, std::optional<double>>>;

// What the children gave, by point and replication. Each replication's
// figures and failure keep their seed's slot, so that the means sum in seed
// order and the failure reported is the first seed's, whatever order the
// children finish in: same sweep, same bytes.
struct SweepRuns {
  std::vector<RunOutcome> outcomes;
  std::vector<std::vector<std::optional<FigureList>>> figures;
  std::vector<std::vector<std::string>> failures;
};

SweepRuns run_points(const SweepOptions& o, const SweepPlan& plan) {
  const auto& planned = plan.planned;
  SweepRuns runs;
  runs.figures.resize(planned.size());
  runs.failures.resize(planned.size());
  for (std::size_t k = 0; k < planned.size(); ++k) {
    runs.figures[k].resize(planned[k].seeds.size());
    runs.failures[k].resize(planned[k].seeds.size());
  }
  std::size_t done = 0;
  runs.outcomes = run_all(plan.requests, o.jobs, [&](std::size_t i, const RunOutcome& outcome) {
    const auto [k, r] = plan.request_of[i];
    const PlannedPoint& p = planned[k];
    std::string parse_error;
    std::optional<nlohmann::ordered_json> report;
    if (outcome.ok()) report = parse_report(outcome.report, parse_error);
    if (report) {
      auto& list = runs.figures[k][r].emplace();
      for (const Figure& f : key_figures(*report)) list.emplace_back(f.path, f.value);
    } else {
      runs.failures[k][r] = "seed " + std::to_string(p.seeds[r]) + ": " +
                            (outcome.ok() ? "unreadable report: " + parse_error : failure_reason(outcome));
    }
    ++done;
    if (o.progress)
      spdlog::info("sweep: [{}/{}] point {} ({}) seed {}: {} in {:.1f} s", done, plan.requests.size(), p.point.index,
                   describe(p.point), p.seeds[r], report ? "done" : "FAILED", outcome.seconds);
  }, ChildLimits{o.timeout_s});
  return runs;
}

// A point's error: its first diagnostic error if it was invalid, else its
// first failed replication's; empty when it ran.
std::string point_error(const PlannedPoint& p, const std::vector<std::string>& failures) {
  if (!p.valid) {
    for (const auto& d : p.diagnostics)
      if (d.is_error()) return d.format();
    return {};
  }
  for (const std::string& failure : failures)
    if (!failure.empty()) return failure;
  return {};
}

// One row per point: its figures over the replications in seed order, or
// its error (also reported on stderr). `all_ok` is cleared by a failed point.
std::vector<SweepRow> sweep_rows(const SweepPlan& plan, SweepRuns& runs, bool& all_ok) {
  std::vector<SweepRow> rows;
  for (std::size_t k = 0; k < plan.planned.size(); ++k) {
    const PlannedPoint& p = plan.planned[k];
    SweepRow row;
    row.point = p.point.index;
    row.parameters = p.point.settings;
    row.seeds = p.seeds;
    row.error = point_error(p, runs.failures[k]);
    if (row.ok()) {
      std::vector<FigureList> in_seed_order;
      for (auto& list : runs.figures[k])
        if (list) in_seed_order.push_back(std::move(*list));
      row.figures = summarize_replications(in_seed_order);
    }
    if (!row.ok()) {
      all_ok = false;
      std::cerr << "fleetsim: error: sweep point " << row.point << " (" << describe(p.point) << ") failed: " << row.error
                << "\n";
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// The JSON lines, CSV and HTML asked for, then the summary table unless one
// of them went to stdout. A file that cannot be written turns a success into
// kExitInvalidInput.
int write_sweep(const SweepOptions& o, const SweepHeader& header, const std::vector<SweepRow>& rows,
                int replications, int status) {
  if (!o.jsonl.empty()) {
    std::string text;
    for (const SweepRow& row : rows) text += sweep_jsonl_line(header, row);
    if (emit(text, o.jsonl) != kExitOk && status == kExitOk) status = kExitInvalidInput;
  }
  if (!o.output.empty() && emit(sweep_csv(rows, replications), o.output) != kExitOk && status == kExitOk)
    status = kExitInvalidInput;
  if (!o.html.empty() && emit(render_sweep_html(header, rows, replications), o.html) != kExitOk &&
      status == kExitOk)
    status = kExitInvalidInput;
  if (o.output != "-" && o.jsonl != "-" && o.html != "-") {
    std::cout << "fleetsim sweep: " << header.scenario << ", " << plural(rows.size(), "point")
              << (o.shard.empty() ? "" : " (shard " + o.shard + ")") << ", "
              << plural(static_cast<std::size_t>(replications), "replication") << " each; sweep id "
              << header.sweep_id << "\n\n"
              << sweep_summary_table(rows, replications);
  }
  return status;
}

int sweep(const SweepOptions& o) {
  SweepSpec spec;
  Overrides fixed;
  Shard shard;
  if (const int status = read_sweep_spec(o, spec, fixed, shard); status != kExitOk) return status;

  const LoadResult base = load_and_report(o.scenario, o.variant, fixed);
  if (!base.ok()) return kExitInvalidInput;
  std::string error;
  const std::vector<SweepPoint> points = sweep_points(spec, error);
  if (!error.empty()) {
    std::cerr << "fleetsim: error: " << error << "\n";
    return kExitUsage;
  }
  SweepHeader header;
  header.sweep_id = sweep_id(read_bytes(o.scenario), o.variant, fixed, spec, o.seed);
  header.scenario = base.scenario->name;
  header.points = points.size();
  header.replications = spec.replications;

  SweepPlan plan;
  if (const int status = plan_points(o, spec, fixed, points, shard, plan); status != kExitOk) return status;
  if (o.progress)
    spdlog::info("sweep {}: {} of {} points{}, {} run{}, {} at a time", header.sweep_id, plan.planned.size(),
                 points.size(), o.shard.empty() ? "" : " (shard " + o.shard + ")", plan.requests.size(),
                 plan.requests.size() == 1 ? "" : "s", o.jobs);
  SweepRuns runs = run_points(o, plan);
  bool all_ok = true;
  const std::vector<SweepRow> rows = sweep_rows(plan, runs, all_ok);

  // A crashed child is a defect: exit 3, after writing what did run.
  const int crashed = crash_status(runs.outcomes, [&](std::size_t i) {
    const auto [k, r] = plan.request_of[i];
    return "sweep point " + std::to_string(plan.planned[k].point.index) + " seed " +
           std::to_string(plan.planned[k].seeds[r]);
  });
  const int status = crashed != 0 ? crashed : all_ok ? kExitOk : kExitInvalidInput;
  return write_sweep(o, header, rows, spec.replications, status);
}

}  // namespace

Command add_sweep_command(CLI::App& app) {
  auto o = std::make_shared<SweepOptions>();
  auto* cmd = app.add_subcommand("sweep", "Run a scenario over ranges and lists of values; one row per point");
  cmd->add_option("scenario", o->scenario, "Scenario file (YAML)")->required()->type_name("FILE.yaml");
  add_set_option(cmd, o->settings,
                 "A parameter (repeatable): PATH=FROM:TO:STEP, PATH=A,B,C, or PATH=VALUE for every point");
  cmd->add_option("--sweep", o->sweep_file, "Sweep file with a sweep: section (parameters, mode, replications)")
      ->type_name("FILE.yaml");
  cmd->add_option("--mode", o->mode, "cross (every combination, default) or zip (i-th values together)")
      ->check(CLI::IsMember({"cross", "zip"}));
  cmd->add_option("-r,--replications", o->replications, "Runs per point, with seeds s, s+1, ...: mean and 95% CI")
      ->check(CLI::Range(1, 10000));
  add_seed_option(cmd, o->seed, "First seed of every point (default: the scenario's)");
  cmd->add_option("--variant", o->variant, "Sweep this variant of the scenario");
  cmd->add_option("-j,--jobs", o->jobs, "Runs in parallel (default: the number of cores)")->check(jobs_range());
  add_timeout_option(cmd, o->timeout_s);
  add_limit_options(cmd, o->limits);
  cmd->add_option("--shard", o->shard, "Run only shard K of N (K/N): the points with index mod N = K-1");
  cmd->add_option("-o,--output", o->output, "Write one CSV row per point to FILE (- for stdout)")
      ->type_name("FILE");
  cmd->add_option("--jsonl", o->jsonl, "Write one JSON line per point to FILE (what fleetsim merge joins)")
      ->type_name("FILE");
  cmd->add_option("--html", o->html,
                  "Write one HTML page to FILE: a chart per headline figure against the swept parameter, with 95% "
                  "intervals, then the points")
      ->type_name("FILE");
  cmd->add_flag("!--no-progress", o->progress, "Do not log progress");
  return {cmd, [o] { return sweep(*o); }};
}

}  // namespace fleetsim
