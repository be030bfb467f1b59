// fleetsim command line. Each subcommand lives in command_NAME.cpp.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "interrupts.hpp"
#include "fleetsim/diagnostics.hpp"

#ifndef FLEETSIM_VERSION
#define FLEETSIM_VERSION "0.0.0"
#endif

namespace fleetsim {
namespace {

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
      "3 internal error, 4 expectation violated (check, diff), 130/143 interrupted (SIGINT/SIGTERM).\n");

  const std::vector<Command> commands = {
      add_run_command(app),
      add_validate_command(app),
      add_catalog_command(app),
      add_compare_command(app),
      add_sweep_command(app),
      add_merge_command(app),
      add_check_command(app),
      add_diff_command(app),
      add_plan_command(app),
      add_validate_model_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return finish_standard_output(app.exit(e));
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  auto logger = spdlog::stderr_logger_st("fleetsim");
  logger->set_pattern("fleetsim: %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  for (const auto& command : commands)
    if (command.app->parsed()) return finish_standard_output(command.action());
  return kExitUsage;
}

}  // namespace
}  // namespace fleetsim

int main(int argc, char** argv) {
  try {
    return fleetsim::main_with_exceptions(argc, argv);
  } catch (const fleetsim::Interrupted& e) {
    std::cerr << "fleetsim: interrupted by " << fleetsim::signal_name(e.signal()) << " while " << e.what()
              << "; nothing was written\n";
    return 128 + e.signal();
  } catch (const fleetsim::InputError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.format() << "\n";
    return fleetsim::kExitInvalidInput;
  } catch (const std::exception& e) {
    std::cerr << "fleetsim: internal error: " << e.what() << "\n"
              << "This is a defect in fleetsim; please report it with the scenario that caused it.\n";
    return fleetsim::kExitInternal;
  }
}
