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
#include "fleetsim/input_file.hpp"
#include "fleetsim/catalog.hpp"
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

int sweep(const SweepOptions& o) {
  SweepSpec spec;
  Overrides fixed;
  if (!o.sweep_file.empty()) {
    SweepFile file = load_sweep_file(o.sweep_file);
    print_diagnostics(file.diagnostics);
    if (!file.ok()) return kExitInvalidInput;
    spec = file.spec;
  }
  if (!read_settings(o, fixed, spec)) return kExitUsage;
  if (!o.mode.empty()) spec.mode = o.mode == "zip" ? SweepMode::zip : SweepMode::cross;
  if (o.replications) spec.replications = *o.replications;
  std::optional<Shard> shard = Shard{};
  if (!o.shard.empty() && !(shard = parse_shard(o.shard))) {
    std::cerr << "fleetsim: error: --shard " << o.shard << ": expected K/N with 1 <= K <= N, e.g. 3/8\n";
    return kExitUsage;
  }
  if (spec.parameters.empty())
    spdlog::warn("sweep: no parameter has more than one value; running one point");

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

  // Validate every point here (milliseconds each), so that an invalid value
  // is reported with its point and costs no process.
  std::vector<PlannedPoint> planned;
  std::vector<RunRequest> requests;
  std::vector<std::pair<std::size_t, std::size_t>> request_of;  // request -> (planned, replication)
  for (const SweepPoint& point : points) {
    if (!shard->contains(point.index)) continue;
    PlannedPoint p;
    p.point = point;
    Overrides overrides = fixed;
    overrides.insert(overrides.end(), point.settings.begin(), point.settings.end());
    LoadOptions options;
    options.variant = o.variant;
    options.overrides = overrides;
    LoadResult loaded = load_scenario_file(o.scenario, active_catalog(), options);
    p.valid = loaded.ok();
    p.diagnostics = std::move(loaded.diagnostics);
    if (p.valid) {
      const std::uint64_t first = o.seed ? *o.seed : loaded.scenario->simulation.seed;
      // Seeds first, first+1, ... must not wrap past 2^64-1 into seeds of other runs.
      if (first > std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(spec.replications - 1)) {
        std::cerr << "fleetsim: error: seed " << first << " with " << plural(spec.replications, "replication")
                  << " would pass the largest seed, " << std::numeric_limits<std::uint64_t>::max()
                  << "; expected a first seed of at most "
                  << std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(spec.replications - 1)
                  << "\n";
        return kExitUsage;
      }
      for (int r = 0; r < spec.replications; ++r) {
        p.seeds.push_back(first + static_cast<std::uint64_t>(r));
        request_of.emplace_back(planned.size(), static_cast<std::size_t>(r));
        requests.push_back({o.scenario, o.variant, overrides, p.seeds.back(), o.limits.arguments});
      }
    }
    planned.push_back(std::move(p));
  }
  const bool none_valid = std::none_of(planned.begin(), planned.end(), [](const PlannedPoint& p) { return p.valid; });
  if (!planned.empty() && none_valid) {
    std::cerr << "fleetsim: error: every point of the sweep is invalid; the first, " << describe(planned.front().point)
              << ":\n";
    print_diagnostics(planned.front().diagnostics);
    return kExitInvalidInput;
  }

  if (o.progress)
    spdlog::info("sweep {}: {} of {} points{}, {} run{}, {} at a time", header.sweep_id, planned.size(), points.size(),
                 o.shard.empty() ? "" : " (shard " + o.shard + ")", requests.size(), requests.size() == 1 ? "" : "s",
                 o.jobs);
  // Each replication's figures and failure keep their seed's slot, so that the
  // means sum in seed order and the failure reported is the first seed's,
  // whatever order the children finish in: same sweep, same bytes.
  using FigureList = std::vector<std::pair<std::string, std::optional<double>>>;
  std::vector<std::vector<std::optional<FigureList>>> figures(planned.size());
  std::vector<std::vector<std::string>> failures(planned.size());
  for (std::size_t k = 0; k < planned.size(); ++k) {
    figures[k].resize(planned[k].seeds.size());
    failures[k].resize(planned[k].seeds.size());
  }
  std::size_t done = 0;
  const auto outcomes = run_all(requests, o.jobs, [&](std::size_t i, const RunOutcome& outcome) {
    const auto [k, r] = request_of[i];
    PlannedPoint& p = planned[k];
    std::string parse_error;
    std::optional<nlohmann::ordered_json> report;
    if (outcome.ok()) report = parse_report(outcome.report, parse_error);
    if (report) {
      auto& list = figures[k][r].emplace();
      for (const Figure& f : key_figures(*report)) list.emplace_back(f.path, f.value);
    } else {
      failures[k][r] = "seed " + std::to_string(p.seeds[r]) + ": " +
                       (outcome.ok() ? "unreadable report: " + parse_error : failure_reason(outcome));
    }
    ++done;
    if (o.progress)
      spdlog::info("sweep: [{}/{}] point {} ({}) seed {}: {} in {:.1f} s", done, requests.size(), p.point.index,
                   describe(p.point), p.seeds[r], report ? "done" : "FAILED", outcome.seconds);
  }, ChildLimits{o.timeout_s});

  std::vector<SweepRow> rows;
  bool all_ok = true;
  for (std::size_t k = 0; k < planned.size(); ++k) {
    const PlannedPoint& p = planned[k];
    SweepRow row;
    row.point = p.point.index;
    row.parameters = p.point.settings;
    row.seeds = p.seeds;
    if (!p.valid) {
      for (const auto& d : p.diagnostics)
        if (d.is_error()) {
          row.error = d.format();
          break;
        }
    } else {
      for (const std::string& failure : failures[k])
        if (!failure.empty()) {
          row.error = failure;
          break;
        }
    }
    if (row.ok()) {
      std::vector<FigureList> in_seed_order;
      for (auto& list : figures[k])
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

  // A crashed child is a defect: exit 3, after writing what did run.
  const int crashed = crash_status(outcomes, [&](std::size_t i) {
    const auto [k, r] = request_of[i];
    return "sweep point " + std::to_string(planned[k].point.index) + " seed " + std::to_string(planned[k].seeds[r]);
  });
  int status = crashed != 0 ? crashed : all_ok ? kExitOk : kExitInvalidInput;
  if (!o.jsonl.empty()) {
    std::string text;
    for (const SweepRow& row : rows) text += sweep_jsonl_line(header, row);
    if (emit(text, o.jsonl) != kExitOk && status == kExitOk) status = kExitInvalidInput;
  }
  if (!o.output.empty() && emit(sweep_csv(rows, spec.replications), o.output) != kExitOk && status == kExitOk)
    status = kExitInvalidInput;
  if (!o.html.empty() && emit(render_sweep_html(header, rows, spec.replications), o.html) != kExitOk &&
      status == kExitOk)
    status = kExitInvalidInput;
  if (o.output != "-" && o.jsonl != "-" && o.html != "-") {
    std::cout << "fleetsim sweep: " << header.scenario << ", " << plural(rows.size(), "point")
              << (o.shard.empty() ? "" : " (shard " + o.shard + ")") << ", "
              << plural(static_cast<std::size_t>(spec.replications), "replication") << " each; sweep id "
              << header.sweep_id << "\n\n"
              << sweep_summary_table(rows, spec.replications);
  }
  return status;
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
