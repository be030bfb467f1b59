// fleetsim command line: run, validate, catalog.
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "atomic_file.hpp"
#include "exit_codes.hpp"
#include "fleetsim/catalog.hpp"
#include "fleetsim/catalog_render.hpp"
#include "fleetsim/report_writers.hpp"
#include "fleetsim/scenario_loader.hpp"
#include "fleetsim/simulation.hpp"

#ifndef FLEETSIM_VERSION
#define FLEETSIM_VERSION "0.0.0"
#endif

namespace fleetsim {
namespace {

void print_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) std::cerr << d.format() << "\n";
}

std::string plural(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::size_t count_errors(const std::vector<Diagnostic>& diagnostics) {
  std::size_t n = 0;
  for (const auto& d : diagnostics) n += d.is_error() ? 1 : 0;
  return n;
}

// Loads and validates; prints every diagnostic. nullopt when invalid.
std::optional<Scenario> load(const std::string& path, const std::string& variant) {
  LoadOptions options;
  options.variant = variant;
  LoadResult result = load_scenario_file(path, Catalog::builtin(), options);
  print_diagnostics(result.diagnostics);
  if (!result.ok()) {
    const std::size_t errors = count_errors(result.diagnostics);
    std::cerr << path << ": " << plural(errors, "error") << ", nothing was run\n";
    return std::nullopt;
  }
  return std::move(result.scenario);
}

int emit(const std::string& text, const std::string& output) {
  if (output.empty() || output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return kExitOk;
  }
  const std::string error = write_file_atomically(output, text);
  if (!error.empty()) {
    std::cerr << "fleetsim: error: " << error << "\n";
    return kExitInvalidInput;
  }
  spdlog::info("report written to {}", output);
  return kExitOk;
}

struct RunOptions {
  std::string scenario;
  std::string variant;
  std::optional<std::uint64_t> seed;
  ReportFormat format = ReportFormat::table;
  std::string output;
  bool progress = true;
};

int run_command(const RunOptions& o) {
  std::optional<Scenario> scenario = load(o.scenario, o.variant);
  if (!scenario) return kExitInvalidInput;
  if (o.seed) scenario->simulation.seed = *o.seed;
  SimulationOptions sim;
  sim.progress = o.progress;
  const Report report = simulate(*scenario, sim);
  return emit(render_report(report, o.format), o.output);
}

// Validates the base scenario and then each of its variants.
int validate_command(const std::vector<std::string>& paths) {
  int status = kExitOk;
  for (const auto& path : paths) {
    std::vector<std::string> variants{""};
    for (std::size_t i = 0; i < variants.size(); ++i) {
      LoadOptions options;
      options.variant = variants[i];
      LoadResult result = load_scenario_file(path, Catalog::builtin(), options);
      if (i == 0) variants.insert(variants.end(), result.variants.begin(), result.variants.end());
      const std::string label = variants[i].empty() ? path : path + " (variant " + variants[i] + ")";
      print_diagnostics(result.diagnostics);
      if (result.ok()) {
        const Scenario& s = *result.scenario;
        std::cout << label << ": ok (" << plural(s.pools.size(), "pool") << ", "
                  << plural(s.workloads.size(), "workload") << ", " << plural(s.models.size(), "model") << ")\n";
      } else {
        const std::size_t errors = count_errors(result.diagnostics);
        std::cout << label << ": " << plural(errors, "error") << "\n";
        status = kExitInvalidInput;
        if (i == 0) break;  // the variants would repeat the base's errors
      }
    }
  }
  return status;
}

int catalog_command(const std::string& format, const std::string& output) {
  const Catalog& catalog = Catalog::builtin();
  return emit(format == "json" ? render_catalog_json(catalog) : render_catalog_table(catalog), output);
}

int main_with_exceptions(int argc, char** argv) {
  CLI::App app{"fleetsim: simulate a CPU+GPU LLM-inference fleet serving agentic traffic, and report what it\n"
               "costs per query, how much power it draws and whether it meets its latency targets."};
  app.set_version_flag("--version", std::string("fleetsim ") + FLEETSIM_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand too
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "Log verbosity on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.footer(
      "Exit codes: 0 success, 1 invalid input (scenario errors, unwritable output), 2 bad command line, "
      "3 internal error.\n");

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Simulate a scenario and print its report");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (YAML)")->required();
  run_cmd->add_option("--seed", run.seed, "Override the scenario's random seed");
  run_cmd->add_option("--variant", run.variant, "Run this entry of the scenario's variants: section");
  std::string run_format = "table";
  run_cmd->add_option("--format", run_format, "Report format: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  run_cmd->add_option("-o,--output", run.output, "Write the report to FILE (atomically) instead of stdout");
  run_cmd->add_flag("!--no-progress", run.progress, "Do not log progress on long runs");

  std::vector<std::string> validate_paths;
  auto* validate_cmd = app.add_subcommand("validate", "Check scenario files and report every error found");
  validate_cmd->add_option("scenarios", validate_paths, "Scenario files (YAML)")->required();

  std::string catalog_format = "table", catalog_output;
  auto* catalog_cmd = app.add_subcommand("catalog", "List the built-in hardware and models with their sources");
  catalog_cmd->add_option("--format", catalog_format, "table or json")->check(CLI::IsMember({"table", "json"}));
  catalog_cmd->add_option("-o,--output", catalog_output, "Write to FILE instead of stdout");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  auto logger = spdlog::stderr_logger_st("fleetsim");
  logger->set_pattern("fleetsim: %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  if (*run_cmd) {
    run.format = run_format == "json" ? ReportFormat::json : run_format == "csv" ? ReportFormat::csv : ReportFormat::table;
    return run_command(run);
  }
  if (*validate_cmd) return validate_command(validate_paths);
  if (*catalog_cmd) return catalog_command(catalog_format, catalog_output);
  return kExitUsage;
}

}  // namespace
}  // namespace fleetsim

int main(int argc, char** argv) {
  try {
    return fleetsim::main_with_exceptions(argc, argv);
  } catch (const fleetsim::InputError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.format() << "\n";
    return fleetsim::kExitInvalidInput;
  } catch (const std::exception& e) {
    std::cerr << "fleetsim: internal error: " << e.what() << "\n"
              << "This is a defect in fleetsim; please report it with the scenario that caused it.\n";
    return fleetsim::kExitInternal;
  }
}
