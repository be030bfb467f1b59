// The validation suite's evidence per hardware class and serving stack
// (src/catalog/evidence.yaml, compiled in), read once.
#pragma once

#include <string>

#include "fleetsim/core/model_evidence.hpp"

namespace fleetsim {

// The compiled-in file, parsed once. Throws std::runtime_error if it is
// malformed (a build defect, caught by the tests).
const ModelEvidence& builtin_model_evidence();

// Reads a file of evidence.yaml's form; throws std::runtime_error naming
// the entry at fault.
ModelEvidence read_model_evidence(const std::string& yaml);

}  // namespace fleetsim
