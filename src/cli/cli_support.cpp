#include "cli_support.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include <spdlog/spdlog.h>

#include "active_catalog.hpp"
#include "atomic_file.hpp"
#include "exit_codes.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/workflows/scenario_sections.hpp"

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
  LoadResult result = load_scenario_file_with_sections(path, active_catalog(), options);
  print_diagnostics(result.diagnostics);
  if (!result.ok()) {
    std::cerr << path << ": " << plural(count_errors(result.diagnostics), "error") << ", nothing was run\n";
    return std::nullopt;
  }
  return std::move(result.scenario);
}

namespace {
bool stdout_failure_reported = false;  // emit() said why already
}  // namespace

int emit(const std::string& text, const std::string& output) {
  if (output.empty() || output == "-") {
    // A full disk or a closed pipe must not pass for a delivered report.
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
      std::cerr << "fleetsim: error: cannot write the output to standard output: " << std::strerror(errno) << "\n";
      stdout_failure_reported = true;
      return kExitInvalidInput;
    }
    return kExitOk;
  }
  const std::string error = write_output_file(output, text);
  if (!error.empty()) {
    std::cerr << "fleetsim: error: " << error << "\n";
    return kExitInvalidInput;
  }
  spdlog::info("written to {}", output);
  return kExitOk;
}

int finish_standard_output(int status) {
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int error = errno;
  if (flushed && !std::ferror(stdout)) return status;
  if (stdout_failure_reported) return status == kExitOk ? kExitInvalidInput : status;
  std::cerr << "fleetsim: error: cannot write to standard output"
            << (error != 0 ? std::string(": ") + std::strerror(error) : std::string("; part of the output is lost"))
            << "\n";
  return status == kExitOk ? kExitInvalidInput : status;
}

}  // namespace fleetsim
