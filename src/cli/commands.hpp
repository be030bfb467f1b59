// The subcommands of `fleetsim`. Each adds itself to the application and
// returns what to run when it is chosen; main() picks the chosen one.
//
// To add a command: write command_NAME.cpp with an add_NAME_command()
// declared here, and list it in application.cpp.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace fleetsim {

// Runs the chosen command and returns the process exit code (exit_codes.hpp).
using CommandAction = std::function<int()>;

struct Command {
  CLI::App* app = nullptr;
  CommandAction action;
  // Whether it shows the catalog's `sources`; the others read the figures
  // alone, which parse in a third of the time (Catalog::builtin_figures).
  bool shows_catalog_sources = false;
};

Command add_run_command(CLI::App& app);
Command add_validate_command(CLI::App& app);
Command add_catalog_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_sweep_command(CLI::App& app);
Command add_merge_command(CLI::App& app);
Command add_check_command(CLI::App& app);
Command add_diff_command(CLI::App& app);
Command add_plan_command(CLI::App& app);
Command add_capacity_command(CLI::App& app);
Command add_validate_model_command(CLI::App& app);
Command add_schema_command(CLI::App& app);
// These two describe `app` itself, the root of the command line, whole.
Command add_completion_command(CLI::App& app);
Command add_man_command(CLI::App& app);

}  // namespace fleetsim
