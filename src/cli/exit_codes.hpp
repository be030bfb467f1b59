// Process exit codes, documented in the README: CI pipelines branch on them.
#pragma once

namespace fleetsim {

enum ExitCode : int {
  kExitOk = 0,
  kExitInvalidInput = 1,  // the scenario (or another input file) has errors
  kExitUsage = 2,         // bad command line
  kExitInternal = 3,      // a fleetsim defect: please report it
  kExitExpectation = 4,   // check/diff: a figure is outside its bound or tolerance
};

}  // namespace fleetsim
