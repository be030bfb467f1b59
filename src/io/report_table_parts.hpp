// The lines of the terminal report (report_table.cpp) that more than one of
// its files writes: a labelled line, SLO seconds, plain numbers; and the
// sections that have a file of their own (report_table_workloads.cpp,
// report_table_pools.cpp, report_table_network.cpp). Private to those files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fleetsim/core/report.hpp"

namespace fleetsim::report_table {

// "  label                   value\n", the label padded to a fixed width.
void line(std::string& out, std::string_view label, std::string_view value);

// SLO figures stay in seconds, the unit the bounds are written in, with at
// least millisecond resolution and at least three significant digits, so that
// a 7.26 ms TPOT does not print as "0.007 s".
std::string slo_seconds(double s);

// Fixed decimals, or "n/a" when not finite.
std::string plain(double x, int decimals);

// The measured window's length.
double window_s(const RunInfo& run);

// One workload: sessions, calls, tokens, latencies, SLOs, goodput, cost, and
// its graph, trace replay and KV transfer lines when it has them.
void workload_section(std::string& out, const Report& r, const WorkloadReport& w);

// The model pools: load, traffic and cost, then their KV tiers, frequency
// states, autoscaling and failures where some pool has them, and the model's
// evidence for each (report_table_pools.cpp).
void pool_sections(std::string& out, const Report& r);

// The Model evidence table as the terminal report and the HTML page show
// it: per pool that has evidence, its name, its class, cases, median error
// and cases beyond 35%, then the same for its stack ("-" where no
// published case ran on it), then, when any pool of the report has one,
// the same for the regime its run was in (a CPU pool at batch > 1 or at
// batch 1; "-" for the others). No rows for a report from before evidence.
std::vector<std::string> evidence_headers(const Report& r);
std::vector<std::vector<std::string>> evidence_rows(const Report& r);

// Only when the scenario declares fleet.network: its NICs and uplinks
// (report_table_network.cpp).
void network_section(std::string& out, const Report& r);

}  // namespace fleetsim::report_table
