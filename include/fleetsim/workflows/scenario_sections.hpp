// A scenario loaded with the sections the workflows own: `expect:` (the
// bounds fleetsim check checks) and `plan:` (the fleets fleetsim plan may
// choose from). The loader (fleetsim/io/scenario_loader.hpp) knows these keys
// only as names in the scenario's key table; it hands their YAML to the
// readers installed here (fleetsim/io/scenario_section.hpp), in the same
// pass as its own sections. Every command that loads a scenario loads it
// through these functions, so a broken `expect:` or `plan:` fails `validate`
// and `run` exactly as it fails `check` and `plan`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "fleetsim/workflows/expectation.hpp"
#include "fleetsim/workflows/plan_spec.hpp"

namespace fleetsim {

// A load's result with what the workflow sections hold (empty or nullopt
// when the file has no such section or it has errors).
struct WorkflowLoad : LoadResult {
  std::vector<Expectation> expectations;  // `expect:`, for fleetsim check
  std::optional<PlanSpec> plan;           // `plan:`, for fleetsim plan
};

// load_scenario_file / load_scenario_text with the workflow sections read.
// `options.sections` may hold further readers; these two are added after them.
WorkflowLoad load_scenario_file_with_sections(const std::string& path, const Catalog& catalog = Catalog::builtin(),
                                              const LoadOptions& options = {});
WorkflowLoad load_scenario_text_with_sections(const std::string& yaml_text, const std::string& file_label,
                                              const Catalog& catalog = Catalog::builtin(),
                                              const LoadOptions& options = {});

}  // namespace fleetsim
