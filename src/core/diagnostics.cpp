#include "fleetsim/core/diagnostics.hpp"

namespace fleetsim {
namespace {

std::string join_formatted(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) {
    if (!text.empty()) text += '\n';
    text += d.format();
  }
  return text.empty() ? std::string("invalid input") : text;
}

}  // namespace

std::string Diagnostic::format() const {
  std::string text;
  if (!file.empty()) {
    text += file;
    if (line > 0) {
      text += ':' + std::to_string(line);
      if (column > 0) text += ':' + std::to_string(column);
    }
    text += ": ";
  }
  text += severity == Severity::warning ? "warning: " : "error: ";
  if (!key_path.empty()) text += key_path + ": ";
  text += message;
  if (!hint.empty()) text += "\n  hint: " + hint;
  return text;
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_formatted(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace fleetsim
