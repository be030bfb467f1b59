#include "definitions_reader.hpp"

#include <fmt/format.h>

#include "hardware_entry.hpp"
#include "model_entry.hpp"
#include "fleetsim/io/spelling.hpp"

namespace fleetsim {
namespace {

// The catalog entry an entry starts from: the one named by `catalog:`, or the
// catalog entry of the same name (overriding it in place). `ok` is false when
// `catalog:` names nothing.
template <typename Spec>
const Spec* find_base(ScenarioContext& ctx, const YAML::Node& entry, const std::string& path, const std::string& name,
                      const std::vector<Spec>& catalog_entries, std::string_view noun, bool& ok) {
  ok = true;
  auto find = [&](const std::string& n) -> const Spec* {
    for (const auto& s : catalog_entries)
      if (s.name == n) return &s;
    return nullptr;
  };
  const YAML::Node ref = YamlReader::get(entry, "catalog");
  if (!ref.IsDefined()) return find(name);
  const auto base_name = ctx.reader.name(ref, child_path(path, "catalog"));
  if (!base_name) {
    ok = false;
    return nullptr;
  }
  if (const Spec* base = find(*base_name)) return base;
  std::vector<std::string> names;
  for (const auto& s : catalog_entries) names.push_back(s.name);
  ctx.reader.error(ref, child_path(path, "catalog"), fmt::format("unknown catalog {} \"{}\"", noun, *base_name),
                   did_you_mean_hint(*base_name, names, "catalog entries"));
  ok = false;
  return nullptr;
}

template <typename Spec, typename ReadEntry>
void read_definitions(ScenarioContext& ctx, const YAML::Node& map, const std::string& section,
                      const std::vector<Spec>& catalog_entries, std::string_view noun,
                      std::map<std::string, Spec>& defined, std::set<std::string>& broken, ReadEntry read_entry) {
  YamlReader& r = ctx.reader;
  if (!r.expect_map(map, section, fmt::format("map each {} name to its fields", noun))) return;
  r.check_unique_keys(map, section);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string name = it->first.Scalar();
    if (defined.count(name) || broken.count(name)) continue;  // a repeated name, reported above
    const std::string path = child_path(section, name);
    const YAML::Node entry = it->second;
    if (!r.expect_map(entry, path)) {
      broken.insert(name);
      continue;
    }
    bool base_ok = true;
    const Spec* base = find_base(ctx, entry, path, name, catalog_entries, noun, base_ok);
    // With a bad `catalog:` the fields are still checked, but not for completeness.
    const Spec placeholder{};
    auto spec = read_entry(r, entry, path, name, base_ok ? base : &placeholder);
    if (spec && base_ok)
      defined.emplace(name, std::move(*spec));
    else
      broken.insert(name);
  }
}

}  // namespace

void read_hardware_definitions(ScenarioContext& ctx, const YAML::Node& map) {
  read_definitions(ctx, map, "hardware", ctx.catalog.hardware(), "hardware", ctx.hardware, ctx.broken_hardware,
                   [](YamlReader& r, const YAML::Node& entry, const std::string& path, const std::string& name,
                      const HardwareSpec* base) { return read_hardware_entry(r, entry, path, name, base, {"catalog"}); });
}

void read_model_definitions(ScenarioContext& ctx, const YAML::Node& map) {
  read_definitions(ctx, map, "models", ctx.catalog.models(), "model", ctx.models, ctx.broken_models,
                   [](YamlReader& r, const YAML::Node& entry, const std::string& path, const std::string& name,
                      const ModelSpec* base) { return read_model_entry(r, entry, path, name, base, {"catalog"}); });
}

}  // namespace fleetsim
