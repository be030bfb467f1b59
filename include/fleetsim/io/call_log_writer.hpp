// Per-call rows -> CSV (fleetsim run --calls). Pure, like the report
// writers: it formats into a string and the CLI writes it where it goes.
#pragma once

#include <string>

#include "fleetsim/core/call_log.hpp"

namespace fleetsim {

// One row per kept call, in the order the calls finished
// (docs/report-format.md, "Per-call rows"). Fixed precision, so the same run
// gives the same bytes.
std::string render_calls_csv(const CallLog& log);

}  // namespace fleetsim
