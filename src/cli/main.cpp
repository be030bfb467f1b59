// fleetsim command line: parses with the application of application.cpp and
// runs the chosen subcommand (each lives in command_NAME.cpp).
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "active_catalog.hpp"
#include "application.hpp"
#include "child_runs.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "engine_module.hpp"
#include "exit_codes.hpp"
#include "interrupts.hpp"
#include "fleetsim/core/diagnostics.hpp"

namespace fleetsim {
namespace {

// Edits to turn `a` into `b` (Levenshtein), for did-you-mean.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// "unknown command "rnu"; did you mean "run"? commands: run, validate, ..."
// or "expected a command: ..." when none was given.
std::string missing_command_message(int argc, char** argv, const std::vector<Command>& commands) {
  std::string names, closest;
  std::size_t best = 3;  // at most two edits away
  std::string given;
  for (int i = 1; i < argc && given.empty(); ++i) {
    const std::string arg = argv[i];
    if (arg == "--log-level" || arg == "--catalog") ++i;  // their value is no command
    else if (arg.empty() || arg[0] != '-') given = arg;
  }
  for (const auto& c : commands) {
    const std::string& name = c.app->get_name();
    names += (names.empty() ? "" : ", ") + name;
    if (const std::size_t d = edit_distance(given, name); !given.empty() && d < best) {
      best = d;
      closest = name;
    }
  }
  if (given.empty()) return "fleetsim: error: expected a command: " + names + "\nRun with --help for more information.";
  return "fleetsim: error: unknown command \"" + given + "\"" +
         (closest.empty() ? std::string() : "; did you mean \"" + closest + "\"?") + "\n  commands: " + names +
         "\nRun with --help for more information.";
}

int main_with_exceptions(int argc, char** argv) {
  CLI::App app;
  GlobalOptions global;
  const std::vector<Command> commands = build_application(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return finish_standard_output(app.exit(e));
  } catch (const CLI::RequiredError& e) {
    if (!app.get_subcommands().empty()) {
      app.exit(e);
      return kExitUsage;
    }
    // CLI11 says "A subcommand is required" also for a misspelt one.
    std::cerr << missing_command_message(argc, argv, commands) << "\n";
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  // A forked child (child_runs.hpp) inherits its parent's logger of this name.
  spdlog::drop("fleetsim");
  auto logger = spdlog::stderr_logger_st("fleetsim");
  logger->set_pattern("fleetsim: %l: %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(global.log_level));

  for (const auto& command : commands)
    if (command.app->parsed() && command.shows_catalog_sources) keep_catalog_sources();
  if (!global.catalog_path.empty() && !use_catalog_file(global.catalog_path)) return kExitInvalidInput;
  for (const auto& command : commands)
    if (command.app->parsed()) return finish_standard_output(command.action());
  return kExitUsage;
}

}  // namespace
}  // namespace fleetsim

namespace fleetsim {
namespace {

// The whole command line, every exception answered with its exit code: what
// main runs, and what a workflow's forked children run (child_runs.hpp).
int run_command_line(int argc, char** argv) {
  try {
    return fleetsim::main_with_exceptions(argc, argv);
  } catch (const fleetsim::Interrupted& e) {
    std::cerr << "fleetsim: interrupted by " << fleetsim::signal_name(e.signal()) << " while " << e.what()
              << "; nothing was written\n";
    return 128 + e.signal();
  } catch (const fleetsim::InputError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.format() << "\n";
    return fleetsim::kExitInvalidInput;
  } catch (const fleetsim::EngineUnavailable& e) {
    std::cerr << "fleetsim: error: " << e.what() << "\n";
    return fleetsim::kExitInternal;
  } catch (const std::exception& e) {
    std::cerr << "fleetsim: internal error: " << e.what() << "\n"
              << "This is a defect in fleetsim; please report it with the scenario that caused it.\n";
    return fleetsim::kExitInternal;
  }
}

}  // namespace
}  // namespace fleetsim

int main(int argc, char** argv) {
  fleetsim::register_command_line_entry(&fleetsim::run_command_line);
  return fleetsim::run_command_line(argc, argv);
}
