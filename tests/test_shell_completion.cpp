// fleetsim completion bash|zsh: the scripts are written from the application
// the binary parses with, so what they offer is checked against that
// application, walked here with CLI11's own accessors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../src/cli/application.hpp"
#include "support/cli_runner.hpp"

using namespace fleetsim::testing;

namespace {

std::vector<CLI::App*> subcommands(CLI::App& app) {
  return app.get_subcommands([](CLI::App* s) { return !s->get_name().empty(); });
}

std::set<std::string> long_options(CLI::App& command) {
  std::set<std::string> names;
  for (const CLI::Option* o : command.get_options())
    for (const auto& l : o->get_lnames()) names.insert("--" + l);
  return names;
}

const std::string& bash_script() {
  static const std::string path = [] {
    const auto r = run_fleetsim("completion bash");
    REQUIRE(r.exit_code == 0);
    return write_temp_file("fleetsim.bash", r.out);
  }();
  return path;
}

// What the bash completion offers for the command line `words` (the last one
// being completed), run in `directory`, as bash's programmable completion
// calls it: COMP_WORDS and COMP_CWORD set, the function called, COMPREPLY read.
std::vector<std::string> bash_complete(const std::vector<std::string>& words, const std::string& directory = ".") {
  std::string array;
  for (const auto& w : words) array += " '" + w + "'";
  const std::string script = "source '" + bash_script() + "'; cd '" + directory + "' && COMP_WORDS=(" + array +
                             "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                             "; _fleetsim; printf '%s\\n' \"${COMPREPLY[@]}\"";
  static int n = 0;
  const auto r = run_shell("bash --norc --noprofile '" + write_temp_file("complete-" + std::to_string(n++) + ".sh", script) + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("bash completes commands, options and option choices from the application", "[cli][completion]") {
  CLI::App app;
  fleetsim::GlobalOptions global;
  fleetsim::build_application(app, global);

  CHECK(bash_complete({"fleetsim", "ru"}) == Lines{"run"});
  CHECK(bash_complete({"fleetsim", "run", "--fo"}) == Lines{"--format"});
  CHECK(bash_complete({"fleetsim", "validate-m"}) == Lines{"validate-model"});

  // The choices of run --format are those of its CLI::IsMember check.
  const std::string format_type = app.get_subcommand("run")->get_option("--format")->get_type_name();
  std::vector<std::string> choices;
  for (const char* c : {"table", "json", "csv", "html"})
    if (format_type.find(c) != std::string::npos) choices.push_back(c);
  std::sort(choices.begin(), choices.end());
  REQUIRE(choices.size() == 4);
  CHECK(bash_complete({"fleetsim", "run", "--format", ""}) == choices);
  CHECK(bash_complete({"fleetsim", "run", "--format", "=", ""}) == choices);  // --format=, split at "=" by bash
  CHECK(bash_complete({"fleetsim", "run", "--format", "j"}) == Lines{"json"});
  CHECK(bash_complete({"fleetsim", "--log-level", "w"}) == Lines{"warn"});
  CHECK(bash_complete({"fleetsim", "--log-level", "warn", "pl"}) == Lines{"plan"});

  // Every command, and every long option of each (with the global ones, which may follow it).
  Lines commands;
  for (CLI::App* sub : subcommands(app)) commands.push_back(sub->get_name());
  std::sort(commands.begin(), commands.end());
  CHECK(bash_complete({"fleetsim", ""}) == commands);
  for (CLI::App* sub : subcommands(app)) {
    INFO(sub->get_name());
    const Lines offered = bash_complete({"fleetsim", sub->get_name(), "--"});
    for (const auto& option : long_options(*sub)) {
      INFO(option);
      CHECK(std::count(offered.begin(), offered.end(), option) == 1);
    }
    CHECK(std::count(offered.begin(), offered.end(), "--log-level") == 1);
  }
}

TEST_CASE("bash completes file names where a command takes a file, .yaml for scenarios", "[cli][completion]") {
  const std::filesystem::path dir = temp_path("completion-files");
  std::filesystem::create_directories(dir / "scenarios");
  for (const char* name : {"fleet.yaml", "notes.txt", "report.json"}) write_temp_file(std::string("completion-files/") + name, "");
  const std::string d = dir.string();

  CHECK(bash_complete({"fleetsim", "run", ""}, d) == Lines{"fleet.yaml", "scenarios"});
  CHECK(bash_complete({"fleetsim", "--catalog", ""}, d) == Lines{"fleet.yaml", "scenarios"});
  CHECK(bash_complete({"fleetsim", "run", "fleet.yaml", "-o", "r"}, d) == Lines{"report.json"});
  CHECK(bash_complete({"fleetsim", "diff", "report.json", ""}, d) == Lines{"fleet.yaml", "notes.txt", "report.json", "scenarios"});
  CHECK(bash_complete({"fleetsim", "compare", "fleet.yaml", "--seed", "3", "fl"}, d) == Lines{"fleet.yaml"});
  CHECK(bash_complete({"fleetsim", "check", "fleet.yaml", "--report-dir", ""}, d) == Lines{"scenarios"});
  // A free-text value offers nothing rather than file names.
  CHECK(bash_complete({"fleetsim", "run", "--variant", ""}, d).empty());
}

TEST_CASE("The zsh completion is valid zsh and registers itself", "[cli][completion]") {
  if (run_shell("command -v zsh").exit_code != 0) {
    WARN("zsh is not installed (scripts/install-deps.sh --test installs it): the zsh completion is not checked");
    return;
  }
  const auto r = run_fleetsim("completion zsh");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("#compdef fleetsim\n", 0) == 0);
  const std::string script = write_temp_file("_fleetsim", r.out);
  CHECK(run_shell("zsh -n '" + script + "'").exit_code == 0);
  // Sourced under compinit, it binds itself to fleetsim.
  const auto bound = run_shell("zsh -f -c 'autoload -U compinit && compinit -u -D && source \"" + script +
                               "\" && print -r -- $_comps[fleetsim]'");
  CAPTURE(bound.err);
  CHECK(bound.exit_code == 0);
  CHECK(bound.out == "_fleetsim\n");
}
