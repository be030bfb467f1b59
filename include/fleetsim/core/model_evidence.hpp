// How far the performance model was checked where a pool runs: the
// validation suite's cross-validated error for the pool's hardware class and
// for its serving stack (src/catalog/evidence.yaml, copied from
// docs/validation.md). Data for the report, not an input of the model.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <vector>

namespace fleetsim {

// A group of published cases, each predicted by a fit that never saw its
// source: how many, the median |simulated / published - 1|, and how many
// lie beyond 35%.
struct EvidenceFigures {
  int cases = 0;
  double median_error = std::numeric_limits<double>::quiet_NaN();
  int beyond_35 = 0;
};

// One pool's evidence. An empty hardware_class: no published case ran on
// the pool's hardware entry (nor on another of its class); an empty stack:
// the pool names no stack, or no published case ran the one it names.
struct PoolEvidence {
  std::string hardware_class;
  EvidenceFigures hardware;
  std::string stack;
  EvidenceFigures stack_figures;
};

class ModelEvidence {
 public:
  // A class, the catalog's hardware entries that belong to it, its figures.
  void add_class(const std::string& name, const std::vector<std::string>& entries, const EvidenceFigures& figures);
  void add_stack(const std::string& name, const EvidenceFigures& figures);

  // The evidence for a pool on the catalog's hardware entry `hardware` with
  // the stack `stack` ("" for none).
  PoolEvidence for_pool(const std::string& hardware, const std::string& stack) const;

  const std::map<std::string, EvidenceFigures>& classes() const { return classes_; }
  const std::map<std::string, EvidenceFigures>& stacks() const { return stacks_; }
  // Hardware entry -> its class.
  const std::map<std::string, std::string>& class_of_entry() const { return class_of_entry_; }

 private:
  std::map<std::string, EvidenceFigures> classes_;
  std::map<std::string, std::string> class_of_entry_;
  std::map<std::string, EvidenceFigures> stacks_;
};

}  // namespace fleetsim
