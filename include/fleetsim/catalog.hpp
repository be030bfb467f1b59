// The built-in hardware and model catalog (src/catalog/*.yaml, compiled in).
#pragma once

#include <string>
#include <vector>

#include "fleetsim/hardware.hpp"
#include "fleetsim/model_spec.hpp"

namespace fleetsim {

class Catalog {
 public:
  // The compiled-in catalog, parsed once. Throws InputError if the data is broken
  // (a build defect, caught by the tests).
  static const Catalog& builtin();

  const HardwareSpec* find_hardware(const std::string& name) const;
  const ModelSpec* find_model(const std::string& name) const;
  const std::vector<HardwareSpec>& hardware() const { return hardware_; }
  const std::vector<ModelSpec>& models() const { return models_; }

  Catalog(std::vector<HardwareSpec> hardware, std::vector<ModelSpec> models);

 private:
  std::vector<HardwareSpec> hardware_;
  std::vector<ModelSpec> models_;
};

}  // namespace fleetsim
