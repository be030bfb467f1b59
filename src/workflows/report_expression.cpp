#include "fleetsim/workflows/report_expression.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "fleetsim/workflows/report_path.hpp"
#include "fleetsim/core/text.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

// A figure as an operand: it must have a value to compute with.
double resolve_figure(const Json& report, const std::string& path) {
  const PathLookup figure = resolve_report_path(report, path);
  if (!figure.found) throw std::runtime_error(figure.error);
  if (!figure.value) throw std::runtime_error("'" + path + "' is null in the report");
  return *figure.value;
}

double product(const Json& report, const std::string& expression) {
  double result = 0.0;
  char op = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= expression.size(); ++i) {
    if (i < expression.size() && expression[i] != '*' && expression[i] != '/') continue;
    const std::string operand(trim(std::string_view(expression).substr(start, i - start)));
    if (operand.empty()) throw std::runtime_error("malformed expression \"" + expression + "\"");
    char* end = nullptr;
    double x = std::strtod(operand.c_str(), &end);
    if (end == operand.c_str() || *end != '\0') x = resolve_figure(report, operand);
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

double evaluate_report_expression(const Json& report, const std::string& expression) {
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
