// A figure computed from a JSON report, as validation cases name them:
// report paths (dots; an array element by its "name" or index) and numbers,
// joined by *, / and then " + " and " - " (spaces required, so 1e-3 stays a
// number), evaluated left to right within each term.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fleetsim {

// Throws std::runtime_error naming the path or operand that does not resolve,
// or when the result is not finite.
double evaluate_report_expression(const nlohmann::json& report, const std::string& expression);

}  // namespace fleetsim
