// Time series -> CSV (fleetsim run --timeseries). Pure, like the report
// writers: it formats into a string and the CLI writes it where it goes.
#pragma once

#include <string>

#include "fleetsim/core/time_series.hpp"

namespace fleetsim {

// One row per pool and per workload per bin, with a `scope` column saying
// which (docs/report-format.md, "Time series"). Fixed precision, so the same
// run gives the same bytes.
std::string render_time_series_csv(const TimeSeriesTable& table);

}  // namespace fleetsim
