// fleetsim compare A.yaml B.yaml [...] | compare S.yaml --variants: run
// several scenarios (or variants of one) and show their key figures side by
// side, with differences against the first.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "active_catalog.hpp"
#include "child_runs.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "resource_guard.hpp"
#include "fleetsim/workflows/comparison.hpp"
#include "fleetsim/workflows/report_figures.hpp"
#include "scenario_options.hpp"

namespace fleetsim {
namespace {

struct CompareOptions {
  std::vector<std::string> scenarios;
  bool all_variants = false;
  std::vector<std::string> variants;
  std::vector<std::string> settings;
  std::vector<std::string> run_settings;  // --set-in RUN:PATH=VALUE
  std::optional<std::uint64_t> seed;
  std::string format = "table";
  std::string output;
  int jobs = default_jobs();
  double timeout_s = 0.0;
  LimitOptions limits;  // passed on to every child run
  bool progress = true;
};

// The variant name that stands for a file's base scenario in --variant.
constexpr const char* kBase = "base";

struct Entry {
  RunRequest request;
  std::string label;
  std::string source;
};

// What to run, or nullopt after printing why the command line is unusable.
std::optional<std::vector<Entry>> entries(const CompareOptions& o, const Overrides& overrides) {
  std::vector<Entry> out;
  if (o.all_variants || !o.variants.empty()) {
    if (o.scenarios.size() != 1) {
      std::cerr << "fleetsim: error: --variants and --variant compare the variants of one scenario file; "
                << o.scenarios.size() << " were given\n";
      return std::nullopt;
    }
    const std::string& file = o.scenarios.front();
    // Only for the names of the variants: the runs are validated (and their errors printed) later.
    const LoadResult base = load_scenario_file_with_sections(file, active_catalog());
    std::vector<std::string> names = o.variants;
    if (o.all_variants) {
      names = {""};
      names.insert(names.end(), base.variants.begin(), base.variants.end());
    }
    for (std::string name : names) {
      // "base" is the base scenario unless the file has a variant of that name.
      if (name == kBase && std::find(base.variants.begin(), base.variants.end(), name) == base.variants.end())
        name.clear();
      Entry e;
      e.request = {file, name, overrides, o.seed, o.limits.arguments, {}};
      e.label = name.empty() ? kBase : name;
      e.source = name.empty() ? file : file + " --variant " + name;
      out.push_back(std::move(e));
    }
  } else {
    for (const auto& file : o.scenarios) {
      Entry e;
      e.request = {file, "", overrides, o.seed, o.limits.arguments, {}};
      e.label = std::filesystem::path(file).stem().string();
      e.source = file;
      out.push_back(std::move(e));
    }
    // Two files with the same name in different directories: label them by path.
    for (auto& e : out)
      for (const auto& other : out)
        if (&e != &other && e.label == other.label) e.label = e.source;
  }
  if (out.size() < 2) {
    std::cerr << "fleetsim: error: nothing to compare: give two or more scenarios, or one with --variants "
                 "(it declares "
              << (o.scenarios.size() == 1 ? "fewer than two runs" : "nothing") << ")\n";
    return std::nullopt;
  }
  return out;
}

// --set-in RUN:PATH=VALUE adds PATH=VALUE to the run labelled RUN only (a
// variant's name, "base", or a file's label): a pool that exists in one
// variant cannot be set with --set, which every run takes. False (and a
// message) when RUN names no run.
bool apply_run_settings(const std::vector<std::string>& run_settings, std::vector<Entry>& list) {
  for (const auto& s : run_settings) {
    const auto colon = s.find(':');
    const std::string label = s.substr(0, colon);
    const auto run = std::find_if(list.begin(), list.end(), [&](const Entry& e) { return e.label == label; });
    if (run == list.end()) {
      std::vector<std::string> labels;
      for (const auto& e : list) labels.push_back(e.label);
      std::cerr << "fleetsim: error: --set-in " << s << ": no run is labelled '" << label << "'\n"
                << "  hint: runs: " << fmt::format("{}", fmt::join(labels, ", ")) << "\n";
      return false;
    }
    const Overrides one = split_settings({s.substr(colon + 1)});
    run->request.overrides.insert(run->request.overrides.end(), one.begin(), one.end());
  }
  return true;
}

int compare(const CompareOptions& o) {
  const Overrides overrides = split_settings(o.settings);
  auto list = entries(o, overrides);
  if (!list) return kExitUsage;
  if (!apply_run_settings(o.run_settings, *list)) return kExitUsage;
  // Check every input before simulating any: a typo should cost seconds, not a batch.
  bool valid = true;
  for (const Entry& e : *list)
    valid = load_and_report(e.request.scenario, e.request.variant, e.request.overrides).ok() && valid;
  if (!valid) return kExitInvalidInput;

  std::vector<RunRequest> requests;
  for (const Entry& e : *list) requests.push_back(e.request);
  if (o.progress) spdlog::info("compare: {} runs, {} at a time", requests.size(), o.jobs);
  std::size_t done = 0;
  const auto outcomes = run_all(
      requests, o.jobs,
      [&](std::size_t i, const RunOutcome& outcome) {
        ++done;
        if (o.progress)
          spdlog::info("compare: [{}/{}] {} {} in {:.1f} s", done, requests.size(), (*list)[i].label,
                       outcome.ok() ? "done" : "FAILED", outcome.seconds);
      },
      ChildLimits{o.timeout_s});

  std::vector<ComparedRun> runs;
  int status = kExitOk;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    std::string error;
    std::optional<nlohmann::ordered_json> report;
    if (outcomes[i].ok()) report = parse_report(outcomes[i].report, error);
    if (!report) {
      std::cerr << "fleetsim: error: " << (*list)[i].source << " failed (" << describe_exit(outcomes[i]) << ")"
                << (error.empty() ? "" : ": " + error) << "\n"
                << outcomes[i].errors;
      if (status != kExitInternal) status = outcomes[i].crashed() ? kExitInternal : kExitInvalidInput;
      continue;
    }
    runs.push_back({(*list)[i].label, (*list)[i].source, std::move(*report)});
  }
  if (status != kExitOk) return status;
  const int written =
      emit(o.format == "json"   ? render_comparison_json(runs)
           : o.format == "html" ? render_comparison_html(runs)
                                : render_comparison_table(runs),
           o.output);
  return written;
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareOptions>();
  auto* cmd = app.add_subcommand(
      "compare", "Run several scenarios (or the variants of one) and show key figures side by side");
  cmd->add_option("scenarios", o->scenarios, "Scenario files (YAML); the first is the reference")
      ->required()
      ->type_name("FILE.yaml");
  cmd->add_flag("--variants", o->all_variants, "Compare the base and every variant of the one scenario given");
  cmd->add_option("--variant", o->variants,
                  "Compare these variants of the one scenario given (repeatable; 'base' is the base)")
      ->allow_extra_args(false);
  add_set_option(cmd, o->settings, "Override a value in every run (repeatable): simulation.duration=20min");
  cmd->add_option("--set-in", o->run_settings,
                  "Override a value in one run only (repeatable): RUN is its label in the table (a variant, "
                  "'base', or a file's name): graviton4:fleet.pools.graviton4.count=24")
      ->allow_extra_args(false)
      ->type_name("RUN:PATH=VALUE")
      ->check([](const std::string& text) -> std::string {
        const auto colon = text.find(':');
        const auto eq = text.find('=', colon == std::string::npos ? 0 : colon);
        if (colon == std::string::npos || colon == 0 || eq == std::string::npos || eq == colon + 1)
          return "expected RUN:PATH=VALUE, e.g. graviton4:fleet.pools.graviton4.count=24";
        return {};
      });
  add_seed_option(cmd, o->seed, "Run every scenario with this seed");
  cmd->add_option("--format", o->format, "table, json or html (one page with charts)")
      ->check(CLI::IsMember({"table", "json", "html"}));
  add_output_option(cmd, o->output);
  add_child_run_options(cmd, o->jobs, o->timeout_s, o->limits, o->progress);
  return {cmd, [o] { return compare(*o); }};
}

}  // namespace fleetsim
