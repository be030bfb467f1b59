// The whole fleetsim command line as one CLI::App: the global options, the
// --help footer and every subcommand. main() parses with it; the man page and
// the shell completions are written from the same tree (command_man.cpp,
// command_completion.cpp), and the tests walk it, so that none of them keeps
// its own copy of the options.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace fleetsim {

// The program's name in generated text: the App learns its name from argv[0],
// which may be a path.
inline constexpr const char* kProgramName = "fleetsim";

// What the global options set; read once the command line is parsed.
struct GlobalOptions {
  std::string log_level = "info";
  std::string catalog_path;
};

// Adds the description, the global options, the footer and the subcommands
// to `app`, and returns the subcommands in the order --help lists them.
std::vector<Command> build_application(CLI::App& app, GlobalOptions& global);

}  // namespace fleetsim
