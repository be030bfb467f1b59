// YAML scenario file -> validated Scenario.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/cell_spec.hpp"
#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/core/scenario.hpp"

namespace fleetsim {

class ScenarioSectionReader;  // fleetsim/io/scenario_section.hpp

struct LoadOptions {
  // Merge this entry of the file's `variants:` over the base scenario; empty:
  // the base alone. The loaded scenario is named "<name>/<variant>".
  std::string variant;
  // `--set PATH=VALUE` edits, applied in order to the YAML (after the variant
  // is merged) before validation: PATH names keys with dots and list items by
  // name or [index]; VALUE is YAML. See fleetsim/io/scenario_overrides.hpp.
  std::vector<std::pair<std::string, std::string>> overrides;
  // Read this entry of the file's `cells:` (after the variant, before the
  // overrides): the base with the cell merged over it and its arrival rates
  // scaled by the cell's share (docs/cells.md). Empty: the whole scenario.
  std::string cell;
  // Multiply every arrival rate by this after the cell's share (`fleetsim run
  // --traffic-scale`, `fleetsim capacity`). A workload that replays a trace
  // by its times cannot be scaled: an error at its arrivals key.
  double traffic_scale = 1.0;
  // Readers of top-level sections another layer owns (the workflows'
  // `expect:` and `plan:`, fleetsim/workflows/scenario_sections.hpp), called
  // in the same pass; their errors make the load fail. A section with no
  // reader here is not read: its keys are known, its contents unchecked.
  std::vector<ScenarioSectionReader*> sections;
};

struct LoadResult {
  std::optional<Scenario> scenario;     // set only when there are no errors
  std::vector<Diagnostic> diagnostics;  // every problem found, in file order
  std::vector<std::string> variants;    // the variants the file declares
  std::vector<CellSpec> cells;          // the `cells:` section, in file order
  bool ok() const { return scenario.has_value(); }
};

// Parses and validates. Never throws on bad input: every syntax error, unknown
// key, wrong type, bad unit, dangling reference and physically impossible
// set-up becomes a Diagnostic.
LoadResult load_scenario_file(const std::string& path, const Catalog& catalog = Catalog::builtin(),
                              const LoadOptions& options = {});
LoadResult load_scenario_text(const std::string& yaml_text, const std::string& file_label,
                              const Catalog& catalog = Catalog::builtin(), const LoadOptions& options = {});

}  // namespace fleetsim
