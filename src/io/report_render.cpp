#include <stdexcept>

#include "fleetsim/io/report_writers.hpp"

namespace fleetsim {

std::string render_report(const Report& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::table:
      return render_table(report);
    case ReportFormat::json:
      return render_json(report);
    case ReportFormat::csv:
      return render_csv(report);
    case ReportFormat::html:
      return render_html(report);
  }
  // Only reachable through a cast from an out-of-range integer.
  throw std::invalid_argument("render_report: unknown report format");
}

}  // namespace fleetsim
