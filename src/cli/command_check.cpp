// fleetsim check SCENARIO...: run scenarios and check their expectations
// (`expect:` sections, --expect FILE, --baseline with --tolerance); exit 4
// when any is violated. For CI.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "atomic_file.hpp"
#include "child_runs.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "resource_guard.hpp"
#include "fleetsim/io/input_file.hpp"
#include "fleetsim/workflows/expectations.hpp"
#include "fleetsim/workflows/junit_xml.hpp"
#include "fleetsim/workflows/report_figures.hpp"
#include "scenario_options.hpp"

namespace fleetsim {
namespace {

struct CheckOptions {
  std::vector<std::string> scenarios;
  std::vector<std::string> expect_files;
  std::string baseline;
  std::string tolerance = "0";
  std::string junit;
  std::string report_dir;
  std::string variant;
  std::vector<std::string> settings;
  std::optional<std::uint64_t> seed;
  int jobs = default_jobs();
  double timeout_s = 0.0;
  LimitOptions limits;  // passed on to every child run
  bool progress = true;
};

using Status = ExpectationResult::Status;

struct Checked {
  std::string label;  // the scenario path (and variant)
  std::vector<Expectation> expectations;
  RunOutcome outcome;
  std::string run_error;  // why there is no report
  std::vector<ExpectationResult> results;
};

std::string bounds_text(const Expectation& e) {
  std::vector<std::string> parts;
  if (e.min) parts.push_back(fmt::format("min {:.6g}", *e.min));
  if (e.max) parts.push_back(fmt::format("max {:.6g}", *e.max));
  if (e.tolerance) parts.push_back(fmt::format("tolerance {:g}%", *e.tolerance * 100.0));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string report_file_name(const std::string& scenario, const std::string& variant) {
  const std::string stem = std::filesystem::path(scenario).stem().string();
  return variant.empty() ? stem + ".json" : stem + "-" + variant + ".json";
}

std::string junit_for(const std::vector<Checked>& checked) {
  std::vector<JunitSuite> suites;
  for (const Checked& c : checked) {
    JunitSuite suite;
    suite.name = c.label;
    suite.seconds = c.outcome.seconds;
    const std::string classname = "fleetsim.check." + std::filesystem::path(c.label).stem().string();
    if (!c.run_error.empty()) {
      suite.cases.push_back({"run", classname, JunitCase::Outcome::error, "the scenario did not run", c.run_error, 0.0});
    }
    for (const ExpectationResult& r : c.results) {
      JunitCase tc;
      tc.classname = classname;
      tc.name = r.expectation.figure + " (" + bounds_text(r.expectation) + ")";
      tc.outcome = r.status == Status::met        ? JunitCase::Outcome::passed
                   : r.status == Status::violated ? JunitCase::Outcome::failure
                                                  : JunitCase::Outcome::error;
      tc.message = r.message;
      tc.details = r.message + "\nexpected at " + r.expectation.origin + "\n";
      suite.cases.push_back(std::move(tc));
    }
    suites.push_back(std::move(suite));
  }
  return render_junit("fleetsim check", suites);
}

// The expectations every scenario shares: the --expect files' and, with
// --baseline, one per figure of the baseline report within the tolerance.
// False (after saying why) when an input is unusable; `baseline` gets the
// baseline report.
bool read_shared_expectations(const CheckOptions& o, double tolerance, std::vector<Expectation>& shared,
                              std::optional<nlohmann::ordered_json>& baseline) {
  bool inputs_ok = true;
  for (const auto& file : o.expect_files) {
    ExpectationsFile loaded = load_expectations_file(file);
    print_diagnostics(loaded.diagnostics);
    inputs_ok = inputs_ok && loaded.ok();
    shared.insert(shared.end(), loaded.expectations.begin(), loaded.expectations.end());
  }
  if (o.baseline.empty()) return inputs_ok;
  std::string error;
  const std::optional<std::string> text = read_input_file(o.baseline, error, limits::kMaxJsonFileBytes);
  if (text) baseline = parse_report(*text, error);
  if (!baseline) {
    std::cerr << "fleetsim: error: --baseline " << o.baseline << ": " << (text ? error : "cannot read: " + error)
              << "\n";
    return false;
  }
  const auto from_baseline = baseline_expectations(*baseline, tolerance);
  shared.insert(shared.end(), from_baseline.begin(), from_baseline.end());
  return inputs_ok;
}

// Loads each scenario (reporting its diagnostics) with its own expectations
// and the shared ones; one child run each. False when one cannot be checked.
bool plan_checks(const CheckOptions& o, const Overrides& overrides, const std::vector<Expectation>& shared,
                 std::vector<Checked>& checked, std::vector<RunRequest>& requests) {
  bool inputs_ok = true;
  for (const auto& path : o.scenarios) {
    const WorkflowLoad loaded = load_and_report(path, o.variant, overrides);
    Checked c;
    c.label = o.variant.empty() ? path : path + " --variant " + o.variant;
    c.expectations = loaded.expectations;
    c.expectations.insert(c.expectations.end(), shared.begin(), shared.end());
    if (!loaded.ok()) {
      inputs_ok = false;
    } else if (c.expectations.empty()) {
      std::cerr << "fleetsim: error: " << path << ": nothing to check: it has no expect: section, and no --expect or "
                << "--baseline was given\n";
      inputs_ok = false;
    }
    checked.push_back(std::move(c));
    requests.push_back({path, o.variant, overrides, o.seed, o.limits.arguments, {}});
  }
  return inputs_ok;
}

// The expectations' tallies over every scenario.
struct Tally {
  std::size_t met = 0, violated = 0, errors = 0;
};

// Keeps a copy of the run's report in --report-dir. False if it cannot be written.
bool keep_report(const CheckOptions& o, const RunRequest& request, const RunOutcome& outcome) {
  // A fresh checkout has no reports/ yet: the CI example relies on this.
  std::error_code made;
  std::filesystem::create_directories(o.report_dir, made);
  const std::string file = (std::filesystem::path(o.report_dir) / report_file_name(request.scenario, o.variant)).string();
  if (const std::string error = write_output_file(file, outcome.report); !error.empty()) {
    std::cerr << "fleetsim: error: " << error << "\n";
    return false;
  }
  return true;
}

// One scenario's outcome: its report checked against its expectations, a
// line each on stdout, counted in `tally`.
void check_one(const CheckOptions& o, const RunRequest& request, const nlohmann::ordered_json* baseline, Checked& c,
               Tally& tally) {
  std::cout << "fleetsim check: " << c.label << "\n";
  std::string parse_error;
  std::optional<nlohmann::ordered_json> report;
  if (c.outcome.ok()) report = parse_report(c.outcome.report, parse_error);
  if (!report) {
    c.run_error = c.outcome.ok() ? parse_error : c.outcome.errors;
    std::cout << "  ERROR  the scenario did not run (" << describe_exit(c.outcome) << ")\n";
    std::cerr << c.run_error;
    ++tally.errors;
    return;
  }
  if (!o.report_dir.empty() && !keep_report(o, request, c.outcome)) ++tally.errors;
  c.results = check_expectations(*report, c.expectations, baseline);
  for (const ExpectationResult& r : c.results) {
    const char* tag = r.status == Status::met ? "PASS " : r.status == Status::violated ? "FAIL " : "ERROR";
    std::cout << "  " << tag << "  " << r.message;
    if (r.status != Status::met) std::cout << "  [" << r.expectation.origin << "]";
    std::cout << "\n";
    tally.met += r.status == Status::met ? 1 : 0;
    tally.violated += r.status == Status::violated ? 1 : 0;
    tally.errors += r.status == Status::unknown_figure || r.status == Status::no_baseline ? 1 : 0;
  }
}

int check(const CheckOptions& o) {
  const auto tolerance = parse_tolerance(o.tolerance);
  if (!tolerance) {
    std::cerr << "fleetsim: error: --tolerance " << o.tolerance << ": expected a relative tolerance such as 5% or 0.05\n";
    return kExitUsage;
  }
  if (!o.baseline.empty() && o.scenarios.size() != 1) {
    std::cerr << "fleetsim: error: --baseline compares one scenario's report; " << o.scenarios.size()
              << " scenarios were given (run check once per baseline)\n";
    return kExitUsage;
  }
  std::vector<Expectation> shared;
  std::optional<nlohmann::ordered_json> baseline;
  bool inputs_ok = read_shared_expectations(o, *tolerance, shared, baseline);
  const Overrides overrides = split_settings(o.settings);
  std::vector<Checked> checked;
  std::vector<RunRequest> requests;
  inputs_ok = plan_checks(o, overrides, shared, checked, requests) && inputs_ok;
  if (!inputs_ok) return kExitInvalidInput;

  if (o.progress) spdlog::info("check: {} scenario{}, {} at a time", requests.size(), requests.size() == 1 ? "" : "s", o.jobs);
  const auto outcomes = run_all(
      requests, o.jobs,
      [&](std::size_t i, const RunOutcome& outcome) {
        if (o.progress)
          spdlog::info("check: {} {} in {:.1f} s", checked[i].label, outcome.ok() ? "ran" : "FAILED", outcome.seconds);
      },
      ChildLimits{o.timeout_s});

  Tally tally;
  for (std::size_t i = 0; i < checked.size(); ++i) {
    checked[i].outcome = outcomes[i];
    check_one(o, requests[i], baseline ? &*baseline : nullptr, checked[i], tally);
  }
  std::cout << fmt::format("fleetsim check: {} in {}: {} met, {} violated, {}\n",
                           plural(tally.met + tally.violated, "expectation"), plural(checked.size(), "scenario"),
                           tally.met, tally.violated, plural(tally.errors, "error"));
  if (!o.junit.empty())
    if (const std::string error = write_output_file(o.junit, junit_for(checked)); !error.empty()) {
      std::cerr << "fleetsim: error: " << error << "\n";
      ++tally.errors;
    }
  if (const int crashed = crash_status(outcomes, [&](std::size_t i) { return checked[i].label; }); crashed != 0)
    return crashed;
  if (tally.errors > 0) return kExitInvalidInput;
  return tally.violated > 0 ? kExitExpectation : kExitOk;
}

}  // namespace

Command add_check_command(CLI::App& app) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand("check", "Run scenarios and check their expectations; exit 4 on any violation");
  cmd->add_option("scenarios", o->scenarios, "Scenario files (YAML), each with an expect: section or --expect")
      ->required()
      ->type_name("FILE.yaml");
  cmd->add_option("--expect", o->expect_files, "Expectations file (top-level expect:), applied to every scenario")
      ->allow_extra_args(false)
      ->type_name("FILE.yaml");
  cmd->add_option("--baseline", o->baseline, "A report (JSON) to compare the key figures with, within --tolerance")
      ->type_name("FILE");
  cmd->add_option("--tolerance", o->tolerance, "Relative tolerance against --baseline, e.g. 5% (default 0: exact)");
  cmd->add_option("--junit", o->junit, "Write JUnit XML to FILE: one test case per expectation")
      ->type_name("FILE");
  cmd->add_option("--report-dir", o->report_dir, "Keep each run's JSON report in DIR (e.g. as the next baseline)")
      ->type_name("DIR");
  cmd->add_option("--variant", o->variant, "Check this variant of each scenario");
  add_set_option(cmd, o->settings, "Override a value in every scenario (repeatable)");
  add_seed_option(cmd, o->seed, "Run with this seed");
  add_child_run_options(cmd, o->jobs, o->timeout_s, o->limits, o->progress);
  return {cmd, [o] { return check(*o); }};
}

}  // namespace fleetsim
