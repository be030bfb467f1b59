#include "fleetsim/workflows/report_expression.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace fleetsim {
namespace {

using nlohmann::json;

double resolve_path(const json& report, const std::string& path) {
  const json* node = &report;
  std::stringstream ss(path);
  std::string segment;
  while (std::getline(ss, segment, '.')) {
    if (node->is_object()) {
      if (!node->contains(segment)) throw std::runtime_error("no key '" + segment + "' in '" + path + "'");
      node = &(*node)[segment];
    } else if (node->is_array()) {
      const json* found = nullptr;
      for (const auto& element : *node)
        if (element.is_object() && element.contains("name") && element["name"] == segment) found = &element;
      if (!found && !segment.empty() && std::all_of(segment.begin(), segment.end(), ::isdigit)) {
        const std::size_t index = std::stoul(segment);
        if (index < node->size()) found = &(*node)[index];
      }
      if (!found) throw std::runtime_error("no element '" + segment + "' in '" + path + "'");
      node = found;
    } else {
      throw std::runtime_error("'" + path + "' goes past a value at '" + segment + "'");
    }
  }
  if (node->is_null()) throw std::runtime_error("'" + path + "' is null in the report");
  if (!node->is_number()) throw std::runtime_error("'" + path + "' is not a number");
  return node->get<double>();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

double product(const json& report, const std::string& expression) {
  double result = 0.0;
  char op = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= expression.size(); ++i) {
    if (i < expression.size() && expression[i] != '*' && expression[i] != '/') continue;
    const std::string operand = trim(expression.substr(start, i - start));
    if (operand.empty()) throw std::runtime_error("malformed expression \"" + expression + "\"");
    char* end = nullptr;
    double x = std::strtod(operand.c_str(), &end);
    if (end == operand.c_str() || *end != '\0') x = resolve_path(report, operand);
    if (op == 0)
      result = x;
    else if (op == '*')
      result *= x;
    else
      result /= x;
    if (i < expression.size()) op = expression[i];
    start = i + 1;
  }
  return result;
}

}  // namespace

double evaluate_report_expression(const json& report, const std::string& expression) {
  double result = 0.0;
  double sign = 1.0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= expression.size(); ++i) {
    const bool at_end = i == expression.size();
    const bool at_op = !at_end && i + 2 < expression.size() && expression[i] == ' ' &&
                       (expression[i + 1] == '+' || expression[i + 1] == '-') && expression[i + 2] == ' ';
    if (!at_end && !at_op) continue;
    result += sign * product(report, expression.substr(start, i - start));
    if (at_op) {
      sign = expression[i + 1] == '+' ? 1.0 : -1.0;
      start = i + 3;
      i += 2;
    }
  }
  if (!std::isfinite(result)) throw std::runtime_error("\"" + expression + "\" is not finite");
  return result;
}

}  // namespace fleetsim
