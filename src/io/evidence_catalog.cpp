#include "fleetsim/io/evidence_catalog.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace fleetsim::catalog_data {
extern const char* const kEvidenceYaml;
}  // namespace fleetsim::catalog_data

namespace fleetsim {
namespace {

// `cases: N, median_error: X%, beyond_35: M`, as docs/validation.md records them.
EvidenceFigures read_figures(const YAML::Node& node, const std::string& where) {
  EvidenceFigures f;
  try {
    f.cases = node["cases"].as<int>();
    f.beyond_35 = node["beyond_35"].as<int>();
    const std::string median = node["median_error"].as<std::string>();
    if (median.empty() || median.back() != '%') throw std::runtime_error("median_error is not a percentage");
    std::size_t used = 0;
    f.median_error = std::stod(median.substr(0, median.size() - 1), &used) / 100.0;
    if (used != median.size() - 1) throw std::runtime_error("median_error is not a percentage");
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("evidence.yaml, {}: {}", where, e.what()));
  }
  if (f.cases < 0 || f.beyond_35 < 0 || f.beyond_35 > f.cases || !(f.median_error >= 0))
    throw std::runtime_error(fmt::format("evidence.yaml, {}: figures out of range", where));
  return f;
}

}  // namespace

ModelEvidence read_model_evidence(const std::string& yaml) {
  const YAML::Node root = YAML::Load(yaml);
  ModelEvidence evidence;
  for (const auto& entry : root["classes"]) {
    const std::string name = entry.first.as<std::string>();
    std::vector<std::string> entries;
    for (const auto& e : entry.second["entries"]) {
      entries.push_back(e.as<std::string>());
      if (evidence.class_of_entry().count(entries.back()))
        throw std::runtime_error(fmt::format("evidence.yaml, classes.{}: entry \"{}\" is in two classes", name,
                                             entries.back()));
    }
    evidence.add_class(name, entries, read_figures(entry.second, "classes." + name));
  }
  for (const auto& entry : root["stacks"]) {
    const std::string name = entry.first.as<std::string>();
    evidence.add_stack(name, read_figures(entry.second, "stacks." + name));
  }
  for (const auto& entry : root["regimes"]) {
    const std::string name = entry.first.as<std::string>();
    const EvidenceFigures figures = read_figures(entry.second, "regimes." + name);
    try {
      evidence.add_regime(name, figures);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(fmt::format("evidence.yaml, regimes: {}", e.what()));
    }
  }
  return evidence;
}

const ModelEvidence& builtin_model_evidence() {
  static const ModelEvidence evidence = read_model_evidence(catalog_data::kEvidenceYaml);
  return evidence;
}

}  // namespace fleetsim
