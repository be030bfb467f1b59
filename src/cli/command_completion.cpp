// fleetsim completion bash|zsh: the shell completion script, written from the
// command line's own definition (shell_completion.hpp), so that it offers
// exactly the commands and options this binary accepts. The build writes and
// installs its output (CMakeLists.txt).
#include <memory>
#include <string>

#include "application.hpp"
#include "cli_outline.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "shell_completion.hpp"

namespace fleetsim {
namespace {

struct CompletionOptions {
  std::string shell;
  std::string output;
};

}  // namespace

Command add_completion_command(CLI::App& app) {
  auto o = std::make_shared<CompletionOptions>();
  auto* cmd = app.add_subcommand("completion", "Print the shell completion script for bash or zsh, written from these options");
  cmd->add_option("shell", o->shell, "The shell: bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  cmd->add_option("-o,--output", o->output, "Write to FILE (atomically) instead of stdout")
      ->type_name("FILE");
  return {cmd, [o, &app] {
            const CommandOutline root = outline_command_line(app, kProgramName);
            return emit(o->shell == "zsh" ? zsh_completion_script(root) : bash_completion_script(root), o->output);
          }};
}

}  // namespace fleetsim
