// The shape of a CLI11 application as plain data: its subcommands, their
// options, flags and positional arguments, and what kind of value each takes.
// The man page and the shell completions are written from this outline, which
// is read from the live CLI::App, so they cannot drift from the parser.
//
// What CLI11 does not record, the option's type name says (shown by --help
// too): FILE completes file names, FILE.yaml those ending in .yaml, DIR
// directories. The choices of a CLI::IsMember check are read back from it.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace fleetsim {

enum class ValueKind {
  none,       // a flag
  text,       // anything: nothing to complete
  choice,     // one of `choices`
  file,       // a file name (ending in .`extension` when that is not empty)
  directory,  // a directory name
};

struct OptionOutline {
  std::vector<std::string> names;  // "-o", "--output"; a positional argument: its name alone
  bool positional = false;
  bool required = false;
  bool repeatable = false;  // several values, or given several times
  ValueKind kind = ValueKind::none;
  std::string value_name;          // "FILE.yaml", "N", "TEXT": the type name without the checks
  std::vector<std::string> choices;
  std::string extension;           // of a file: "yaml" from FILE.yaml
  std::string default_value;       // when the option shows one in --help
  std::string description;
};

struct CommandOutline {
  std::string name;
  std::string description;
  std::vector<OptionOutline> options;      // in the order of --help, the help flag first
  std::vector<OptionOutline> positionals;  // in the order they are taken
  std::vector<CommandOutline> subcommands;
  // Options of the parent that may also follow this command (CLI11's fallthrough).
  bool takes_parent_options = false;
};

// The outline of `app` (hidden options and subcommands left out), named
// `name`: a root App is named after argv[0] only once it has parsed.
CommandOutline outline_command_line(CLI::App& app, const std::string& name);

}  // namespace fleetsim
