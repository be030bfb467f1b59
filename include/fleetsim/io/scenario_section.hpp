// Top-level sections of a scenario file that another layer reads: the
// workflows' `expect:` (fleetsim check) and `plan:` (fleetsim plan). The
// loader does not know what they hold; it hands each one's YAML, located in
// the file, to the reader its caller installed (LoadOptions::sections), in
// the same pass as its own sections, so that their problems are diagnostics
// of the load like any other: one pass reports every error, and a broken
// section fails every command that loads the file.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "fleetsim/core/hardware.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

struct ScenarioContext;  // the loader's own state (src/io/scenario_context.hpp)

// What a section reader may see of the scenario read so far. The scenario's
// own sections are read first, whatever their errors, so the fleet's pools
// and the hardware entries are there to check references against.
class ScenarioSoFar {
 public:
  explicit ScenarioSoFar(ScenarioContext& context) : context_(context) {}

  // Where problems go: located at a node, counted with the loader's.
  YamlReader& reader() const;
  // The pool of fleet.pools with this name, or nullptr.
  const Pool* find_pool(const std::string& name) const;
  // fleet.pools' names, in file order (for did-you-mean).
  std::vector<std::string> pool_names() const;
  // The scenario's `hardware:` entry or the catalog's with this name. An
  // unknown name is reported at `at` with did-you-mean; an entry that was
  // broken (and reported) is not reported again. nullptr for both.
  const HardwareSpec* resolve_hardware(const std::string& name, const YAML::Node& at, const std::string& path) const;

 private:
  ScenarioContext& context_;
};

// Reads one top-level section. The loader calls read() once per load when
// the file (after its variant and --set edits) has the key with a value
// other than null; a reader keeps what it read for its caller.
class ScenarioSectionReader {
 public:
  virtual ~ScenarioSectionReader() = default;
  // The top-level key, a key of the scenario's key table ("expect").
  virtual const char* key() const = 0;
  virtual void read(const YAML::Node& section, const ScenarioSoFar& scenario) = 0;
};

}  // namespace fleetsim
