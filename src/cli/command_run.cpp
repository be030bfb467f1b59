// fleetsim run SCENARIO: simulate and print the report.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupts.hpp"
#include "resource_guard.hpp"
#include "fleetsim/report_writers.hpp"
#include "fleetsim/simulation.hpp"
#include "scenario_options.hpp"

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
};

ReportFormat parse_format(const std::string& name) {
  if (name == "json") return ReportFormat::json;
  if (name == "csv") return ReportFormat::csv;
  return ReportFormat::table;
}

int run(const RunOptions& o) {
  set_activity("loading " + o.scenario);
  install_run_interrupt_handlers();
  LoadResult loaded = load_and_report(o.scenario, o.variant, split_settings(o.settings));
  std::optional<Scenario>& scenario = loaded.scenario;
  if (!scenario) return kExitInvalidInput;
  if (o.seed) scenario->simulation.seed = *o.seed;
  if (const std::string why = exceeded_limit(estimate_work(*scenario), o.limits.limits); !why.empty()) {
    std::cerr << "fleetsim: error: " << o.scenario << ": refused: " << why
              << "\n  hint: shorten the run or lower the rate, or raise the limit if the machine can take it\n";
    return kExitInvalidInput;
  }
  SimulationOptions sim;
  sim.progress = o.progress;
  set_activity("simulating " + o.scenario);
  sim.on_engine_created = install_run_interrupt_handlers;
  watch_resources(sim, o.limits.limits, o.scenario);
  exit_cleanly_when_out_of_memory();
  const Report report = simulate(*scenario, sim);
  set_activity("writing the report" + (o.output.empty() || o.output == "-" ? std::string() : " to " + o.output));
  return emit(render_report(report, parse_format(o.format)), o.output);
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Simulate a scenario and print its report");
  cmd->add_option("scenario", o->scenario, "Scenario file (YAML)")->required();
  add_seed_option(cmd, o->seed, "Override the scenario's random seed");
  cmd->add_option("--variant", o->variant, "Run this entry of the scenario's variants: section");
  add_set_option(cmd, o->settings, "Override a value of the scenario (repeatable): fleet.pools.gpu.count=2");
  cmd->add_option("--format", o->format, "Report format: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  cmd->add_option("-o,--output", o->output, "Write the report to FILE (atomically; a device or FIFO in place) instead of stdout");
  cmd->add_flag("!--no-progress", o->progress, "Do not log progress on long runs");
  add_limit_options(cmd, o->limits);
  return {cmd, [o] { return run(*o); }};
}

}  // namespace fleetsim
