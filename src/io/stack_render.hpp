// The serving stacks' part of `fleetsim catalog`: a table and JSON objects
// (docs/report-format.md, "Catalog JSON").
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/serving_stack.hpp"

namespace fleetsim {

// One row per stack: overhead terms in microseconds, scheduling defaults
// ("-" where the stack leaves fleetsim's default), CUDA graphs.
std::string render_stack_table(const std::vector<ServingStack>& stacks);
// One object per stack, SI units named in the keys; null for a scheduling
// default the stack leaves to fleetsim.
nlohmann::ordered_json stacks_json(const std::vector<ServingStack>& stacks);

}  // namespace fleetsim
