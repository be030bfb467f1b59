// The reports of every shipped scenario and variant, produced once per test
// run and read by the tests that check them (the end-to-end sums, the
// report's read-back, the output schemas, the HTML render).
//
// Under CTest a fixture ("fixture: the report of every shipped scenario ...",
// tests/CMakeLists.txt) writes them into the build tree before those tests
// run and passes the folder in FLEETSIM_SHIPPED_REPORTS. A test binary run
// by hand without that variable writes them into its own temporary folder,
// once per process. Each run leaves its output, its stderr and its exit code,
// so a failed run fails the test that reads it, named by scenario and variant.
#pragma once

#include <string>
#include <vector>

namespace fleetsim::testing {

// One `fleetsim run` of a shipped scenario (scenarios/*.yaml).
struct ShippedRun {
  std::string scenario;  // the YAML file's path
  std::string variant;   // empty: the base scenario
  std::string name;      // file stem, "--VARIANT" for a variant: the fixture's file names
  std::string label() const { return scenario + " variant '" + variant + "'"; }
};

// Every shipped scenario, sorted by file name, each followed by its variants
// in file order.
std::vector<ShippedRun> shipped_runs();

// What one run left: the report (`--format json` on stdout, or the page that
// `--format html -o` wrote), its stderr and its exit code (-1: killed by a
// signal).
struct ShippedOutput {
  bool found = false;  // false: the fixture left no exit code for this run
  int exit_code = -1;
  std::string out;
  std::string err;
  std::string path;  // the report's file
};

// `format` is "json" (every run) or "html" (base scenarios only).
ShippedOutput shipped_output(const ShippedRun& run, const std::string& format);

// Empties `dir`, runs every shipped scenario and variant into it, several at
// a time (a variant with --format json, a base scenario once with --format
// html and --json: its page and its report), and writes its stamp last.
// Returns how many runs failed.
int write_shipped_reports(const std::string& dir);

// The folder the reports are read from: FLEETSIM_SHIPPED_REPORTS, whose stamp
// must match this build's fleetsim and the shipped scenarios (throws if not);
// else a temporary folder, written on first use.
const std::string& shipped_reports_dir();

}  // namespace fleetsim::testing
