// fleetsim validate-model DIR: run the published-measurement cases listed in
// DIR/cases.yaml, compare each simulated figure with the published one, print
// the table (and optionally write it into a Markdown file between markers),
// and fail when a case drifts outside its tolerance. See docs/validation.md.
//
// Each case runs in a child `fleetsim run` process: SimGrid allows one engine
// per process. Up to --jobs children run at once.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "atomic_file.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A case outside its tolerance (or one that failed to run) is an expectation
// violated: kExitExpectation, like `check`.

constexpr const char* kBeginMarker = "<!-- validate-model:begin -->";
constexpr const char* kEndMarker = "<!-- validate-model:end -->";

struct Case {
  std::string id;
  std::string scenario;  // path, relative to the manifest's directory
  std::string variant;
  std::string hardware;
  std::string model;
  std::string setup;
  std::string metric;  // what is compared, for people (with its unit)
  std::string value;   // expression over the report JSON
  double published = 0.0;
  double tolerance = 0.0;  // relative
  std::string role;        // fitted | holdout | reference | check
  std::string kind;        // throughput | latency | power | queueing
  std::string source;
  std::string date;
  std::string known_issue;  // a drift explained here is reported but does not fail the run
};

struct Outcome {
  std::optional<double> simulated;
  std::string error;  // why there is no simulated value
  double relative_error() const { return (*simulated - published) / published; }
  double published = 0.0;
  bool within = false;
};

struct Options {
  std::string dir = "validation";
  int jobs = 2;
  std::string write_doc;
  std::string only;
};

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

std::vector<Case> read_manifest(const fs::path& manifest) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(manifest.string());
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(manifest.string() + ": " + e.what());
  }
  const YAML::Node list = root["cases"];
  if (!list || !list.IsSequence()) throw std::runtime_error(manifest.string() + ": expected a 'cases:' list");
  static const std::vector<std::string> known = {"id",     "scenario",  "variant", "hardware", "model",
                                                 "setup",  "metric",    "value",   "published", "tolerance",
                                                 "role",   "kind",      "source",  "date",     "note",
                                                 "known_issue"};
  std::vector<Case> cases;
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node n = list[i];
    std::string where = manifest.filename().string() + ": cases[" + std::to_string(i) + "]";
    if (!n.IsMap()) throw std::runtime_error(where + ": expected a map");
    for (const auto& kv : n) {
      const auto key = kv.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end())
        throw std::runtime_error(where + ": unknown key '" + key + "'");
    }
    Case c;
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
    c.tolerance = number(scalar(n, "tolerance", true, where), where + ".tolerance");
    c.role = scalar(n, "role", true, where);
    c.kind = scalar(n, "kind", true, where);
    c.source = scalar(n, "source", true, where);
    c.date = scalar(n, "date", false, where);
    c.known_issue = scalar(n, "known_issue", false, where);
    if (c.published == 0.0) throw std::runtime_error(where + ": published must not be 0");
    if (c.tolerance <= 0.0) throw std::runtime_error(where + ": tolerance must be > 0");
    if (std::find(kRoles.begin(), kRoles.end(), c.role) == kRoles.end())
      throw std::runtime_error(where + ": role must be fitted, holdout, reference or check");
    if (std::find(kKinds.begin(), kKinds.end(), c.kind) == kKinds.end())
      throw std::runtime_error(where + ": kind must be throughput, latency, power or queueing");
    cases.push_back(std::move(c));
  }
  return cases;
}

// ---- metric expressions ------------------------------------------------------
// An operand is a number or a path into the report: dot-separated keys; in an
// array, a segment selects the element whose "name" matches, or an index.

double resolve_path(const json& report, const std::string& path) {
  const json* node = &report;
  std::stringstream ss(path);
  std::string segment;
  while (std::getline(ss, segment, '.')) {
    if (node->is_object()) {
      if (!node->contains(segment)) throw std::runtime_error("no key '" + segment + "' in '" + path + "'");
      node = &(*node)[segment];
    } else if (node->is_array()) {
      const json* found = nullptr;
      for (const auto& element : *node)
        if (element.is_object() && element.contains("name") && element["name"] == segment) found = &element;
      if (!found && !segment.empty() && std::all_of(segment.begin(), segment.end(), ::isdigit)) {
        const std::size_t index = std::stoul(segment);
        if (index < node->size()) found = &(*node)[index];
      }
      if (!found) throw std::runtime_error("no element '" + segment + "' in '" + path + "'");
      node = found;
    } else {
      throw std::runtime_error("'" + path + "' goes past a value at '" + segment + "'");
    }
  }
  if (node->is_null()) throw std::runtime_error("'" + path + "' is null in the report");
  if (!node->is_number()) throw std::runtime_error("'" + path + "' is not a number");
  return node->get<double>();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

double product(const json& report, const std::string& expression) {
  double result = 0.0;
  char op = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= expression.size(); ++i) {
    if (i < expression.size() && expression[i] != '*' && expression[i] != '/') continue;
    const std::string operand = trim(expression.substr(start, i - start));
    if (operand.empty()) throw std::runtime_error("malformed expression \"" + expression + "\"");
    char* end = nullptr;
    double x = std::strtod(operand.c_str(), &end);
    if (end == operand.c_str() || *end != '\0') x = resolve_path(report, operand);
    if (op == 0)
      result = x;
    else if (op == '*')
      result *= x;
    else
      result /= x;
    if (i < expression.size()) op = expression[i];
    start = i + 1;
  }
  return result;
}

// Terms joined by " + " and " - " (spaces required, so that 1e-3 stays a
// number), each a chain of * and /.
double evaluate(const json& report, const std::string& expression) {
  double result = 0.0;
  double sign = 1.0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= expression.size(); ++i) {
    const bool at_end = i == expression.size();
    const bool at_op = !at_end && i + 2 < expression.size() && expression[i] == ' ' &&
                       (expression[i + 1] == '+' || expression[i + 1] == '-') && expression[i + 2] == ' ';
    if (!at_end && !at_op) continue;
    result += sign * product(report, expression.substr(start, i - start));
    if (at_op) {
      sign = expression[i + 1] == '+' ? 1.0 : -1.0;
      start = i + 3;
      i += 2;
    }
  }
  if (!std::isfinite(result)) throw std::runtime_error("\"" + expression + "\" is not finite");
  return result;
}

// ---- running the cases --------------------------------------------------------

std::string self_executable() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the fleetsim executable: " + ec.message());
  return p.string();
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "fleetsim-validate-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& err_file) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    FILE* err = std::freopen(err_file.c_str(), "w", stderr);
    FILE* out = std::freopen("/dev/null", "w", stdout);
    (void)err;
    (void)out;
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(exe.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    std::_Exit(127);
  }
  return pid;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Outcome> run_cases(const std::vector<Case>& cases, const fs::path& dir, int jobs) {
  const std::string exe = self_executable();
  TempDir tmp;
  std::vector<Outcome> outcomes(cases.size());
  std::vector<int> status(cases.size(), -1);
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  auto reap_one = [&] {
    int st = 0;
    const pid_t pid = ::waitpid(-1, &st, 0);
    if (pid < 0) throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
    const auto it = running.find(pid);
    if (it == running.end()) return;
    status[it->second] = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    running.erase(it);
  };
  while (next < cases.size() || !running.empty()) {
    while (next < cases.size() && static_cast<int>(running.size()) < jobs) {
      const Case& c = cases[next];
      const std::string base = (tmp.path / std::to_string(next)).string();
      std::vector<std::string> args = {"--log-level", "error", "run",           (dir / c.scenario).string(),
                                       "--format",    "json",  "--no-progress", "--output",
                                       base + ".json"};
      if (!c.variant.empty()) {
        args.push_back("--variant");
        args.push_back(c.variant);
      }
      running[spawn(exe, args, base + ".err")] = next;
      ++next;
    }
    reap_one();
  }
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    Outcome& o = outcomes[i];
    o.published = c.published;
    const fs::path base = tmp.path / std::to_string(i);
    if (status[i] != 0) {
      std::string err = trim(read_text(base.string() + ".err"));
      if (err.size() > 400) err = err.substr(0, 400) + "...";
      o.error = fmt::format("fleetsim run exited with {}{}", status[i], err.empty() ? "" : ": " + err);
      continue;
    }
    try {
      const json report = json::parse(read_text(base.string() + ".json"));
      o.simulated = evaluate(report, c.value);
      o.within = std::abs(o.relative_error()) <= c.tolerance;
    } catch (const std::exception& e) {
      o.error = e.what();
    }
  }
  return outcomes;
}

// ---- presentation -------------------------------------------------------------

std::string sig(double x) {
  const double a = std::abs(x);
  if (a >= 1000.0) return fmt::format("{:.0f}", x);
  if (a >= 100.0) return fmt::format("{:.1f}", x);
  if (a >= 10.0) return fmt::format("{:.2f}", x);
  if (a >= 1.0) return fmt::format("{:.3f}", x);
  return fmt::format("{:.4g}", x);
}

std::string percent(double x) { return fmt::format("{:+.1f}%", 100.0 * x); }

struct Summary {
  std::size_t n = 0;
  double median = 0.0;
  double max = 0.0;
  std::size_t over30 = 0;
};

Summary summarize(const std::vector<Case>& cases, const std::vector<Outcome>& outcomes, const std::string& role) {
  std::vector<double> errors;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (cases[i].role != role || !outcomes[i].simulated) continue;
    if (cases[i].kind != "throughput" && cases[i].kind != "latency") continue;
    errors.push_back(std::abs(outcomes[i].relative_error()));
  }
  Summary s;
  s.n = errors.size();
  if (errors.empty()) return s;
  std::sort(errors.begin(), errors.end());
  const std::size_t m = errors.size() / 2;
  s.median = errors.size() % 2 ? errors[m] : 0.5 * (errors[m - 1] + errors[m]);
  s.max = errors.back();
  s.over30 = static_cast<std::size_t>(std::count_if(errors.begin(), errors.end(), [](double e) { return e > 0.3; }));
  return s;
}

std::string status_word(const Case& c, const Outcome& o) {
  if (!o.simulated) return "ERROR";
  if (!c.known_issue.empty()) return o.within ? "ok (known issue: remove?)" : "KNOWN ISSUE";
  return o.within ? "ok" : "DRIFT";
}

std::string markdown(const std::vector<Case>& cases, const std::vector<Outcome>& outcomes) {
  std::string md;
  md += "| case | hardware | model | setup | metric | published | simulated | error | tolerance | role | status |\n";
  md += "|---|---|---|---|---|---:|---:|---:|---:|---|---|\n";
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Outcome& o = outcomes[i];
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | ±{:.0f}% | {} | {} |\n", c.id, c.hardware, c.model,
                      c.setup, c.metric, sig(c.published), o.simulated ? sig(*o.simulated) : "—",
                      o.simulated ? percent(o.relative_error()) : "—", 100.0 * c.tolerance, c.role,
                      status_word(c, o));
  }
  md += "\n";
  for (const std::string role : {"holdout", "fitted"}) {
    const Summary s = summarize(cases, outcomes, role);
    md += fmt::format(
        "- **{}** cases (throughput and per-token latency): {}; median absolute error {:.1f}%, largest "
        "{:.1f}%, {} above 30%.\n",
        role == "holdout" ? "Hold-out" : "Fitted", s.n, 100.0 * s.median, 100.0 * s.max, s.over30);
  }
  md += "\nSources, one per case:\n\n";
  for (const Case& c : cases)
    md += fmt::format("- `{}`: {}{}{}\n", c.id, c.source, c.date.empty() ? "" : " (" + c.date + ")",
                      c.known_issue.empty() ? "" : ". Known issue: " + c.known_issue);
  return md;
}

void print_table(const std::vector<Case>& cases, const std::vector<Outcome>& outcomes) {
  std::size_t w_id = 4, w_hw = 8, w_metric = 6;
  for (const Case& c : cases) {
    w_id = std::max(w_id, c.id.size());
    w_hw = std::max(w_hw, c.hardware.size());
    w_metric = std::max(w_metric, c.metric.size());
  }
  std::cout << fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>10}  {:>10}  {:>8}  {:>5}  {:<9}  {}\n", "case", w_id,
                           "hardware", w_hw, "metric", w_metric, "published", "simulated", "error", "tol", "role",
                           "status");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const Outcome& o = outcomes[i];
    std::cout << fmt::format("{:<{}}  {:<{}}  {:<{}}  {:>10}  {:>10}  {:>8}  {:>4.0f}%  {:<9}  {}\n", c.id, w_id,
                             c.hardware, w_hw, c.metric, w_metric, sig(c.published),
                             o.simulated ? sig(*o.simulated) : "-", o.simulated ? percent(o.relative_error()) : "-",
                             100.0 * c.tolerance, c.role, status_word(c, o));
    if (!o.error.empty()) std::cout << "    " << o.error << "\n";
    if (!c.known_issue.empty() && !o.within) std::cout << "    known issue: " << c.known_issue << "\n";
  }
  for (const std::string role : {"holdout", "fitted"}) {
    const Summary s = summarize(cases, outcomes, role);
    std::cout << fmt::format("{}: {} throughput/latency cases, median |error| {:.1f}%, max {:.1f}%, {} above 30%\n",
                             role, s.n, 100.0 * s.median, 100.0 * s.max, s.over30);
  }
}

int write_doc(const std::string& path, const std::string& table) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "fleetsim: error: cannot read '" << path << "'\n";
    return kExitInvalidInput;
  }
  std::ostringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  const auto b = text.find(kBeginMarker);
  const auto e = text.find(kEndMarker);
  if (b == std::string::npos || e == std::string::npos || e < b) {
    std::cerr << "fleetsim: error: '" << path << "' has no " << kBeginMarker << " ... " << kEndMarker
              << " block to replace\n";
    return kExitInvalidInput;
  }
  const std::string begin(kBeginMarker);
  const std::string updated = text.substr(0, b + begin.size()) + "\n" + table + text.substr(e);
  const std::string error = write_file_atomically(path, updated);
  if (!error.empty()) {
    std::cerr << "fleetsim: error: " << error << "\n";
    return kExitInvalidInput;
  }
  return kExitOk;
}

int validate_model(const Options& o) {
  fs::path dir(o.dir);
  fs::path manifest = dir / "cases.yaml";
  if (fs::is_regular_file(dir)) {
    manifest = dir;
    dir = dir.parent_path();
  }
  std::vector<Case> cases;
  try {
    cases = read_manifest(manifest);
  } catch (const std::exception& e) {
    std::cerr << "fleetsim: error: " << e.what() << "\n";
    return kExitInvalidInput;
  }
  if (!o.only.empty())
    cases.erase(std::remove_if(cases.begin(), cases.end(),
                               [&](const Case& c) { return c.id.find(o.only) == std::string::npos; }),
                cases.end());
  if (cases.empty()) {
    std::cerr << "fleetsim: error: no case to run\n";
    return kExitInvalidInput;
  }
  const std::vector<Outcome> outcomes = run_cases(cases, dir, std::max(1, o.jobs));
  print_table(cases, outcomes);
  if (!o.write_doc.empty()) {
    const int rc = write_doc(o.write_doc, markdown(cases, outcomes));
    if (rc != kExitOk) return rc;
  }
  std::size_t bad = 0;
  for (std::size_t i = 0; i < cases.size(); ++i)
    bad += outcomes[i].within || (outcomes[i].simulated && !cases[i].known_issue.empty()) ? 0 : 1;
  if (bad > 0) {
    std::cout << bad << " of " << cases.size() << " cases outside their tolerance or not run\n";
    return kExitExpectation;
  }
  std::cout << "all " << cases.size() << " cases within their tolerance\n";
  return kExitOk;
}

}  // namespace

Command add_validate_model_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "validate-model",
      "Run the published-measurement cases of DIR/cases.yaml and compare fleetsim with them (exit 4 on drift)");
  cmd->add_option("dir", o->dir, "Directory holding cases.yaml (or the manifest file itself)")
      ->capture_default_str();
  cmd->add_option("-j,--jobs", o->jobs, "Cases simulated at once (child processes)")->capture_default_str();
  cmd->add_option("--write-doc", o->write_doc,
                  "Replace the block between <!-- validate-model:begin/end --> markers in this Markdown file");
  cmd->add_option("--only", o->only, "Run only the cases whose id contains this text");
  return {cmd, [o] { return validate_model(*o); }};
}

}  // namespace fleetsim
