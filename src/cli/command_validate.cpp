// fleetsim validate SCENARIO...: check files (and each variant), run nothing.
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "active_catalog.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/workflows/scenario_sections.hpp"

namespace fleetsim {
namespace {

int validate(const std::vector<std::string>& paths) {
  int status = kExitOk;
  for (const auto& path : paths) {
    // The base, then each variant and each cell (docs/cells.md) over it.
    std::vector<std::pair<std::string, std::string>> parts{{"", ""}};
    // A variant (or a cell) inherits the base's mistakes: each diagnostic is printed once,
    // the first time it is found, and a variant's own errors still show when
    // the base has some.
    std::set<std::string> printed;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      LoadOptions options;
      options.variant = parts[i].first;
      options.cell = parts[i].second;
      WorkflowLoad result = load_scenario_file_with_sections(path, active_catalog(), options);
      if (i == 0) {
        for (const std::string& v : result.variants) parts.emplace_back(v, "");
        for (const CellSpec& c : result.cells) parts.emplace_back("", c.name);
      }
      const std::string label = !parts[i].first.empty()  ? path + " (variant " + parts[i].first + ")"
                                : !parts[i].second.empty() ? path + " (cell " + parts[i].second + ")"
                                                           : path;
      std::vector<Diagnostic> fresh;
      for (const Diagnostic& d : result.diagnostics)
        if (printed.insert(d.format()).second) fresh.push_back(d);
      print_diagnostics(fresh);
      if (result.ok()) {
        const Scenario& s = *result.scenario;
        std::cout << label << ": ok (" << plural(s.pools.size(), "pool") << ", "
                  << plural(s.workloads.size(), "workload") << ", " << plural(s.models.size(), "model") << ")\n";
      } else {
        const std::size_t errors = count_errors(result.diagnostics);
        const std::size_t repeated = errors - count_errors(fresh);
        std::cout << label << ": " << plural(errors, "error");
        if (repeated > 0) std::cout << " (" << repeated << " shown above)";
        std::cout << "\n";
        status = kExitInvalidInput;
      }
    }
  }
  return status;
}

}  // namespace

Command add_validate_command(CLI::App& app) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("validate", "Check scenario files (and their variants and cells); report every error found");
  cmd->add_option("scenarios", *paths, "Scenario files (YAML)")->required()->type_name("FILE.yaml");
  return {cmd, [paths] { return validate(*paths); }};
}

}  // namespace fleetsim
