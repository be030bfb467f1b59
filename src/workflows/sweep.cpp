#include "fleetsim/workflows/sweep.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "fleetsim/io/input_file.hpp"
#include "fleetsim/io/yaml_document.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {
namespace {

// "12.5/s" -> {12.5, "/s"}; nullopt when it does not start with a number.
std::optional<std::pair<double, std::string>> number_and_unit(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(begin, &end);
  if (end == begin || errno != 0 || !std::isfinite(x)) return std::nullopt;
  std::string unit(end);
  const auto first = unit.find_first_not_of(' ');
  unit = first == std::string::npos ? "" : unit.substr(first);
  return std::pair(x, unit);
}

// Splits at commas that are not inside [], {} or quotes.
std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  parts.push_back(current);
  for (auto& p : parts) {
    const auto first = p.find_first_not_of(' ');
    const auto last = p.find_last_not_of(' ');
    p = first == std::string::npos ? "" : p.substr(first, last - first + 1);
  }
  return parts;
}

std::uint64_t fnv1a(std::uint64_t hash, const std::string& text) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  // A separator, so that ("ab", "c") and ("a", "bc") differ.
  hash ^= 0x1f;
  hash *= 1099511628211ULL;
  return hash;
}

// A scalar or flow YAML value as text for --set.
std::string yaml_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

void read_parameter(YamlReader& r, const std::string& name, const YAML::Node& value, const std::string& path,
                    SweepSpec& spec) {
  SweepParameter p;
  p.path = name;
  if (value.IsSequence()) {
    if (value.size() == 0) r.error(value, path, "expected at least one value, found an empty list");
    for (const auto& v : value) p.values.push_back(yaml_text(v));
  } else if (value.IsMap()) {
    r.check_keys(value, path, {"from", "to", "step"});
    const YAML::Node from = r.require(value, path, "from");
    const YAML::Node to = r.require(value, path, "to");
    const YAML::Node step = r.require(value, path, "step");
    if (from.IsDefined() && to.IsDefined() && step.IsDefined()) {
      std::string error;
      if (!from.IsScalar() || !to.IsScalar() || !step.IsScalar())
        error = "from, to and step are single values";
      else
        p.values = expand_range(from.Scalar(), to.Scalar(), step.Scalar(), error);
      if (!error.empty()) r.error(value, path, error, "e.g. {from: 10, to: 100, step: 10} or {from: 1/s, to: 3/s, step: 0.5/s}");
    }
  } else {
    r.error(value, path, "expected a list of values or {from, to, step}, found " + YamlReader::describe(value),
            "e.g. [1, 2, 4] or {from: 10, to: 100, step: 10}");
  }
  if (!p.values.empty()) spec.parameters.push_back(std::move(p));
}

}  // namespace

std::vector<SweepPoint> sweep_points(const SweepSpec& spec, std::string& error) {
  std::vector<SweepPoint> points;
  if (spec.parameters.empty()) return {SweepPoint{}};
  if (spec.mode == SweepMode::zip) {
    const std::size_t n = spec.parameters.front().values.size();
    for (const auto& p : spec.parameters)
      if (p.values.size() != n) {
        error = fmt::format("zip needs parameters with as many values each: {} has {}, {} has {}",
                            spec.parameters.front().path, n, p.path, p.values.size());
        return {};
      }
    for (std::size_t i = 0; i < n; ++i) {
      SweepPoint point;
      point.index = i;
      for (const auto& p : spec.parameters) point.settings.emplace_back(p.path, p.values[i]);
      points.push_back(std::move(point));
    }
    return points;
  }
  // Cross product, the first parameter slowest (like nested loops written in order).
  std::vector<std::size_t> at(spec.parameters.size(), 0);
  for (const auto& p : spec.parameters)
    if (p.values.empty()) return {};
  for (std::size_t index = 0;; ++index) {
    SweepPoint point;
    point.index = index;
    for (std::size_t k = 0; k < at.size(); ++k) point.settings.emplace_back(spec.parameters[k].path, spec.parameters[k].values[at[k]]);
    points.push_back(std::move(point));
    std::size_t k = at.size();
    while (k > 0) {
      --k;
      if (++at[k] < spec.parameters[k].values.size()) break;
      at[k] = 0;
      if (k == 0) return points;
    }
  }
}

std::vector<std::string> expand_range(const std::string& from, const std::string& to, const std::string& step,
                                      std::string& error) {
  const auto a = number_and_unit(from), b = number_and_unit(to), s = number_and_unit(step);
  if (!a || !b || !s) {
    error = fmt::format("a range is FROM:TO:STEP with numbers, found {}:{}:{}", from, to, step);
    return {};
  }
  if (a->second != b->second || (!s->second.empty() && s->second != a->second)) {
    error = fmt::format("the range {}:{}:{} mixes units; give FROM, TO (and STEP) the same unit", from, to, step);
    return {};
  }
  const double start = a->first, stop = b->first, increment = s->first;
  if (increment == 0.0 || (stop - start) * increment < 0.0) {
    error = fmt::format("the step {} does not lead from {} to {}", step, from, to);
    return {};
  }
  const double steps = std::floor((stop - start) / increment + 1e-9);
  if (steps > 100000) {
    error = fmt::format("the range {}:{}:{} has {:.0f} values; that many runs is surely a mistake", from, to, step,
                        steps + 1);
    return {};
  }
  std::vector<std::string> values;
  for (int i = 0; i <= static_cast<int>(steps); ++i)
    values.push_back(fmt::format("{:.12g}{}", start + i * increment, a->second));
  return values;
}

std::vector<std::string> sweep_values(const std::string& spec, std::string& error) {
  const bool structured = spec.find_first_of("[{\"'") != std::string::npos;
  if (!structured && std::count(spec.begin(), spec.end(), ':') == 2 && spec.find(',') == std::string::npos) {
    const auto first = spec.find(':'), second = spec.find(':', first + 1);
    return expand_range(spec.substr(0, first), spec.substr(first + 1, second - first - 1), spec.substr(second + 1),
                        error);
  }
  std::vector<std::string> values = split_top_level(spec);
  for (const auto& v : values)
    if (v.empty() && values.size() > 1) {
      error = "a list of values has an empty item (two commas in a row?)";
      return {};
    }
  return values;
}

bool SweepFile::ok() const {
  for (const auto& d : diagnostics)
    if (d.is_error()) return false;
  return true;
}

SweepFile load_sweep_file(const std::string& path) {
  SweepFile result;
  std::string why;
  const std::optional<std::string> text = read_input_file(path, why);
  if (!text) {
    Diagnostic d;
    d.file = path;
    d.message = "cannot read the sweep file: " + why;
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  YamlReader r(path, result.diagnostics);
  const auto root = parse_yaml_document(r, *text, "a `sweep:` section", "see docs/workflows.md");
  if (!root || !r.expect_map(*root, "", "a sweep file holds one key, sweep:")) return result;
  r.check_keys(*root, "", {"sweep"});
  const YAML::Node sweep = r.require(*root, "", "sweep");
  if (!sweep.IsDefined() || !r.expect_map(sweep, "sweep")) return result;
  r.check_keys(sweep, "sweep", {"parameters", "mode", "replications"});
  if (const YAML::Node params = r.require(sweep, "sweep", "parameters", "e.g. parameters: {fleet.pools.cpu.count: [2, 4, 8]}")) {
    if (r.expect_map(params, "sweep.parameters")) {
      r.check_unique_keys(params, "sweep.parameters");
      for (const auto& kv : params)
        if (kv.first.IsScalar())
          read_parameter(r, kv.first.Scalar(), kv.second, child_path("sweep.parameters", kv.first.Scalar()),
                         result.spec);
    }
  }
  if (const YAML::Node mode = YamlReader::get(sweep, "mode")) {
    const Choices<SweepMode> modes = {{"cross", SweepMode::cross}, {"zip", SweepMode::zip}};
    if (auto m = r.choice(mode, "sweep.mode", modes, "sweep mode")) {
      result.spec.mode = *m;
      result.mode_given = true;
    }
  }
  if (const YAML::Node reps = YamlReader::get(sweep, "replications")) {
    if (auto n = r.integer(reps, "sweep.replications", 1, 10000)) {
      result.spec.replications = static_cast<int>(*n);
      result.replications_given = true;
    }
  }
  return result;
}

std::string sweep_id(const std::string& scenario_bytes, const std::string& variant,
                     const std::vector<std::pair<std::string, std::string>>& fixed, const SweepSpec& spec,
                     std::optional<std::uint64_t> seed) {
  std::uint64_t h = 14695981039346656037ULL;
  h = fnv1a(h, "fleetsim.sweep/1");
  h = fnv1a(h, scenario_bytes);
  h = fnv1a(h, "variant=" + variant);
  for (const auto& [path, value] : fixed) h = fnv1a(h, "set " + path + "=" + value);
  for (const auto& p : spec.parameters) {
    h = fnv1a(h, "parameter " + p.path);
    for (const auto& v : p.values) h = fnv1a(h, v);
  }
  h = fnv1a(h, spec.mode == SweepMode::zip ? "zip" : "cross");
  h = fnv1a(h, "replications=" + std::to_string(spec.replications));
  h = fnv1a(h, seed ? "seed=" + std::to_string(*seed) : std::string("seed=scenario"));
  return fmt::format("{:016x}", h);
}

std::optional<Shard> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  char* end = nullptr;
  const long k = std::strtol(text.c_str(), &end, 10);
  if (end != text.c_str() + slash) return std::nullopt;
  const long n = std::strtol(text.c_str() + slash + 1, &end, 10);
  if (*end != '\0' || n < 1 || k < 1 || k > n || n > 1000000) return std::nullopt;
  return Shard{static_cast<int>(k), static_cast<int>(n)};
}

}  // namespace fleetsim
