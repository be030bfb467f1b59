// How far the performance model was checked where a pool runs: the
// validation suite's cross-validated error for the pool's hardware class and
// for its serving stack (src/catalog/evidence.yaml, copied from
// docs/validation.md). Data for the report, not an input of the model.
#pragma once

#include <limits>
#include <map>
#include <optional>
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

// The regimes the suite's statistics give apart (docs/validation.md): CPUs
// serving several sequences per iteration, and CPUs serving one. The names
// are the rows of the recorded cross-validation.
inline constexpr const char* kCpuBatchedRegime = "CPU at batch > 1";
inline constexpr const char* kCpuBatchOneRegime = "CPU at batch 1";

// Whether a mean batch (sequences per iteration, time-weighted over busy
// time) counts as batched: 1.5 or more once rounded to one decimal, as the
// validation table writes it. A pool whose batches only now and then hold
// a second sequence stays a batch-1 pool.
bool runs_batched(double mean_batch);

// A regime's figures, named.
struct RegimeEvidence {
  std::string name;
  EvidenceFigures figures;
};

// One pool's evidence. An empty hardware_class: no published case ran on
// the pool's hardware entry (nor on another of its class); an empty stack:
// the pool names no stack, or no published case ran the one it names.
// `regime`: for a CPU pool that served calls, the figures of the regime its
// run was in (set by the report from the pool's mean batch, out of
// `cpu_batched` and `cpu_batch_one`, which the scenario's reader fills and
// no report writes).
struct PoolEvidence {
  std::string hardware_class;
  EvidenceFigures hardware;
  std::string stack;
  EvidenceFigures stack_figures;
  std::optional<RegimeEvidence> regime;
  std::optional<EvidenceFigures> cpu_batched, cpu_batch_one;

  // Sets `regime` for a pool of this kind of device and mean batch.
  void choose_regime(bool cpu, double mean_batch);
};

class ModelEvidence {
 public:
  // A class, the catalog's hardware entries that belong to it, its figures.
  void add_class(const std::string& name, const std::vector<std::string>& entries, const EvidenceFigures& figures);
  void add_stack(const std::string& name, const EvidenceFigures& figures);
  // kCpuBatchedRegime or kCpuBatchOneRegime; any other name is refused.
  void add_regime(const std::string& name, const EvidenceFigures& figures);

  // The evidence for a pool on the catalog's hardware entry `hardware` with
  // the stack `stack` ("" for none).
  PoolEvidence for_pool(const std::string& hardware, const std::string& stack) const;

  const std::map<std::string, EvidenceFigures>& classes() const { return classes_; }
  const std::map<std::string, EvidenceFigures>& stacks() const { return stacks_; }
  const std::map<std::string, EvidenceFigures>& regimes() const { return regimes_; }
  // Hardware entry -> its class.
  const std::map<std::string, std::string>& class_of_entry() const { return class_of_entry_; }

 private:
  std::map<std::string, EvidenceFigures> classes_;
  std::map<std::string, std::string> class_of_entry_;
  std::map<std::string, EvidenceFigures> stacks_;
  std::map<std::string, EvidenceFigures> regimes_;
};

}  // namespace fleetsim
