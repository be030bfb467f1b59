#include "fleetsim/core/model_evidence.hpp"

namespace fleetsim {

void ModelEvidence::add_class(const std::string& name, const std::vector<std::string>& entries,
                              const EvidenceFigures& figures) {
  classes_[name] = figures;
  for (const std::string& entry : entries) class_of_entry_[entry] = name;
}

void ModelEvidence::add_stack(const std::string& name, const EvidenceFigures& figures) { stacks_[name] = figures; }

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
  return e;
}

}  // namespace fleetsim
