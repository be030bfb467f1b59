// Process exit codes, documented in the README: CI pipelines branch on them.
#pragma once

#include <string>
#include <vector>

namespace fleetsim {

enum ExitCode : int {
  kExitOk = 0,
  kExitInvalidInput = 1,  // the scenario (or another input file) has errors
  kExitUsage = 2,         // bad command line
  kExitInternal = 3,      // a fleetsim defect (please report it), or the engine module missing (engine_module.hpp)
  kExitExpectation = 4,   // check/diff: a figure is outside its bound or tolerance
};

// What each exit status means, for people: the --help footer and the man
// page's EXIT STATUS are both written from this list.
struct ExitCodeMeaning {
  std::string codes;  // "4", or "130/143/129/131" for a group
  std::string meaning;
};
const std::vector<ExitCodeMeaning>& exit_code_meanings();

}  // namespace fleetsim
