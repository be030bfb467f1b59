// Report -> text. Writers are pure: they format into a string; the CLI decides
// where it goes (and writes files atomically).
#pragma once

#include <string>

#include "fleetsim/core/report.hpp"
#include "fleetsim/core/time_series.hpp"

namespace fleetsim {

enum class ReportFormat { table, json, csv, html };

std::string render_table(const Report& report);  // aligned, for a terminal
std::string render_json(const Report& report);   // schema in docs/report-format.md
std::string render_csv(const Report& report);    // one row per (scope, name, metric)
// One self-contained HTML page with inline SVG charts (docs/report-format.md,
// "HTML"); with `series`, also the run's figures over time.
std::string render_html(const Report& report, const TimeSeriesTable* series = nullptr);
std::string render_report(const Report& report, ReportFormat format);

}  // namespace fleetsim
