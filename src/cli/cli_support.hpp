// What the commands share: loading scenarios with their diagnostics printed,
// and writing results to stdout or a file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/diagnostics.hpp"
#include "fleetsim/scenario.hpp"

namespace fleetsim {

void print_diagnostics(const std::vector<Diagnostic>& diagnostics);
std::size_t count_errors(const std::vector<Diagnostic>& diagnostics);
std::string plural(std::size_t n, const std::string& noun);

// Loads and validates one scenario (or one of its variants), printing every
// diagnostic to stderr. nullopt when it has errors.
std::optional<Scenario> load_scenario_or_report(const std::string& path, const std::string& variant = {});

// Writes `text` to stdout (output empty or "-") or atomically to a file.
// Returns an exit code.
int emit(const std::string& text, const std::string& output);

}  // namespace fleetsim
