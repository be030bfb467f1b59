// What the commands share: loading scenarios with their diagnostics printed,
// and writing results to stdout or a file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

void print_diagnostics(const std::vector<Diagnostic>& diagnostics);
std::size_t count_errors(const std::vector<Diagnostic>& diagnostics);
std::string plural(std::size_t n, const std::string& noun);

// Loads and validates one scenario (or one of its variants), printing every
// diagnostic to stderr. nullopt when it has errors.
std::optional<Scenario> load_scenario_or_report(const std::string& path, const std::string& variant = {});

// Writes `text` to stdout (output empty or "-") or to a file by the rules of
// write_output_file (atomic for regular files, never replacing a device).
// Returns an exit code: 1 with the reason on stderr when a write fails.
int emit(const std::string& text, const std::string& output);

// Flushes standard output at exit and checks that every write to it worked
// (std::cout and stdout share one stream). Returns `status`, or 1 with the
// reason on stderr when output was lost and `status` said success.
int finish_standard_output(int status);

}  // namespace fleetsim
