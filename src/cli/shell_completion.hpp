// Shell completion scripts for bash and zsh, written from the outline of the
// command line (cli_outline.hpp): subcommand names, each one's options and
// flags, the choices of options that have them, and file or directory names
// where an option or positional argument takes one. One level of
// subcommands, which is what fleetsim has.
#pragma once

#include <string>

#include "cli_outline.hpp"

namespace fleetsim {

// A script to source (or install in bash-completion's completions
// directory): defines _ROOT and registers it with `complete -F` for ROOT.
std::string bash_completion_script(const CommandOutline& root);

// An autoloadable completion function file "_ROOT" (#compdef ROOT); sourced
// instead, it registers itself with compdef.
std::string zsh_completion_script(const CommandOutline& root);

}  // namespace fleetsim
