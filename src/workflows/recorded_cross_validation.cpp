#include "fleetsim/workflows/recorded_cross_validation.hpp"
#include "fleetsim/core/model_evidence.hpp"
#include "fleetsim/core/text.hpp"

#include <sstream>

#include <fmt/format.h>

namespace fleetsim {
namespace {

constexpr const char* kBegin = "<!-- fit-catalog-cv:begin -->";
constexpr const char* kEnd = "<!-- fit-catalog-cv:end -->";

// "| a | b |" -> {"a", "b"}
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string cell;
  std::getline(in, cell, '|');  // before the first bar
  while (std::getline(in, cell, '|')) out.emplace_back(trim(cell));
  if (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

bool to_int(const std::string& s, int& out) {
  try {
    std::size_t used = 0;
    out = std::stoi(s, &used);
    return used == s.size();
  } catch (const std::exception&) {
    return false;
  }
}

const CrossValidationRow* find(const std::vector<CrossValidationRow>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.cases == name) return &r;
  return nullptr;
}

}  // namespace

std::optional<std::vector<CrossValidationRow>> recorded_cross_validation(const std::string& markdown) {
  const auto b = markdown.find(kBegin);
  const auto e = markdown.find(kEnd);
  if (b == std::string::npos || e == std::string::npos || e < b) return std::nullopt;
  std::stringstream block(markdown.substr(b, e - b));
  std::vector<CrossValidationRow> rows;
  bool in_table = false;
  for (std::string line; std::getline(block, line);) {
    line = std::string(trim(line));
    if (line.empty() || line[0] != '|') {
      if (in_table) break;  // the first table only: the parameters table follows
      continue;
    }
    in_table = true;
    const auto c = cells(line);
    CrossValidationRow r;
    if (c.size() != 5 || !to_int(c[1], r.n) || !to_int(c[4], r.above_35)) continue;  // header, rule
    r.cases = c[0];
    r.median = c[2];
    r.max = c[3];
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<std::string> cross_validation_lines(const std::vector<CrossValidationRow>& rows, int fitted_now,
                                                const std::string& recorded_in) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format(
      "cross-validated, leave one source out (recorded in {} by scripts/fit_catalog.py cv, not rerun here):",
      recorded_in));
  for (const char* name : {"all (out of fold)", "throughput", "latency", kCpuBatchedRegime, kCpuBatchOneRegime})
    if (const auto* r = find(rows, name))
      lines.push_back(fmt::format("  {}: {} cases, median |error| {}, max {}, {} above 35%", r->cases, r->n,
                                  r->median, r->max, r->above_35));
  if (const auto* fitted = find(rows, "role fitted"); fitted && fitted->n != fitted_now)
    lines.push_back(fmt::format(
        "  note: recorded with {} fitted cases, the suite now declares {}: rerun scripts/fit_catalog.py cv "
        "--write-doc {}",
        fitted->n, fitted_now, recorded_in));
  if (lines.size() == 1) lines.push_back("  (the recording has no summary rows)");
  return lines;
}

}  // namespace fleetsim
