// The leave-one-source-out cross-validation that scripts/fit_catalog.py cv
// records in docs/validation.md, read back so that `validate-model
// --recorded` can print it beside the in-sample statistics.
//
// validate-model cannot recompute it: each fold is a refit of the catalog
// (minutes of coordinate descent in the script). What it can do is show the
// recorded figures and say when they were recorded for another set of fitted
// cases than the suite declares now, which means a refit happened after the
// last cross-validation.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fleetsim {

// One row of the recording's summary table.
struct CrossValidationRow {
  std::string cases;  // "all (out of fold)", "throughput", "latency", "role fitted", ...
  int n = 0;
  std::string median;  // as recorded, e.g. "17.6%"
  std::string max;
  int above_35 = 0;
};

// The rows of the first table between <!-- fit-catalog-cv:begin --> and
// <!-- fit-catalog-cv:end -->; nullopt when the text has no such block.
std::optional<std::vector<CrossValidationRow>> recorded_cross_validation(const std::string& markdown);

// The lines validate-model prints: the overall, throughput and latency rows,
// the CPU rows at batch > 1 and at batch 1 where recorded,
// and a note when the recording's fitted cases are not `fitted_now` in number.
std::vector<std::string> cross_validation_lines(const std::vector<CrossValidationRow>& rows, int fitted_now,
                                                const std::string& recorded_in);

}  // namespace fleetsim
