// fleetsim validate-model DIR: run the published-measurement cases listed in
// DIR/cases.yaml, compare each simulated figure with the published one, print
// the table and its statistics (and optionally write them into a Markdown
// file between markers). See docs/validation.md.
//
// Exit 4 when a fitted or check case leaves its tolerance, a case does not
// run, or (with --recorded) a simulated figure moved from the one recorded in
// a table this command wrote: a change of the model shows up in the diff of
// that table. A hold-out outside its tolerance is a measurement, not a
// failure: it is reported and counted.
//
// Each case runs in a child `fleetsim run` process (child_runs.hpp: SimGrid
// allows one engine per process); up to --jobs at once, stopped with this
// process on SIGINT or SIGTERM, and after --timeout seconds each.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "active_catalog.hpp"
#include "atomic_file.hpp"
#include "child_runs.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "fleetsim/io/input_file.hpp"
#include "fleetsim/workflows/recorded_cross_validation.hpp"
#include "fleetsim/workflows/report_expression.hpp"
#include "fleetsim/workflows/report_figures.hpp"
#include "fleetsim/workflows/validation_manifest.hpp"
#include "fleetsim/workflows/validation_summary.hpp"
#include "scenario_options.hpp"
#include "suite_location.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBeginMarker = "<!-- validate-model:begin -->";
constexpr const char* kEndMarker = "<!-- validate-model:end -->";
// A recorded figure is printed with four significant digits.
constexpr double kRecordedDrift = 0.005;

struct Options {
  std::string dir = "validation";
  bool dir_given = false;  // false: look for the suite (suite_location.hpp)
  int jobs = 2;
  std::string write_doc;
  std::string recorded;
  std::string only;
  double timeout_s = 0.0;
};

// ---- running the cases --------------------------------------------------------

// `crashed`: 3 when a child died from a signal or exited 3 (a defect, not a
// case outside its tolerance), else 0.
std::vector<ValidationOutcome> run_cases(const std::vector<ValidationCase>& cases, const fs::path& dir, int jobs,
                                         double timeout_s, int& crashed) {
  std::vector<RunRequest> requests;
  for (const auto& c : cases) {
    RunRequest r;
    r.scenario = (dir / c.scenario).string();
    r.variant = c.variant;
    requests.push_back(std::move(r));
  }
  ChildLimits limits;
  limits.timeout_s = timeout_s;
  const std::vector<RunOutcome> runs = run_all(requests, jobs, {}, limits);
  crashed = crash_status(runs, [&](std::size_t i) { return "case " + cases[i].id; });
  std::vector<ValidationOutcome> outcomes(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    ValidationOutcome& o = outcomes[i];
    o.published = cases[i].published;
    if (!runs[i].ok()) {
      std::string err = runs[i].errors;
      while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
      if (err.size() > 400) err = err.substr(0, 400) + "...";
      o.error = fmt::format("fleetsim run: {}{}", describe_exit(runs[i]), err.empty() ? "" : ": " + err);
      continue;
    }
    std::string parse_error;
    const auto report = parse_report(runs[i].report, parse_error);
    if (!report) {
      o.error = "unreadable report: " + parse_error;
      continue;
    }
    try {
      o.regime = served_regime(*report);
      o.simulated = evaluate_report_expression(*report, cases[i].value);
      o.within = cases[i].tolerance > 0.0 && std::abs(o.relative_error()) <= cases[i].tolerance;
    } catch (const std::exception& e) {
      o.error = e.what();
    }
  }
  return outcomes;
}

// A Markdown file and where its validate-model block lies: text[begin, end)
// is what sits between the markers.
struct MarkedFile {
  std::string text;
  std::size_t begin = 0, end = 0;
  std::string block() const { return text.substr(begin, end - begin); }
};

// nullopt (and a message) when the file cannot be read or has no such block.
std::optional<MarkedFile> read_marked_file(const std::string& path) {
  std::string error;
  auto text = read_input_file(path, error);
  if (!text) {
    std::cerr << "fleetsim: error: cannot read '" << path << "': " << error << "\n";
    return std::nullopt;
  }
  const auto b = text->find(kBeginMarker);
  const auto e = text->find(kEndMarker);
  if (b == std::string::npos || e == std::string::npos || e < b) {
    std::cerr << "fleetsim: error: '" << path << "' has no " << kBeginMarker << " ... " << kEndMarker
              << " block to replace\n";
    return std::nullopt;
  }
  return MarkedFile{std::move(*text), b + std::string(kBeginMarker).size(), e};
}

int write_doc(const std::string& path, const std::string& table) {
  const auto file = read_marked_file(path);
  if (!file) return kExitInvalidInput;
  const std::string updated = file->text.substr(0, file->begin) + "\n" + table + file->text.substr(file->end);
  const std::string error = write_file_atomically(path, updated);
  if (!error.empty()) {
    std::cerr << "fleetsim: error: " << error << "\n";
    return kExitInvalidInput;
  }
  return kExitOk;
}

// Cases whose simulated figure moved from the recorded one.
std::vector<std::string> recorded_drift(const std::vector<ValidationCase>& cases,
                                        const std::vector<ValidationOutcome>& outcomes,
                                        const std::map<std::string, double>& recorded) {
  std::vector<std::string> moved;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto it = recorded.find(cases[i].id);
    if (!outcomes[i].simulated) continue;  // reported as not run
    if (it == recorded.end()) {
      moved.push_back(cases[i].id + " (not recorded)");
      continue;
    }
    const double was = it->second, now = *outcomes[i].simulated;
    if (std::abs(now - was) > kRecordedDrift * std::abs(was))
      moved.push_back(fmt::format("{} ({:.4g} -> {:.4g})", cases[i].id, was, now));
  }
  return moved;
}

// The suite's manifest: DIR/cases.yaml, or the file given, or the suite
// found beside the binary when no DIR is given. nullopt (after saying why)
// when there is none; `dir` becomes the directory the cases' paths are
// relative to.
std::optional<fs::path> find_manifest(const Options& o, fs::path& dir) {
  dir = o.dir;
  if (!o.dir_given) {
    const SuiteLocation found = locate_validation_suite(dir);
    if (found.dir.empty()) {
      std::vector<std::string> searched;
      for (const auto& p : found.searched) searched.push_back(p.string());
      std::cerr << "fleetsim: error: no validation suite (cases.yaml) found; looked in "
                << fmt::format("{}", fmt::join(searched, ", ")) << "\n"
                << "  hint: pass the suite's directory: fleetsim validate-model DIR (validation/ in the fleetsim "
                   "repository)\n";
      return std::nullopt;
    }
    dir = found.dir;
  } else if (!fs::exists(dir)) {
    std::cerr << "fleetsim: error: " << o.dir << ": no such file or directory\n"
              << "  hint: pass the directory that holds cases.yaml (validation/ in the fleetsim repository)\n";
    return std::nullopt;
  }
  fs::path manifest = dir / "cases.yaml";
  if (fs::is_regular_file(dir)) {
    manifest = dir;
    dir = dir.parent_path();
  }
  return manifest;
}

// --only: the cases whose id contains one of the comma-separated words.
void keep_only(const std::string& only, std::vector<ValidationCase>& cases) {
  std::vector<std::string> wanted;
  std::stringstream list(only);
  for (std::string part; std::getline(list, part, ',');)
    if (!part.empty()) wanted.push_back(part);
  cases.erase(std::remove_if(cases.begin(), cases.end(),
                             [&](const ValidationCase& c) {
                               return std::none_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
                                 return c.id.find(w) != std::string::npos;
                               });
                             }),
              cases.end());
}

// The cases outside their tolerance (or not run) decide the exit status;
// a known issue explains a miss.
int tolerance_status(const std::vector<ValidationCase>& cases, const std::vector<ValidationOutcome>& outcomes) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const bool explained = outcomes[i].simulated && !cases[i].known_issue.empty();
    if (!outcomes[i].simulated || (cases[i].gated() && !outcomes[i].within && !explained)) ++bad;
  }
  if (bad > 0) {
    std::cout << bad << " of " << cases.size() << " cases: fitted or check cases outside their tolerance, or not run\n";
    return kExitExpectation;
  }
  std::cout << "all " << cases.size() << " cases ran; every fitted and check case is within its tolerance\n";
  return kExitOk;
}

// The figures recorded in --recorded, and its cross-validation table.
struct Recorded {
  std::map<std::string, double> figures;
  std::optional<std::vector<CrossValidationRow>> cross_validation;
};

// --recorded: has any simulated figure moved from the recorded ones? Then
// the cross-validation lines for the whole suite. kExitExpectation on drift.
int compare_recorded(const Options& o, const std::vector<ValidationCase>& cases,
                     const std::vector<ValidationOutcome>& outcomes, const Recorded& recorded, long fitted_in_suite) {
  int rc = kExitOk;
  const auto moved = recorded_drift(cases, outcomes, recorded.figures);
  if (!moved.empty()) {
    std::cout << moved.size() << " cases moved from the figures recorded in " << o.recorded
              << " (rerun with --write-doc to record them): " << fmt::format("{}", fmt::join(moved, ", ")) << "\n";
    rc = kExitExpectation;
  } else {
    std::cout << "every simulated figure matches " << o.recorded << "\n";
  }
  // The headline statistic of docs/validation.md, beside the in-sample one
  // above: printed for the whole suite only (a subset has no fold of its own).
  if (recorded.cross_validation && o.only.empty())
    for (const auto& line :
         cross_validation_lines(*recorded.cross_validation, static_cast<int>(fitted_in_suite), o.recorded))
      std::cout << line << "\n";
  return rc;
}

int validate_model(const Options& o) {
  fs::path dir;
  const std::optional<fs::path> manifest = find_manifest(o, dir);
  if (!manifest) return kExitInvalidInput;
  std::vector<ValidationCase> cases;
  try {
    cases = read_validation_manifest(*manifest);
  } catch (const std::exception& e) {
    std::cerr << "fleetsim: error: " << e.what() << "\n";
    return kExitInvalidInput;
  }
  const auto fitted_in_suite =
      std::count_if(cases.begin(), cases.end(), [](const ValidationCase& c) { return c.role == "fitted"; });
  if (!o.only.empty()) keep_only(o.only, cases);
  if (cases.empty()) {
    std::cerr << "fleetsim: error: no case to run\n";
    return kExitInvalidInput;
  }
  Recorded recorded;
  if (!o.recorded.empty()) {
    const auto file = read_marked_file(o.recorded);
    if (!file) return kExitInvalidInput;
    recorded.figures = recorded_figures(file->block());
    recorded.cross_validation = recorded_cross_validation(file->text);
  }
  int crashed = 0;
  const std::vector<ValidationOutcome> outcomes = run_cases(cases, dir, std::max(1, o.jobs), o.timeout_s, crashed);
  print_validation_table(std::cout, cases, outcomes);
  if (!o.write_doc.empty()) {
    const int rc = write_doc(o.write_doc, validation_markdown(cases, outcomes));
    if (rc != kExitOk) return rc;
  }
  int rc = tolerance_status(cases, outcomes);
  if (!o.recorded.empty() && compare_recorded(o, cases, outcomes, recorded, fitted_in_suite) != kExitOk)
    rc = kExitExpectation;
  return crashed != 0 ? crashed : rc;
}

}  // namespace

Command add_validate_model_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "validate-model",
      "Run the published-measurement cases of DIR/cases.yaml and compare fleetsim with them (exit 4 on drift)");
  auto* dir = cmd->add_option("dir", o->dir,
                              "Directory holding cases.yaml (or the manifest file itself); default: validation/ here, "
                              "else beside the binary (../validation, ../share/fleetsim/validation)")
                  ->capture_default_str()
                  ->type_name("DIR");
  cmd->add_option("-j,--jobs", o->jobs, "Cases simulated at once (child processes)")->capture_default_str();
  cmd->add_option("--write-doc", o->write_doc,
                  "Replace the block between <!-- validate-model:begin/end --> markers in this Markdown file")
      ->type_name("FILE");
  cmd->add_option("--recorded", o->recorded,
                  "Fail (exit 4) when a simulated figure differs from the one recorded in this Markdown file's "
                  "validate-model block; also print the cross-validation recorded in its fit-catalog-cv block")
      ->type_name("FILE");
  add_timeout_option(cmd, o->timeout_s);
  cmd->add_option("--only", o->only,
                  "Run only the cases whose id contains this text (several, separated by commas: any of them)");
  return {cmd, [o, dir] {
            o->dir_given = dir->count() > 0;
            return validate_model(*o);
          }};
}

}  // namespace fleetsim
