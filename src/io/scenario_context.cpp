#include "scenario_context.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fleetsim/io/spelling.hpp"

namespace fleetsim {
namespace {

// A likely typo gets its correction; otherwise the known names and how to add one.
std::string unknown_name_hint(const std::string& name, const std::vector<std::string>& known, const char* section) {
  if (auto match = closest_match(name, known)) return "did you mean \"" + *match + "\"?";
  std::string hint = known.empty() ? "" : "known: " + quoted_list(known) + "; ";
  return hint + "define new ones under the top-level `" + section + ":` key";
}

}  // namespace

const HardwareSpec* ScenarioContext::find_hardware(const std::string& name) const {
  if (auto it = hardware.find(name); it != hardware.end()) return &it->second;
  return catalog.find_hardware(name);
}

const ModelSpec* ScenarioContext::find_model(const std::string& name) const {
  if (auto it = models.find(name); it != models.end()) return &it->second;
  return catalog.find_model(name);
}

const HardwareSpec* ScenarioContext::resolve_hardware(const NameSite& site) {
  if (broken_hardware.count(site.name)) return nullptr;
  if (const HardwareSpec* h = find_hardware(site.name)) return h;
  std::vector<std::string> names;
  for (const auto& [name, spec] : hardware) names.push_back(name);
  for (const auto& h : catalog.hardware())
    if (!hardware.count(h.name)) names.push_back(h.name);
  const std::string hint = unknown_name_hint(site.name, names, "hardware");
  reader.error(site.node, site.path, fmt::format("unknown hardware \"{}\"", site.name), hint);
  return nullptr;
}

const ModelSpec* ScenarioContext::resolve_model(const NameSite& site) {
  if (broken_models.count(site.name)) return nullptr;
  if (const ModelSpec* m = find_model(site.name)) return m;
  std::vector<std::string> names;
  for (const auto& [name, spec] : models) names.push_back(name);
  for (const auto& m : catalog.models())
    if (!models.count(m.name)) names.push_back(m.name);
  const std::string hint = unknown_name_hint(site.name, names, "models");
  reader.error(site.node, site.path, fmt::format("unknown model \"{}\"", site.name), hint);
  return nullptr;
}

std::vector<std::string> ScenarioContext::pool_names() const {
  std::vector<std::string> names;
  for (const auto& p : scenario.pools)
    if (!p.name.empty() && std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
  return names;
}

std::optional<std::string> read_entry_name(YamlReader& r, const YAML::Node& entry, const std::string& path,
                                           std::map<std::string, int>& first_line, const char* what,
                                           const char* why) {
  const YAML::Node n = r.require(entry, path, "name");
  if (!n) return std::nullopt;
  auto name = r.name(n, child_path(path, "name"));
  if (!name) return std::nullopt;
  const int line = YamlReader::location(n).first;
  if (auto [it, fresh] = first_line.emplace(*name, line); !fresh)
    r.error(n, child_path(path, "name"), fmt::format("{} name \"{}\" is used twice", what, *name),
            fmt::format("the first is on line {}; {}", it->second, why));
  return name;
}

}  // namespace fleetsim
