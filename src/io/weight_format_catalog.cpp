#include "weight_format_catalog.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "fleetsim/core/diagnostics.hpp"
#include "model_entry.hpp"
#include "fleetsim/io/yaml_document.hpp"

namespace fleetsim::catalog_data {
extern const char* const kFormatsYaml;
}  // namespace fleetsim::catalog_data

namespace fleetsim {
namespace {

std::vector<WeightFormat> read_formats(const std::string& text, const std::string& label,
                                       std::vector<Diagnostic>& diagnostics) {
  std::vector<WeightFormat> formats;
  std::map<std::string, std::string> head_names;  // format -> its head_format
  YamlReader reader(label, diagnostics);
  const auto root = parse_yaml_document(reader, text, "a map with the key \"formats\"");
  if (!root || !reader.expect_map(*root, "")) return formats;
  reader.check_keys(*root, "", {"formats"});
  const YAML::Node entries = reader.require(*root, "", "formats");
  if (!entries.IsDefined() || !reader.expect_map(entries, "formats")) return formats;
  reader.check_unique_keys(entries, "formats");
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string path = child_path("formats", it->first.Scalar());
    const YAML::Node entry = it->second;
    if (!reader.expect_map(entry, path)) continue;
    reader.check_keys(entry, path, {"description", "dtype", "bits_per_weight", "vocab_dtype", "head_format", "sources"});
    WeightFormat f;
    f.name = it->first.Scalar();
    if (const YAML::Node n = YamlReader::get(entry, "description"))
      if (auto v = reader.text(n, child_path(path, "description"))) f.description = *v;
    if (const YAML::Node n = reader.require(entry, path, "dtype"))
      if (auto v = reader.choice(n, child_path(path, "dtype"), data_type_choices(), "data type")) f.dtype = *v;
    if (const YAML::Node n = reader.require(entry, path, "bits_per_weight"))
      if (auto v = reader.number(n, child_path(path, "bits_per_weight"), in_range(1, 32)))
        f.bits_per_weight = *v;
    if (const YAML::Node n = YamlReader::get(entry, "vocab_dtype"))
      if (auto v = reader.choice(n, child_path(path, "vocab_dtype"), data_type_choices(), "data type"))
        f.vocab_dtype = *v;
    if (const YAML::Node n = YamlReader::get(entry, "head_format"))
      if (auto v = reader.text(n, child_path(path, "head_format"))) head_names[f.name] = *v;
    if (const YAML::Node n = YamlReader::get(entry, "sources"))
      if (auto sources = reader.text_map(n, child_path(path, "sources")))
        for (auto& [field, citation] : *sources) f.sources[field] = citation;
    formats.push_back(std::move(f));
  }
  // A head format is another entry's name, one that keeps its head itself;
  // its storage is resolved here, once.
  for (auto& f : formats) {
    const auto named = head_names.find(f.name);
    if (named == head_names.end()) continue;
    const std::string& head_name = named->second;
    const auto head = std::find_if(formats.begin(), formats.end(),
                                   [&](const WeightFormat& g) { return g.name == head_name; });
    const YAML::Node at = YamlReader::get(entries[f.name], "head_format");
    const std::string at_path = child_path(child_path("formats", f.name), "head_format");
    if (head == formats.end())
      reader.error(at, at_path, fmt::format("unknown head format \"{}\"", head_name), "name another entry of this file");
    else if (head_names.count(head_name) || head->vocab_dtype)
      reader.error(at, at_path, fmt::format("head format \"{}\" stores its own head apart", head_name),
                   "a head format is a plain format: one without head_format or vocab_dtype");
    else
      f.head = head_storage_in(*head);
  }
  return formats;
}

}  // namespace

const std::vector<WeightFormat>& builtin_weight_formats() {
  static const std::vector<WeightFormat> formats = [] {
    std::vector<Diagnostic> diagnostics;
    auto parsed = read_formats(catalog_data::kFormatsYaml, "src/catalog/formats.yaml (built in)", diagnostics);
    for (const auto& d : diagnostics)
      if (d.is_error()) throw InputError(std::move(diagnostics));
    return parsed;
  }();
  return formats;
}

const Choices<WeightFormat>& weight_format_choices() {
  static const Choices<WeightFormat> choices = [] {
    Choices<WeightFormat> c;
    for (const auto& f : builtin_weight_formats()) c.emplace_back(f.name, f);
    return c;
  }();
  return choices;
}

ModelSpec::HeadStorage head_storage_in(const WeightFormat& format) {
  return {format.name, format.dtype, format.bits_per_weight};
}

}  // namespace fleetsim
