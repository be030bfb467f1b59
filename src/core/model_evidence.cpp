#include "fleetsim/core/model_evidence.hpp"

#include <stdexcept>

namespace fleetsim {

// "Rounds to 1.5 or more at one decimal" is "at least 1.45": the double
// nearest 1.45 lies below it (and prints "1.4"), so every double above it
// prints 1.5 or more and none at or below it does.
bool runs_batched(double mean_batch) { return mean_batch > 1.45; }

void PoolEvidence::choose_regime(bool cpu, double mean_batch) {
  regime.reset();
  if (!cpu) return;
  const bool batched = runs_batched(mean_batch);
  const std::optional<EvidenceFigures>& figures = batched ? cpu_batched : cpu_batch_one;
  if (figures) regime = RegimeEvidence{batched ? kCpuBatchedRegime : kCpuBatchOneRegime, *figures};
}

void ModelEvidence::add_class(const std::string& name, const std::vector<std::string>& entries,
                              const EvidenceFigures& figures) {
  classes_[name] = figures;
  for (const std::string& entry : entries) class_of_entry_[entry] = name;
}

void ModelEvidence::add_stack(const std::string& name, const EvidenceFigures& figures) { stacks_[name] = figures; }

void ModelEvidence::add_regime(const std::string& name, const EvidenceFigures& figures) {
  if (name != kCpuBatchedRegime && name != kCpuBatchOneRegime)
    throw std::invalid_argument("no regime \"" + name + "\" (\"" + kCpuBatchedRegime + "\" or \"" +
                                kCpuBatchOneRegime + "\")");
  regimes_[name] = figures;
}

PoolEvidence ModelEvidence::for_pool(const std::string& hardware, const std::string& stack) const {
  PoolEvidence e;
  if (const auto c = class_of_entry_.find(hardware); c != class_of_entry_.end()) {
    e.hardware_class = c->second;
    e.hardware = classes_.at(c->second);
  }
  // The suite's "none" groups cases that name no stack; a pool without one
  // is not thereby like them.
  if (const auto s = stacks_.find(stack); !stack.empty() && s != stacks_.end()) {
    e.stack = stack;
    e.stack_figures = s->second;
  }
  if (const auto r = regimes_.find(kCpuBatchedRegime); r != regimes_.end()) e.cpu_batched = r->second;
  if (const auto r = regimes_.find(kCpuBatchOneRegime); r != regimes_.end()) e.cpu_batch_one = r->second;
  return e;
}

}  // namespace fleetsim
