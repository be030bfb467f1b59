// The report as a JSON tree, built from report_fields.hpp (which figures
// exist, under which names and in which order; the reader walks the same
// list). render_json prints it; render_csv flattens it, so the two formats
// cannot drift apart. Private to src/io.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

#include "fleetsim/core/report.hpp"

namespace fleetsim {

// Bumped in its major part only when a field is renamed, removed or changes
// meaning; new fields may appear within a major version.
inline constexpr std::string_view kReportSchema = "fleetsim.report/1";

// Non-finite numbers are stored as null.
nlohmann::ordered_json report_to_json(const Report& report);

}  // namespace fleetsim
