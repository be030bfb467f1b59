#include "fleetsim/workflows/served_regime.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fleetsim/core/model_evidence.hpp"

namespace fleetsim {

std::string ServedRegime::label() const { return fmt::format("{} {:.1f}", device, mean_batch); }

bool ServedRegime::batched() const { return runs_batched(mean_batch); }

std::optional<ServedRegime> served_regime(const nlohmann::ordered_json& report) {
  const auto pools = report.find("pools");
  if (pools == report.end() || !pools->is_array()) return std::nullopt;
  std::optional<ServedRegime> regime;
  for (const auto& pool : *pools) {
    const auto calls = pool.find("llm_calls");
    if (calls == pool.end() || !calls->is_number() || calls->get<double>() <= 0.0) continue;
    const auto kind = pool.find("kind");
    const auto batch = pool.find("mean_batch_size");
    const std::string device = kind != pool.end() && kind->is_string() ? kind->get<std::string>() : "unknown";
    const double mean_batch = batch != pool.end() && batch->is_number() ? batch->get<double>() : 0.0;
    if (!regime) {
      regime = ServedRegime{device, mean_batch};
      continue;
    }
    if (regime->device != device) regime->device = "mixed";
    regime->mean_batch = std::max(regime->mean_batch, mean_batch);
  }
  return regime;
}

}  // namespace fleetsim
