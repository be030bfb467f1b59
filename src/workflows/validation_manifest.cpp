#include "fleetsim/workflows/validation_manifest.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "fleetsim/io/input_file.hpp"
#include "fleetsim/io/yaml_document.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {
namespace {

const std::vector<std::string> kRoles = {"fitted", "holdout", "reference", "check"};
const std::vector<std::string> kKinds = {"throughput", "latency", "power", "queueing"};

std::string scalar(const YAML::Node& node, const std::string& key, bool required, const std::string& where) {
  const YAML::Node v = node[key];
  if (!v) {
    if (required) throw std::runtime_error(where + ": missing key '" + key + "'");
    return {};
  }
  if (!v.IsScalar()) throw std::runtime_error(where + ": '" + key + "' must be a scalar");
  return v.as<std::string>();
}

double number(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  double x = 0.0;
  try {
    x = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(x))
    throw std::runtime_error(what + ": expected a number, found \"" + text + "\"");
  return x;
}

double tolerance_value(const YAML::Node& node, const std::string& where) {
  if (!node.IsScalar()) throw std::runtime_error(where + ": expected a number");
  const double t = number(node.as<std::string>(), where);
  if (t <= 0.0 || t >= 10.0) throw std::runtime_error(where + ": a tolerance must be in (0, 10)");
  return t;
}

// tolerances: {fitted: 0.10, holdout: {throughput: 0.15, latency: 0.25}}:
// role -> kind -> tolerance; a number applies to every kind.
using RoleTolerances = std::map<std::string, std::map<std::string, double>>;

RoleTolerances read_tolerances(const YAML::Node& node, const std::string& file) {
  RoleTolerances t;
  if (!node) return t;
  if (!node.IsMap()) throw std::runtime_error(file + ": 'tolerances' must be a map of role to tolerance");
  for (const auto& kv : node) {
    const auto role = kv.first.as<std::string>();
    const std::string where = file + ": tolerances." + role;
    if (role != "fitted" && role != "holdout")
      throw std::runtime_error(where + ": only fitted and holdout take tolerances from the role; a check case "
                                       "states its own, a reference case has none");
    if (kv.second.IsMap()) {
      for (const auto& k : kv.second) {
        const auto kind = k.first.as<std::string>();
        if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end())
          throw std::runtime_error(where + ": unknown kind '" + kind + "'");
        t[role][kind] = tolerance_value(k.second, where + "." + kind);
      }
    } else {
      const double all = tolerance_value(kv.second, where);
      for (const auto& kind : kKinds) t[role][kind] = all;
    }
  }
  return t;
}

// gaps: {ID: {mechanism: TEXT, evidence: TEXT}}: the mechanisms the model
// lacks, each with what in the published figures shows it. Cases name one
// by its ID (`gap:`). An entry no case names is allowed: the fit's subset
// manifests carry every entry for the few cases they hold.
std::map<std::string, std::string> read_gaps(const YAML::Node& node, const std::string& file) {
  std::map<std::string, std::string> gaps;
  if (!node) return gaps;
  if (!node.IsMap()) throw std::runtime_error(file + ": 'gaps' must be a map of id to {mechanism, evidence}");
  for (const auto& kv : node) {
    const auto id = kv.first.as<std::string>();
    const std::string where = file + ": gaps." + id;
    if (!kv.second.IsMap()) throw std::runtime_error(where + ": expected {mechanism: ..., evidence: ...}");
    for (const auto& k : kv.second) {
      const auto key = k.first.as<std::string>();
      if (key != "mechanism" && key != "evidence") throw std::runtime_error(where + ": unknown key '" + key + "'");
    }
    const std::string mechanism = scalar(kv.second, "mechanism", true, where);
    if (mechanism.empty() || scalar(kv.second, "evidence", true, where).empty())
      throw std::runtime_error(where + ": a gap states the mechanism and the evidence for it");
    gaps[id] = mechanism;
  }
  return gaps;
}

}  // namespace

std::vector<ValidationCase> read_validation_manifest(const std::filesystem::path& manifest) {
  // Within the limits every input is read with (input_file.hpp, yaml_limits.hpp).
  std::string why;
  const std::optional<std::string> text = read_input_file(manifest.string(), why);
  if (!text) throw std::runtime_error(manifest.string() + ": " + why);
  std::vector<Diagnostic> problems;
  YamlReader reader(manifest.string(), problems);
  const std::optional<YAML::Node> parsed = parse_yaml_document(reader, *text, "a map with a 'cases:' list");
  if (!parsed)
    throw std::runtime_error(problems.empty() ? manifest.string() + ": cannot be read" : problems.front().format());
  const YAML::Node root = *parsed;
  const std::string file = manifest.filename().string();
  if (!root.IsMap()) throw std::runtime_error(manifest.string() + ": expected a map with a 'cases:' list");
  for (const auto& kv : root) {
    const auto key = kv.first.as<std::string>();
    if (key != "cases" && key != "tolerances" && key != "gaps")
      throw std::runtime_error(file + ": unknown key '" + key + "'");
  }
  const RoleTolerances tolerances = read_tolerances(root["tolerances"], file);
  const std::map<std::string, std::string> gaps = read_gaps(root["gaps"], file);
  const YAML::Node list = root["cases"];
  if (!list || !list.IsSequence()) throw std::runtime_error(manifest.string() + ": expected a 'cases:' list");
  static const std::vector<std::string> known = {
      "id",   "scenario", "variant",   "hardware", "model", "setup",  "metric", "value",     "published",
      "role", "kind",     "source_id", "class",    "stack", "source", "date",   "tolerance", "note",
      "known_issue", "gap"};
  std::vector<ValidationCase> cases;
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    std::string where = file + ": cases[" + std::to_string(i) + "]";
    if (!n.IsMap()) throw std::runtime_error(where + ": expected a map");
    for (const auto& kv : n) {
      const auto key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end())
        throw std::runtime_error(where + ": unknown key '" + key + "'");
    }
    ValidationCase c;
    c.id = scalar(n, "id", true, where);
    where += " (" + c.id + ")";
    if (seen[c.id]++) throw std::runtime_error(where + ": duplicate id");
    c.scenario = scalar(n, "scenario", true, where);
    c.variant = scalar(n, "variant", false, where);
    c.hardware = scalar(n, "hardware", true, where);
    c.model = scalar(n, "model", true, where);
    c.setup = scalar(n, "setup", false, where);
    c.metric = scalar(n, "metric", true, where);
    c.value = scalar(n, "value", true, where);
    c.published = number(scalar(n, "published", true, where), where + ".published");
    c.role = scalar(n, "role", true, where);
    c.kind = scalar(n, "kind", true, where);
    c.source_id = scalar(n, "source_id", true, where);
    c.hardware_class = scalar(n, "class", false, where);
    c.stack = scalar(n, "stack", false, where);
    c.source = scalar(n, "source", true, where);
    c.date = scalar(n, "date", false, where);
    c.note = scalar(n, "note", false, where);
    c.known_issue = scalar(n, "known_issue", false, where);
    c.gap = scalar(n, "gap", false, where);
    if (!c.gap.empty()) {
      const auto gap = gaps.find(c.gap);
      if (gap == gaps.end())
        throw std::runtime_error(where + ": gap '" + c.gap + "' is not one of the manifest's `gaps:`");
      c.gap_mechanism = gap->second;
    }
    if (c.published == 0.0) throw std::runtime_error(where + ": published must not be 0");
    if (std::find(kRoles.begin(), kRoles.end(), c.role) == kRoles.end())
      throw std::runtime_error(where + ": role must be fitted, holdout, reference or check");
    if (std::find(kKinds.begin(), kKinds.end(), c.kind) == kKinds.end())
      throw std::runtime_error(where + ": kind must be throughput, latency, power or queueing");
    const YAML::Node own = n["tolerance"];
    if (c.role == "check") {
      if (!own) throw std::runtime_error(where + ": a check case states its tolerance");
      c.tolerance = tolerance_value(own, where + ".tolerance");
    } else if (own) {
      throw std::runtime_error(where + ": a " + c.role +
                               " case takes its tolerance from the role (the manifest's `tolerances:`), "
                               "never its own");
    } else if (c.role == "reference") {
      if (c.note.empty())
        throw std::runtime_error(where + ": a reference case needs a `note` naming the mechanism the model lacks");
    } else {
      const auto role = tolerances.find(c.role);
      if (role == tolerances.end() || !role->second.count(c.kind))
        throw std::runtime_error(where + ": the manifest's `tolerances:` gives none for " + c.role + " " + c.kind +
                                 " cases");
      c.tolerance = role->second.at(c.kind);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace fleetsim
