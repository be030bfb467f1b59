// A report read back from its JSON (schema fleetsim.report/1): the inverse of
// the JSON writer (report_json.cpp), for workflows that run `fleetsim run` in
// a child process and want its figures typed rather than by path.
//
// What the JSON leaves out comes back as the writer's defaults: a pool
// without "role" is unified, without "purchase" bought on demand; a tool
// pool without "discipline" is FIFO; a missing optional section (autoscale,
// failures, graph, ...) stays empty; null figures read as NaN. Latency
// curves are not in the JSON and come back empty. Keys this version does not
// know are ignored, as minor versions of the schema may add fields.
//
// Round trip: report_to_json(report_from_json(j)) == j for every report the
// writer produced (tests/test_report_reader.cpp).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/core/report.hpp"

namespace fleetsim {

// The report, or nullopt with `error` naming the first field missing or of
// the wrong type by its path ("pools.1.nodes: expected an integer"), or a
// schema other than fleetsim.report/1.
std::optional<Report> report_from_json(const nlohmann::ordered_json& json, std::string& error);

}  // namespace fleetsim
