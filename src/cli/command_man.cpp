// fleetsim man: the manual page fleetsim(1) in roff, written from the command
// line's own definition (man_page.hpp) with the exit statuses of --help's
// footer and the installed layout (CMakeLists.txt, "Installed layout"). The
// build writes and installs its output.
#include <memory>
#include <string>

#include "application.hpp"
#include "cli_outline.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "man_page.hpp"

#ifndef FLEETSIM_VERSION
#define FLEETSIM_VERSION "0.0.0"
#endif

namespace fleetsim {
namespace {

ManPageContext context() {
  ManPageContext c;
  c.version = std::string(kProgramName) + " " + FLEETSIM_VERSION;
  for (const auto& e : exit_code_meanings()) c.exit_statuses.emplace_back(e.codes, e.meaning);
  c.files = {
      {"PREFIX/share/fleetsim/scenarios/", "Example scenarios, a start for your own."},
      {"PREFIX/share/fleetsim/catalog/",
       "The built-in catalog's hardware, models, weight formats and serving stacks as YAML, for reading and as a "
       "start for a --catalog overlay; fleetsim carries the same catalog compiled in."},
      {"PREFIX/share/fleetsim/validation/",
       "The published-measurement cases that validate-model runs when no DIR is given."},
      {"PREFIX/share/doc/fleetsim/", "The README and the documentation (the repository's docs/)."},
  };
  c.files_note =
      "PREFIX is the installation prefix, the directory above the bin directory that holds fleetsim: /usr for the "
      "Debian package, /usr/local by default for cmake --install.";
  c.see_also =
      "In PREFIX/share/doc/fleetsim/: README.md; scenario-format.md for scenarios, catalog.md for the catalog, "
      "report-format.md for the reports, workflows.md for sweeps, checks and plans, validation.md for validate-model.";
  return c;
}

struct ManOptions {
  std::string output;
};

}  // namespace

Command add_man_command(CLI::App& app) {
  auto o = std::make_shared<ManOptions>();
  auto* cmd = app.add_subcommand("man", "Print this program's manual page in roff (read it with: fleetsim man | man -l -)");
  cmd->add_option("-o,--output", o->output, "Write to FILE (atomically) instead of stdout")
      ->type_name("FILE");
  return {cmd, [o, &app] { return emit(man_page(outline_command_line(app, kProgramName), context()), o->output); }};
}

}  // namespace fleetsim
