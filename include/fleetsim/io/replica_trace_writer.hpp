// Replica timelines -> Chrome trace-event JSON (fleetsim run --trace-events),
// which chrome://tracing and ui.perfetto.dev open. Pure, like the report
// writers: it formats into a string and the CLI writes it where it goes.
#pragma once

#include <string>

#include "fleetsim/core/replica_trace.hpp"

namespace fleetsim {

// One process per pool and one thread per replica, named; one complete
// ("X") event per slice, times in microseconds of simulated time
// (docs/report-format.md, "Replica timelines").
std::string render_trace_events(const ReplicaTrace& trace);

}  // namespace fleetsim
