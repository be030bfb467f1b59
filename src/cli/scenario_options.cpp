#include "scenario_options.hpp"

#include <iostream>

#include "cli_support.hpp"
#include "fleetsim/catalog.hpp"

namespace fleetsim {

CLI::Option* add_set_option(CLI::App* cmd, std::vector<std::string>& settings, const std::string& help) {
  return cmd->add_option("--set", settings, help)
      ->allow_extra_args(false)  // one PATH=VALUE per --set: a scenario after it stays positional
      ->type_name("PATH=VALUE")
      ->check([](const std::string& text) -> std::string {
        const auto eq = text.find('=');
        if (eq == std::string::npos || eq == 0)
          return "expected PATH=VALUE, e.g. fleet.pools.gpu.count=2 or workloads.chat.arrivals.rate=3/s";
        return {};
      });
}

std::pair<std::string, std::string> split_setting(const std::string& setting) {
  const auto eq = setting.find('=');
  if (eq == std::string::npos) return {setting, ""};
  return {setting.substr(0, eq), setting.substr(eq + 1)};
}

Overrides split_settings(const std::vector<std::string>& settings) {
  Overrides out;
  for (const auto& s : settings) out.push_back(split_setting(s));
  return out;
}

LoadResult load_and_report(const std::string& path, const std::string& variant, const Overrides& overrides) {
  LoadOptions options;
  options.variant = variant;
  options.overrides = overrides;
  LoadResult result = load_scenario_file(path, Catalog::builtin(), options);
  print_diagnostics(result.diagnostics);
  if (!result.ok())
    std::cerr << path << ": " << plural(count_errors(result.diagnostics), "error") << ", nothing was run\n";
  return result;
}

}  // namespace fleetsim
