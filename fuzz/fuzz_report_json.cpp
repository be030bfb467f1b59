// libFuzzer target: the report JSON reader (diff, check --baseline) on
// arbitrary bytes: parse, list the figures, diff the report with itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fleetsim/workflows/report_diff.hpp"
#include "fleetsim/workflows/report_figures.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto report = fleetsim::parse_report(text, error);
  if (!report) return 0;
  (void)fleetsim::report_figures(*report);
  (void)fleetsim::key_figures(*report);
  const fleetsim::ReportDiff diff = fleetsim::diff_reports(*report, *report, 0.0, false);
  (void)diff;
  return 0;
}
