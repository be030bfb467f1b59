// Problems found in user input, located in the file they came from.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace fleetsim {

enum class Severity { error, warning };

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string key_path;  // e.g. "fleet.pools[1].engine.max_batch_size"
  std::string message;   // what was expected and what was found
  std::string hint;      // optional: how to fix it
  // Warnings point at likely mistakes that still make a runnable scenario.
  Severity severity = Severity::error;

  // "file:line:column: error: key_path: message" and, if any, "\n  hint: ...".
  // Unknown parts are left out; warnings say "warning:".
  std::string format() const;
  bool is_error() const { return severity == Severity::error; }
};

// Thrown by loaders when input is invalid; carries every problem found.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace fleetsim
