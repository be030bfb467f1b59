#include "fleetsim/workflows/report_expression.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <vector>

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

double expression_sum(const Json& report, const std::string& expression);

// Parentheses nesting at each character: depth[i] counts the '(' opened and
// not yet closed before i. Throws when they do not balance.
std::vector<int> parenthesis_depths(const std::string& expression) {
  std::vector<int> depth(expression.size() + 1, 0);
  int open = 0;
  for (std::size_t i = 0; i < expression.size(); ++i) {
    depth[i] = open;
    if (expression[i] == '(') ++open;
    if (expression[i] == ')' && --open < 0) break;
  }
  if (open != 0) throw std::runtime_error("unbalanced parentheses in \"" + expression + "\"");
  depth[expression.size()] = 0;
  return depth;
}

// A number, a figure path, or a parenthesized sum.
double expression_operand(const Json& report, const std::string& expression, std::string_view text) {
  const std::string operand(trim(text));
  if (operand.empty()) throw std::runtime_error("malformed expression \"" + expression + "\"");
  if (operand.front() == '(' && operand.back() == ')')
    return expression_sum(report, operand.substr(1, operand.size() - 2));
  char* end = nullptr;
  const double x = std::strtod(operand.c_str(), &end);
  if (end != operand.c_str() && *end == '\0') return x;
  return resolve_figure(report, operand);
}

// Operands joined by * and /, left to right; operators inside parentheses
// belong to the operand.
double expression_product(const Json& report, const std::string& expression) {
  const std::vector<int> depth = parenthesis_depths(expression);
  double result = 0.0;
  char op = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= expression.size(); ++i) {
    if (i < expression.size() && (depth[i] != 0 || (expression[i] != '*' && expression[i] != '/'))) continue;
    const double x = expression_operand(report, expression, std::string_view(expression).substr(start, i - start));
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

// Products joined by " + " and " - " outside parentheses.
double expression_sum(const Json& report, const std::string& expression) {
  const std::vector<int> depth = parenthesis_depths(expression);
  double result = 0.0;
  double sign = 1.0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= expression.size(); ++i) {
    const bool at_end = i == expression.size();
    const bool at_op = !at_end && depth[i] == 0 && i + 2 < expression.size() && expression[i] == ' ' &&
                       (expression[i + 1] == '+' || expression[i + 1] == '-') && expression[i + 2] == ' ';
    if (!at_end && !at_op) continue;
    result += sign * expression_product(report, expression.substr(start, i - start));
    if (at_op) {
      sign = expression[i + 1] == '+' ? 1.0 : -1.0;
      start = i + 3;
      i += 2;
    }
  }
  return result;
}

}  // namespace

double evaluate_report_expression(const Json& report, const std::string& expression) {
  const double result = expression_sum(report, expression);
  if (!std::isfinite(result)) throw std::runtime_error("\"" + expression + "\" is not finite");
  return result;
}

}  // namespace fleetsim
