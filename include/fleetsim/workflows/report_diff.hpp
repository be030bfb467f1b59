// Two reports compared figure by figure (`fleetsim diff OLD NEW`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetsim {

struct FigureChange {
  enum class Kind { changed, removed, added };
  Kind kind = Kind::changed;
  std::string path;
  std::optional<double> before;
  std::optional<double> after;
  std::optional<double> relative;  // |after - before| / |before|; nullopt: from 0, or to or from null
  bool beyond_tolerance = false;   // removed figures and changes to/from null always are
};

struct ReportDiff {
  std::vector<FigureChange> changes;  // every figure that is not identical, in report order
  std::size_t compared = 0;           // figures present in both
  std::size_t beyond_tolerance = 0;
};

// Every figure (report_figures.hpp) but the run's metadata (`run.*`: seed,
// version, window, engine events), or only the key figures. A figure of OLD
// missing from NEW counts as beyond tolerance; one only in NEW (a newer
// report schema) does not.
ReportDiff diff_reports(const nlohmann::ordered_json& before, const nlohmann::ordered_json& after, double tolerance,
                        bool key_figures_only);

// The changes beyond tolerance (or all changes), one per row.
std::string render_diff_table(const ReportDiff& diff, double tolerance, bool all_changes);
std::string render_diff_json(const ReportDiff& diff, double tolerance);

}  // namespace fleetsim
