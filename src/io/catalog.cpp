#include "fleetsim/io/catalog.hpp"

#include <algorithm>

#include "catalog_reader.hpp"
#include "catalog_without_sources.hpp"
#include "hardware_entry.hpp"
#include "model_entry.hpp"
#include "stack_entry.hpp"
#include "fleetsim/io/yaml_document.hpp"

namespace fleetsim::catalog_data {
extern const char* const kHardwareYaml;
extern const char* const kModelsYaml;
extern const char* const kStacksYaml;
}  // namespace fleetsim::catalog_data

namespace fleetsim {
namespace {

// Reads `top_key: {name: entry, ...}` with `read_entry(reader, node, path,
// name, from)`. An entry is complete (`from` nullptr), or starts from an entry
// above it in the same map with `catalog: NAME` (a variant that differs in a
// few keys, such as an older build of the same software) and gives only what
// differs: the file then states each shared figure, and its source, once.
template <typename Spec, typename ReadEntry>
std::vector<Spec> read_entries(const std::string& text, const std::string& label, const std::string& top_key,
                               std::vector<Diagnostic>& diagnostics, ReadEntry read_entry) {
  std::vector<Spec> specs;
  YamlReader reader(label, diagnostics);
  const auto root = parse_yaml_document(reader, text, "a map with the key \"" + top_key + "\"");
  if (!root || !reader.expect_map(*root, "")) return specs;
  reader.check_keys(*root, "", {top_key});
  const YAML::Node entries = reader.require(*root, "", top_key);
  if (!entries.IsDefined() || !reader.expect_map(entries, top_key)) return specs;
  reader.check_unique_keys(entries, top_key);
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string& name = it->first.Scalar();
    const std::string path = child_path(top_key, name);
    // `from` points into `specs`, which grows only after the entry is read.
    const Spec* from = nullptr;
    if (const YAML::Node ref = YamlReader::get(it->second, "catalog"); ref.IsDefined()) {
      const auto base_name = reader.name(ref, child_path(path, "catalog"));
      if (!base_name) continue;
      const auto found = std::find_if(specs.begin(), specs.end(), [&](const Spec& s) { return s.name == *base_name; });
      if (found == specs.end()) {
        reader.error(ref, child_path(path, "catalog"), "no entry \"" + *base_name + "\" above this one",
                     "an entry starts from one defined earlier in the same file");
        continue;
      }
      from = &*found;
    }
    if (auto spec = read_entry(reader, it->second, path, name, from)) specs.push_back(std::move(*spec));
  }
  return specs;
}

}  // namespace

std::optional<Catalog> read_catalog(const std::string& hardware_yaml, const std::string& hardware_label,
                                    const std::string& models_yaml, const std::string& models_label,
                                    std::vector<Diagnostic>& diagnostics, const std::string& stacks_yaml,
                                    const std::string& stacks_label) {
  const std::size_t before = diagnostics.size();
  auto hardware = read_entries<HardwareSpec>(
      hardware_yaml, hardware_label, "hardware", diagnostics,
      [](YamlReader& r, const YAML::Node& node, const std::string& path, const std::string& name,
         const HardwareSpec* from) { return read_hardware_entry(r, node, path, name, from, {"catalog"}); });
  auto models = read_entries<ModelSpec>(
      models_yaml, models_label, "models", diagnostics,
      [](YamlReader& r, const YAML::Node& node, const std::string& path, const std::string& name,
         const ModelSpec* from) { return read_model_entry(r, node, path, name, from, {"catalog"}); });
  std::vector<ServingStack> stacks;
  if (!stacks_yaml.empty())
    stacks = read_entries<ServingStack>(
        stacks_yaml, stacks_label, "stacks", diagnostics,
        [](YamlReader& r, const YAML::Node& node, const std::string& path, const std::string& name,
           const ServingStack* from) { return read_stack_entry(r, node, path, name, from, {"catalog"}); });
  const bool failed = std::any_of(diagnostics.begin() + static_cast<std::ptrdiff_t>(before), diagnostics.end(),
                                  [](const Diagnostic& d) { return d.is_error(); });
  if (failed) return std::nullopt;
  return Catalog(std::move(hardware), std::move(models), std::move(stacks));
}

namespace {

// The entry `name` of an overlay starts from: the base's entry of that name,
// or the one its `catalog:` key names; nullptr for a complete new entry.
template <typename Spec, typename Find>
const Spec* overlay_base(YamlReader& reader, const YAML::Node& entry, const std::string& path,
                         const std::string& name, Find find) {
  const Spec* own = find(name);
  const YAML::Node ref = YamlReader::get(entry, "catalog");
  if (!ref.IsDefined()) return own;
  if (own) {
    reader.error(ref, child_path(path, "catalog"),
                 "\"" + name + "\" is already a catalog entry: its keys here override it",
                 "remove `catalog:`, or give the entry a new name");
    return own;
  }
  const auto base_name = reader.name(ref, child_path(path, "catalog"));
  if (!base_name) return nullptr;
  const Spec* base = find(*base_name);
  if (!base) reader.error(ref, child_path(path, "catalog"), "unknown catalog entry \"" + *base_name + "\"");
  return base;
}

template <typename Spec>
void replace_or_add(std::vector<Spec>& specs, Spec spec) {
  for (auto& s : specs)
    if (s.name == spec.name) {
      s = std::move(spec);
      return;
    }
  specs.push_back(std::move(spec));
}

// Lays the `key:` map of an overlay over `specs`: each entry starts from the
// base entry `find` gives (overlay_base) and replaces or joins `specs`.
template <typename Spec, typename Find, typename ReadEntry>
void overlay_entries(YamlReader& reader, const YAML::Node& root, const std::string& key, Find find,
                     ReadEntry read_entry, std::vector<Spec>& specs) {
  const YAML::Node entries = YamlReader::get(root, key);
  if (!entries.IsDefined() || !reader.expect_map(entries, key)) return;
  reader.check_unique_keys(entries, key);
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string name = it->first.Scalar(), path = child_path(key, name);
    const Spec* from = overlay_base<Spec>(reader, it->second, path, name, find);
    if (auto spec = read_entry(reader, it->second, path, name, from)) replace_or_add(specs, std::move(*spec));
  }
}

}  // namespace

std::optional<Catalog> overlay_catalog(const Catalog& base, const std::string& yaml, const std::string& label,
                                       std::vector<Diagnostic>& diagnostics) {
  const std::size_t before = diagnostics.size();
  YamlReader reader(label, diagnostics);
  const auto root = parse_yaml_document(reader, yaml, "a map with `hardware:`, `models:` or `stacks:` entries");
  if (!root || !reader.expect_map(*root, "")) return std::nullopt;
  reader.check_keys(*root, "", {"hardware", "models", "stacks"});
  std::vector<HardwareSpec> hardware = base.hardware();
  std::vector<ModelSpec> models = base.models();
  std::vector<ServingStack> stacks = base.stacks();
  overlay_entries(
      reader, *root, "hardware", [&](const std::string& n) { return base.find_hardware(n); },
      [](YamlReader& r, const YAML::Node& entry, const std::string& path, const std::string& name,
         const HardwareSpec* from) { return read_hardware_entry(r, entry, path, name, from, {"catalog"}); },
      hardware);
  overlay_entries(
      reader, *root, "models", [&](const std::string& n) { return base.find_model(n); },
      [](YamlReader& r, const YAML::Node& entry, const std::string& path, const std::string& name,
         const ModelSpec* from) { return read_model_entry(r, entry, path, name, from, {"catalog"}); },
      models);
  overlay_entries(
      reader, *root, "stacks", [&](const std::string& n) { return base.find_stack(n); },
      [](YamlReader& r, const YAML::Node& entry, const std::string& path, const std::string& name,
         const ServingStack* from) { return read_stack_entry(r, entry, path, name, from, {"catalog"}); },
      stacks);
  const bool failed = std::any_of(diagnostics.begin() + static_cast<std::ptrdiff_t>(before), diagnostics.end(),
                                  [](const Diagnostic& d) { return d.is_error(); });
  if (failed) return std::nullopt;
  return Catalog(std::move(hardware), std::move(models), std::move(stacks));
}

Catalog::Catalog(std::vector<HardwareSpec> hardware, std::vector<ModelSpec> models, std::vector<ServingStack> stacks)
    : hardware_(std::move(hardware)), models_(std::move(models)), stacks_(std::move(stacks)) {}

const HardwareSpec* Catalog::find_hardware(const std::string& name) const {
  for (const auto& h : hardware_)
    if (h.name == name) return &h;
  return nullptr;
}

const ModelSpec* Catalog::find_model(const std::string& name) const {
  for (const auto& m : models_)
    if (m.name == name) return &m;
  return nullptr;
}

const ServingStack* Catalog::find_stack(const std::string& name) const {
  for (const auto& s : stacks_)
    if (s.name == name) return &s;
  return nullptr;
}

namespace {

// The compiled-in files, whole or without their `sources:` maps (`cut`).
Catalog read_builtin(bool cut) {
  const auto text = [cut](const char* yaml) { return cut ? without_sources(yaml) : std::string(yaml); };
  std::vector<Diagnostic> diagnostics;
  auto parsed = read_catalog(text(catalog_data::kHardwareYaml), "src/catalog/hardware.yaml (built in)",
                             text(catalog_data::kModelsYaml), "src/catalog/models.yaml (built in)", diagnostics,
                             text(catalog_data::kStacksYaml), "src/catalog/stacks.yaml (built in)");
  for (const auto& d : diagnostics)
    if (d.is_error()) {
      // The cut text's line numbers are not the file's: say where in the file.
      if (cut) return read_builtin(false);
      throw InputError(std::move(diagnostics));
    }
  return std::move(*parsed);
}

}  // namespace

const Catalog& Catalog::builtin() {
  static const Catalog catalog = read_builtin(false);
  return catalog;
}

const Catalog& Catalog::builtin_figures() {
  static const Catalog catalog = read_builtin(true);
  return catalog;
}

}  // namespace fleetsim
