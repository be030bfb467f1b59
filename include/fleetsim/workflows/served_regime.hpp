// What a run's LLM calls were served on, read back from its report: the kind
// of device of the pools that served them and how many sequences shared an
// iteration. validate-model labels each case with it, so that the suite's
// statistics can be read per regime (issue 10 asks for CPU cases at batch > 1
// on their own) without a hand-kept label that could disagree with the run.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace fleetsim {

struct ServedRegime {
  // The `kind` of every pool that served an LLM call ("cpu", "gpu"), or
  // "mixed" when they differ.
  std::string device;
  // The largest of those pools' `mean_batch_size`: sequences per iteration,
  // time-weighted over busy time.
  double mean_batch = 0.0;

  // A batch of more than one sequence in the typical iteration: the mean,
  // as label() writes it, is 1.5 or more (runs_batched, model_evidence.hpp,
  // which reports use too; scripts/fit_catalog.py applies the same rule to
  // the label).
  bool batched() const;
  // "cpu 8.0": the label of a case's table row.
  std::string label() const;
};

// nullopt when no pool of the report served an LLM call.
std::optional<ServedRegime> served_regime(const nlohmann::ordered_json& report);

}  // namespace fleetsim
