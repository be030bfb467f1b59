// Where validate-model finds its suite when no DIR is given: run from the
// repository root, `validation/` is right there; run from anywhere else, the
// suite is looked for beside the binary (a build directory inside the
// repository, or an installed prefix's share/fleetsim).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fleetsim {

// The running binary's directory; empty when the system does not say. What
// an installation holds beside the binary is found from here (the suite
// below, the engine module in engine_module.cpp).
std::filesystem::path binary_dir();

struct SuiteLocation {
  std::filesystem::path dir;                    // empty: not found
  std::vector<std::filesystem::path> searched;  // the directories tried, in order
};

// `default_dir`: the command's default ("validation"), tried first, relative
// to the working directory.
SuiteLocation locate_validation_suite(const std::filesystem::path& default_dir);

}  // namespace fleetsim
