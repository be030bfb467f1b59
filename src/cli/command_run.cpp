// fleetsim run SCENARIO: simulate and print the report.
#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupts.hpp"
#include "resource_guard.hpp"
#include "fleetsim/io/report_writers.hpp"
#include "fleetsim/engine/simulation.hpp"
#include "fleetsim/io/call_log_writer.hpp"
#include "fleetsim/io/replica_trace_writer.hpp"
#include "fleetsim/io/time_series_writer.hpp"
#include "scenario_options.hpp"
#include "cell_runs.hpp"
#include "child_runs.hpp"
#include "fleetsim/io/cell_result.hpp"

namespace fleetsim {
namespace {

struct RunOptions {
  std::string scenario;
  std::string variant;
  std::vector<std::string> settings;  // --set PATH=VALUE
  std::optional<std::uint64_t> seed;
  std::string format = "table";
  std::string output;
  bool progress = true;
  LimitOptions limits;  // --max-memory, --max-events, --max-wall
  std::string timeseries;  // --timeseries FILE: empty, none
  std::string bin_text;    // --bin, as given
  double bin_s = 60.0;
  std::string calls;             // --calls FILE: empty, none
  std::uint64_t calls_every = 1;  // --calls-every N
  std::string trace_events;                  // --trace-events FILE: empty, none
  std::string json;                          // --json FILE: the report as JSON too; empty, none
  std::vector<std::size_t> trace_replicas;   // --trace-replicas LIST (default: replica 0)
  int jobs = 0;                              // -j: cells in parallel (0: the machine's cores)
  std::string shard;                         // --shard K/N: these cells only, for fleetsim merge
  std::string cell;                          // --cell NAME: this cell alone
  bool cell_result = false;                  // --cell-result: print the cell's run for a merge
  double traffic_scale = 1.0;                // --traffic-scale: every arrival rate multiplied
};

// A time series holds every bin of the window in memory: refuse one that
// would not fit before the run rather than after it (duration mode; a run of
// a session count is watched by --max-memory while it runs).
constexpr double kMaxTimeSeriesBins = 1e6;

std::string too_many_bins(const Scenario& scenario, double bin_s) {
  if (!scenario.simulation.duration_s) return {};
  const double bins = std::ceil((*scenario.simulation.duration_s - scenario.simulation.warmup_s) / bin_s);
  if (bins <= kMaxTimeSeriesBins) return {};
  return fmt::format("--bin {} would make {:.3g} bins of the measured window; at most {:.0e}",
                     format_quantity(bin_s, Dimension::duration), bins, kMaxTimeSeriesBins);
}

ReportFormat parse_format(const std::string& name) {
  if (name == "json") return ReportFormat::json;
  if (name == "csv") return ReportFormat::csv;
  if (name == "html") return ReportFormat::html;
  return ReportFormat::table;
}

// A trace replayed by its timestamps that the fleet could not keep up with:
// later calls waited for their predecessors, so the replay is not the
// recorded traffic. A warning at the scenario's `trace:` key, not an error.
std::vector<Diagnostic> late_trace_warnings(const Scenario& scenario, const Report& report) {
  std::vector<Diagnostic> out;
  for (std::size_t w = 0; w < report.workloads.size() && w < scenario.workloads.size(); ++w) {
    const auto& replay = report.workloads[w].trace_replay;
    const RequestTrace* trace = scenario.workloads[w].replayed_trace();
    if (!replay || trace == nullptr || trace->pacing != TracePacing::timestamp || replay->calls_late == 0) continue;
    Diagnostic d;
    d.severity = Severity::warning;
    d.file = trace->scenario_file;
    d.line = trace->scenario_line;
    d.column = trace->scenario_column;
    d.key_path = trace->key_path;
    d.message = fmt::format(
        "the fleet fell behind the recorded timestamps: {} of {} later calls were issued late, after the "
        "session's previous call ended (mean {}, max {} late)",
        replay->calls_late, replay->calls_issued, format_quantity(replay->late_mean_s, Dimension::duration),
        format_quantity(replay->late_max_s, Dimension::duration));
    d.hint = "a larger or faster fleet keeps to the trace; pacing: think_time issues each call its recorded gap "
             "after the previous one ends, as a real agent would (docs/scenario-format.md)";
    out.push_back(std::move(d));
  }
  return out;
}

// Options that need another one given. False (after saying which) when one is missing.
bool options_complete(const RunOptions& o) {
  if (!o.bin_text.empty() && o.timeseries.empty() && o.format != "html") {
    std::cerr << "fleetsim: error: --bin needs --timeseries FILE (or --format html, which charts the run over time)\n";
    return false;
  }
  if (o.calls_every != 1 && o.calls.empty()) {
    std::cerr << "fleetsim: error: --calls-every needs --calls FILE\n";
    return false;
  }
  if (!o.trace_replicas.empty() && o.trace_events.empty()) {
    std::cerr << "fleetsim: error: --trace-replicas needs --trace-events FILE\n";
    return false;
  }
  if (o.cell_result && o.cell.empty()) {
    std::cerr << "fleetsim: error: --cell-result needs --cell NAME\n";
    return false;
  }
  if (!o.cell.empty() && (o.jobs > 0 || !o.shard.empty())) {
    std::cerr << "fleetsim: error: --cell runs one cell; -j and --shard run a scenario's cells\n";
    return false;
  }
  return true;
}

// A scenario with cells, run whole: its cells in child processes, merged
// (cell_runs.hpp). What only one simulation can give is refused.
int run_all_cells(const RunOptions& o, const LoadResult& loaded) {
  for (const auto& [given, what] : {std::pair(!o.timeseries.empty(), "--timeseries"), std::pair(!o.calls.empty(), "--calls"),
                                    std::pair(!o.trace_events.empty(), "--trace-events"),
                                    std::pair(!o.bin_text.empty(), "--bin")})
    if (given) {
      std::cerr << "fleetsim: error: " << what << " is not available for a scenario with cells; run one cell with "
                << "--cell NAME to get it (docs/cells.md)\n";
      return kExitUsage;
    }
  if (!o.json.empty() && !o.shard.empty()) {
    std::cerr << "fleetsim: error: --json takes the merged report; a shard (--shard) writes its cells' runs for "
                 "fleetsim merge, which writes the report (docs/cells.md)\n";
    return kExitUsage;
  }
  CellRunsOptions c;
  c.scenario = o.scenario;
  c.variant = o.variant;
  c.overrides = split_settings(o.settings);
  c.seed = o.seed;
  c.format = o.format;
  c.output = o.output;
  c.json = o.json;
  c.jobs = o.jobs > 0 ? o.jobs : default_jobs();
  c.shard = o.shard;
  c.limits = o.limits.arguments;
  c.progress = o.progress;
  return run_cells(c, loaded.cells, loaded.scenario->simulation.seed, loaded.scenario->name);
}

// A run too large for the limits, or with more time-series bins than a
// file should hold, is refused before it starts. False (after saying why) then.
bool within_limits(const RunOptions& o, const Scenario& scenario, bool html) {
  if (const std::string why = exceeded_limit(estimate_work(scenario), o.limits.limits); !why.empty()) {
    std::cerr << "fleetsim: error: " << o.scenario << ": refused: " << why
              << "\n  hint: shorten the run or lower the rate, or raise the limit if the machine can take it\n";
    return false;
  }
  const bool bins_given = !o.timeseries.empty() || (html && !o.bin_text.empty());
  if (const std::string why = bins_given ? too_many_bins(scenario, o.bin_s) : ""; !why.empty()) {
    std::cerr << "fleetsim: error: " << o.scenario << ": refused: " << why << "\n  hint: give a wider --bin\n";
    return false;
  }
  return true;
}

// --trace-replicas names replicas the fleet has. False (after saying so) otherwise.
bool traced_replicas_exist(const RunOptions& o, const std::vector<std::size_t>& replicas, const ReplicaTrace& trace) {
  for (const std::size_t r : replicas)
    if (r >= trace.fleet_replicas) {
      std::cerr << "fleetsim: error: --trace-replicas: replica " << r << " does not exist; the fleet of "
                << o.scenario << " has " << trace.fleet_replicas << " (0 to " << trace.fleet_replicas - 1 << ")\n"
                << "  hint: replicas are numbered over the fleet, pool by pool in scenario order\n";
      return false;
    }
  return true;
}

int run(const RunOptions& o) {
  if (!options_complete(o)) return kExitUsage;
  set_activity("loading " + o.scenario);
  install_run_interrupt_handlers();
  LoadResult loaded = load_and_report(o.scenario, o.variant, split_settings(o.settings), o.cell, o.traffic_scale);
  std::optional<Scenario>& scenario = loaded.scenario;
  if (!scenario) return kExitInvalidInput;
  if (o.cell.empty() && !loaded.cells.empty()) {
    if (o.traffic_scale != 1.0) {
      std::cerr << "fleetsim: error: --traffic-scale scales one run, and " << o.scenario << " declares cells\n"
                << "  hint: give each cell its traffic_scale (docs/cells.md), or run one cell with --cell NAME\n";
      return kExitUsage;
    }
    return run_all_cells(o, loaded);
  }
  if (o.jobs > 0 || !o.shard.empty()) {
    std::cerr << "fleetsim: error: -j and --shard run a scenario's cells, and " << o.scenario << " declares none\n"
              << "  hint: declare cells: (docs/cells.md), or use fleetsim sweep -j/--shard for many runs\n";
    return kExitUsage;
  }
  if (o.seed) scenario->simulation.seed = *o.seed;
  // A cell's own seed: derived from the scenario's (or --seed's) and its name.
  if (!o.cell.empty()) scenario->simulation.seed = cell_seed(scenario->simulation.seed, o.cell);
  const bool html = o.format == "html";
  if (!within_limits(o, *scenario, html)) return kExitInvalidInput;
  SimulationOptions sim;
  sim.progress = o.progress;
  CallLog calls(o.calls_every);
  if (!o.calls.empty()) sim.calls = &calls;
  ReplicaTrace trace;
  if (!o.trace_events.empty()) {
    sim.trace = &trace;
    sim.trace_replicas = o.trace_replicas.empty() ? std::vector<std::size_t>{0} : o.trace_replicas;
  }
  TimeSeriesTable series;
  if (!o.timeseries.empty() || html) {
    sim.timeseries = &series;
    // The HTML report charts the run over time: without --bin, about 120
    // bins of a run of known duration (at least a second each), else a minute.
    sim.timeseries_bin_s = o.bin_s;
    if (html && o.bin_text.empty() && scenario->simulation.duration_s)
      sim.timeseries_bin_s = std::max(1.0, (*scenario->simulation.duration_s - scenario->simulation.warmup_s) / 120.0);
  }
  set_activity("simulating " + o.scenario);
  sim.on_engine_created = install_run_interrupt_handlers;
  watch_resources(sim, o.limits.limits, o.scenario);
  exit_cleanly_when_out_of_memory();
  FleetMetrics metrics;
  if (o.cell_result) sim.metrics = &metrics;
  const Report report = simulate(*scenario, sim);
  // A replica the fleet does not have: refused before any file is written.
  if (!o.trace_events.empty() && !traced_replicas_exist(o, sim.trace_replicas, trace)) return kExitInvalidInput;
  print_diagnostics(late_trace_warnings(*scenario, report));
  // The files asked for beside the report first: when one cannot be
  // written, the run fails before any report is out.
  const struct {
    const std::string& path;
    const char* what;
    std::function<std::string()> render;
  } side_files[] = {{o.timeseries, "the time series", [&] { return render_time_series_csv(series); }},
                    {o.calls, "the calls", [&] { return render_calls_csv(calls); }},
                    {o.trace_events, "the replica timelines", [&] { return render_trace_events(trace); }},
                    {o.json, "the JSON report", [&] { return render_report(report, ReportFormat::json); }}};
  for (const auto& file : side_files) {
    if (file.path.empty()) continue;
    set_activity(std::string("writing ") + file.what + " to " + file.path);
    if (const int code = emit(file.render(), file.path); code != kExitOk) return code;
  }
  set_activity("writing the report" + (o.output.empty() || o.output == "-" ? std::string() : " to " + o.output));
  if (o.cell_result) {
    double scale = 1.0;
    for (const CellSpec& c : loaded.cells)
      if (c.name == o.cell) scale = c.traffic_scale;
    const CellRun run{o.cell, scale, scenario->simulation.seed, report, cell_measures(*scenario, metrics)};
    return emit(cell_run_to_json(run).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", o.output);
  }
  if (html) return emit(render_html(report, &series), o.output);
  return emit(render_report(report, parse_format(o.format)), o.output);
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Simulate a scenario and print its report");
  cmd->add_option("scenario", o->scenario, "Scenario file (YAML)")->required()->type_name("FILE.yaml");
  add_seed_option(cmd, o->seed, "Override the scenario's random seed");
  cmd->add_option("--variant", o->variant, "Run this entry of the scenario's variants: section");
  add_set_option(cmd, o->settings, "Override a value of the scenario (repeatable): fleet.pools.gpu.count=2");
  cmd->add_option("--format", o->format, "Report format: table, json, csv or html (one page with charts)")
      ->check(CLI::IsMember({"table", "json", "csv", "html"}));
  cmd->add_option("-o,--output", o->output, "Write the report to FILE (atomically; a device or FIFO in place) instead of stdout")
      ->type_name("FILE");
  cmd->add_flag("!--no-progress", o->progress, "Do not log progress on long runs");
  cmd->add_option("--timeseries", o->timeseries,
                                 "Also write a CSV time series of the run, one row per pool and workload per bin "
                                 "(atomically; docs/report-format.md, \"Time series\")")
      ->type_name("FILE");
  cmd->add_option("--bin", o->bin_text,
                  "Bin width of --timeseries and of --format html's charts over time, e.g. 10s or 5min (default 60s; "
                  "html: about 120 bins of the run)")
      ->type_name("DURATION")
      ->check(quantity_of(Dimension::duration, o->bin_s, 1e-3));
  cmd->add_option("--calls", o->calls,
                  "Also write one CSV row per LLM call that finishes in the measured window (atomically; "
                  "docs/report-format.md, \"Per-call rows\")")
      ->type_name("FILE");
  cmd->add_option("--calls-every", o->calls_every,
                  "Keep every N-th call in --calls (default 1: all; the rows are held in memory until the run ends)")
      ->type_name("N")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1000000000}));
  cmd->add_option("--trace-events", o->trace_events,
                  "Also write the timelines of chosen replicas as Chrome trace-event JSON, for chrome://tracing or "
                  "ui.perfetto.dev (atomically; docs/report-format.md, \"Replica timelines\")")
      ->type_name("FILE");
  cmd->add_option("--json", o->json,
                  "Also write the report as JSON to FILE (atomically): with --format html or table, one run gives "
                  "both the page and the figures")
      ->type_name("FILE");
  cmd->add_option("--trace-replicas", o->trace_replicas,
                  "The replicas --trace-events records, by index over the fleet, comma-separated (default 0)")
      ->type_name("LIST")
      ->delimiter(',');
  cmd->add_option("-j,--jobs", o->jobs,
                  "A scenario with cells: cells simulated in parallel, each a child process (default: the number "
                  "of cores; docs/cells.md)")
      ->check(jobs_range());
  cmd->add_option("--shard", o->shard,
                  "A scenario with cells: run only shard K of N (the cells with index mod N = K-1) and write their "
                  "runs as JSON lines for fleetsim merge")
      ->type_name("K/N");
  cmd->add_option("--traffic-scale", o->traffic_scale,
                  "Multiply every workload's arrival rate by this factor (2: twice the traffic; docs/workflows.md, "
                  "\"Capacity\")")
      ->check(CLI::Range(1e-9, 1e6))
      ->type_name("FACTOR");
  cmd->add_option("--cell", o->cell, "Run only this cell of the scenario's cells: section, as a plain run")
      ->type_name("NAME");
  cmd->add_flag("--cell-result", o->cell_result,
                "With --cell: print the cell's report and latency sketches as one JSON line (fleetsim.cell/1), "
                "what a merge of cells reads");
  add_limit_options(cmd, o->limits);
  return {cmd, [o] { return run(*o); }};
}

}  // namespace fleetsim
