#include "fleetsim/io/scenario_variants.hpp"

#include <algorithm>

#include "fleetsim/io/spelling.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
YAML::Node merge_over(const YAML::Node& base, const YAML::Node& overlay, const std::vector<std::string>& skipped) {
  if (!base.IsMap() || !overlay.IsMap()) return overlay;
  auto kept = [&](const std::string& key) { return std::find(skipped.begin(), skipped.end(), key) == skipped.end(); };
  YAML::Node merged(YAML::NodeType::Map);
  for (const auto& kv : base) {
    const std::string key = kv.first.Scalar();
    if (!kept(key)) continue;
    const YAML::Node replacement = YamlReader::get(overlay, key);
    merged.force_insert(kv.first, replacement.IsDefined() ? merge_over(kv.second, replacement) : kv.second);
  }
  for (const auto& kv : overlay)
    if (kept(kv.first.Scalar()) && !YamlReader::get(base, kv.first.Scalar()).IsDefined())
      merged.force_insert(kv.first, kv.second);
  return merged;
}

std::vector<std::string> read_variant_names(YamlReader& reader, const YAML::Node& root) {
  std::vector<std::string> names;
  if (!root.IsMap()) return names;
  const YAML::Node variants = YamlReader::get(root, "variants");
  if (!variants.IsDefined() || variants.IsNull()) return names;
  if (!reader.expect_map(variants, "variants", "variants: {NAME: {fleet: ...}, ...}")) return names;
  for (const auto& kv : variants) {
    const std::string name = kv.first.Scalar();
    const std::string path = "variants." + name;
    names.push_back(name);
    if (reader.expect_map(kv.second, path, "a variant is a partial scenario, e.g. {fleet: {pools: [...]}}"))
      check_scenario_keys(reader, kv.second, path, "variant");
  }
  return names;
}

std::optional<YAML::Node> select_variant(YamlReader& reader, const YAML::Node& root, const std::string& variant) {
  if (!root.IsMap() || variant.empty()) return root;
  const YAML::Node variants = YamlReader::get(root, "variants");
  std::vector<std::string> names;
  if (variants.IsMap())
    for (const auto& kv : variants) names.push_back(kv.first.Scalar());
  const YAML::Node chosen = variants.IsMap() ? YamlReader::get(variants, variant) : YAML::Node();
  if (!chosen.IsDefined() || !chosen.IsMap()) {
    reader.error(variants.IsDefined() ? variants : root, "variants",
                 "no variant named \"" + variant + "\"",
                 names.empty() ? "this scenario declares no variants" : did_you_mean_hint(variant, names, "variants"));
    return std::nullopt;
  }
  return merge_over(root, chosen, {"variants"});
}

}  // namespace fleetsim
