// A figure computed from a JSON report, as validation cases name them:
// figure paths (report_path.hpp: dots, a list item by its name or index) and
// numbers, joined by *, / and then " + " and " - " (spaces required, so 1e-3
// stays a number), evaluated left to right within each term; parentheses
// group, as in `1024 / (workloads.s1.ttft_s.mean + 0.2)` (a benchmark's
// fixed cost outside what fleetsim simulates, added to a simulated time).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fleetsim {

// Throws std::runtime_error naming the path or operand that does not resolve
// or has no value (null), or when the result is not finite.
double evaluate_report_expression(const nlohmann::ordered_json& report, const std::string& expression);

}  // namespace fleetsim
