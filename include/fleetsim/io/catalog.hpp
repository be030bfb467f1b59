// The built-in hardware, model and serving-stack catalog (src/catalog/*.yaml,
// compiled in).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/core/hardware.hpp"
#include "fleetsim/core/model_spec.hpp"
#include "fleetsim/core/serving_stack.hpp"

namespace fleetsim {

class Catalog {
 public:
  // The compiled-in catalog, parsed once. Throws InputError if the data is broken
  // (a build defect, caught by the tests).
  static const Catalog& builtin();
  // The same entries with every `sources` map empty, read in about a third of
  // the time: what a simulation needs (only `fleetsim catalog` shows sources).
  static const Catalog& builtin_figures();

  const HardwareSpec* find_hardware(const std::string& name) const;
  const ModelSpec* find_model(const std::string& name) const;
  const ServingStack* find_stack(const std::string& name) const;
  const std::vector<HardwareSpec>& hardware() const { return hardware_; }
  const std::vector<ModelSpec>& models() const { return models_; }
  const std::vector<ServingStack>& stacks() const { return stacks_; }

  Catalog(std::vector<HardwareSpec> hardware, std::vector<ModelSpec> models, std::vector<ServingStack> stacks = {});

 private:
  std::vector<HardwareSpec> hardware_;
  std::vector<ModelSpec> models_;
  std::vector<ServingStack> stacks_;
};

// Lays the entries of a catalog file over `base`: an entry whose name `base`
// has overrides only the keys it gives (a calibration of a built-in type);
// a new name is a complete entry, or starts from one with `catalog: NAME`.
// The file has any of a `hardware:`, a `models:` and a `stacks:` map. nullopt, with the
// reasons in `diagnostics`, if anything is wrong.
std::optional<Catalog> overlay_catalog(const Catalog& base, const std::string& yaml, const std::string& label,
                                       std::vector<Diagnostic>& diagnostics);

}  // namespace fleetsim
