#include "cell_runs.hpp"

#include <iostream>

#include <fmt/format.h>

#include "child_runs.hpp"
#include "cli_support.hpp"
#include "exit_codes.hpp"
#include "fleetsim/io/cell_result.hpp"
#include "fleetsim/io/input_file.hpp"
#include "fleetsim/io/json_input.hpp"
#include "fleetsim/io/report_writers.hpp"
#include "fleetsim/workflows/cell_shards.hpp"
#include "fleetsim/workflows/sweep.hpp"

namespace fleetsim {
namespace {

ReportFormat format_of(const std::string& name) {
  if (name == "json") return ReportFormat::json;
  if (name == "csv") return ReportFormat::csv;
  return ReportFormat::table;
}

// The child's cell run read back; nullopt after saying why.
std::optional<std::pair<nlohmann::ordered_json, CellRun>> read_child(const std::string& cell, const RunOutcome& outcome) {
  std::string error;
  nlohmann::ordered_json json = parse_json_input(outcome.report, error);
  std::optional<CellRun> run;
  if (error.empty()) run = cell_run_from_json(json, error);
  if (!run) {
    std::cerr << "fleetsim: error: cell " << cell << ": its run's output does not read back: " << error << "\n";
    return std::nullopt;
  }
  return std::pair(std::move(json), std::move(*run));
}

}  // namespace

int run_cells(const CellRunsOptions& o, const std::vector<CellSpec>& cells, std::uint64_t scenario_seed,
              const std::string& scenario_name) {
  Shard shard;
  if (!o.shard.empty() && !read_shard_option(o.shard, shard)) return kExitUsage;
  std::vector<std::size_t> chosen;  // cell indices of this shard
  std::vector<RunRequest> requests;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!shard.contains(i)) continue;
    chosen.push_back(i);
    RunRequest r;
    r.scenario = o.scenario;
    r.variant = o.variant;
    r.overrides = o.overrides;
    r.seed = o.seed;
    r.limits = o.limits;
    r.cell = cells[i].name;
    requests.push_back(std::move(r));
  }
  if (requests.empty()) {
    std::cerr << fmt::format("fleetsim: error: --shard {}: no cell falls in this shard; {} declares {}, so use at "
                             "most {} shards\n",
                             o.shard, o.scenario, plural(cells.size(), "cell"), cells.size());
    return kExitUsage;
  }
  if (o.progress)
    std::cerr << fmt::format("fleetsim: run: {} of {} cells{}, {} at a time\n", requests.size(), cells.size(),
                             o.shard.empty() ? "" : " (shard " + o.shard + ")", std::min<std::size_t>(o.jobs, requests.size()));
  std::size_t done = 0;
  const std::vector<RunOutcome> outcomes = run_all(requests, o.jobs, [&](std::size_t i, const RunOutcome& outcome) {
    ++done;
    if (o.progress)
      std::cerr << fmt::format("fleetsim: run: cell {} {} in {:.1f} s ({}/{})\n", requests[i].cell,
                               outcome.ok() ? "done" : "failed", outcome.seconds, done, requests.size());
  });
  if (const int crash = crash_status(outcomes, [&](std::size_t i) { return "cell " + requests[i].cell; }); crash)
    return crash;
  // A cell that failed fails the run, with its own diagnostics; nothing is written.
  int status = kExitOk;
  for (std::size_t i = 0; i < outcomes.size(); ++i)
    if (!outcomes[i].ok()) {
      std::cerr << outcomes[i].errors << "fleetsim: error: cell " << requests[i].cell << ": "
                << describe_exit(outcomes[i]) << "\n";
      if (status == kExitOk) status = outcomes[i].exit_code > 0 ? outcomes[i].exit_code : kExitInvalidInput;
    }
  if (status != kExitOk) return status;

  std::vector<CellRun> runs;
  std::string lines;
  CellsHeader header;
  if (!o.shard.empty()) {
    std::string why;
    const std::optional<std::string> bytes = read_input_file(o.scenario, why);
    if (!bytes) {
      std::cerr << "fleetsim: error: " << o.scenario << ": cannot read: " << why << "\n";
      return kExitInvalidInput;
    }
    header = {cells_id(*bytes, o.variant, o.overrides, o.seed), scenario_name, o.seed.value_or(scenario_seed),
              cells.size()};
  }
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    auto child = read_child(requests[i].cell, outcomes[i]);
    if (!child) return kExitInternal;
    if (!o.shard.empty()) lines += cells_shard_line(header, chosen[i], child->first);
    runs.push_back(std::move(child->second));
  }
  if (!o.shard.empty()) return emit(lines, o.output);
  std::string error;
  const std::optional<Report> merged = merge_cells(runs, o.seed.value_or(scenario_seed), error);
  if (!merged) {
    std::cerr << "fleetsim: error: " << o.scenario << ": the cells do not merge: " << error << "\n";
    return kExitInvalidInput;
  }
  if (!o.json.empty())
    if (const int code = emit(render_report(*merged, ReportFormat::json), o.json); code != kExitOk) return code;
  // HTML without charts over time: the cells' time series are not merged.
  if (o.format == "html") return emit(render_html(*merged), o.output);
  return emit(render_report(*merged, format_of(o.format)), o.output);
}

}  // namespace fleetsim
