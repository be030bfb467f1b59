#include "cli_support.hpp"

#include <cstdio>
#include <iostream>

#include <spdlog/spdlog.h>

#include "atomic_file.hpp"
#include "exit_codes.hpp"
#include "fleetsim/catalog.hpp"
#include "fleetsim/scenario_loader.hpp"

namespace fleetsim {

void print_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) std::cerr << d.format() << "\n";
}

std::string plural(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::size_t count_errors(const std::vector<Diagnostic>& diagnostics) {
  std::size_t n = 0;
  for (const auto& d : diagnostics) n += d.is_error() ? 1 : 0;
  return n;
}

std::optional<Scenario> load_scenario_or_report(const std::string& path, const std::string& variant) {
  LoadOptions options;
  options.variant = variant;
  LoadResult result = load_scenario_file(path, Catalog::builtin(), options);
  print_diagnostics(result.diagnostics);
  if (!result.ok()) {
    std::cerr << path << ": " << plural(count_errors(result.diagnostics), "error") << ", nothing was run\n";
    return std::nullopt;
  }
  return std::move(result.scenario);
}

int emit(const std::string& text, const std::string& output) {
  if (output.empty() || output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return kExitOk;
  }
  const std::string error = write_file_atomically(output, text);
  if (!error.empty()) {
    std::cerr << "fleetsim: error: " << error << "\n";
    return kExitInvalidInput;
  }
  spdlog::info("written to {}", output);
  return kExitOk;
}

}  // namespace fleetsim
