// fleetsim-bench: runs a fixed set of scenarios and reports, for each, what
// was simulated (sessions, LLM calls, tokens, simulated time, engine events)
// and what it cost (wall time, peak resident memory), as a table and as JSON
// so that runs can be compared. Each case runs in its own process, started by
// the child runner every workflow uses (src/cli/child_runs.hpp): wall time
// and peak RSS are the child's, measured by wait4(). On a shared or virtual
// machine one run's wall time can be off by tens of percent, so --repeat runs
// each case several times and reports the run of median wall time.
//
// Absolute figures depend on the machine and its load; a ratio measured in
// the same run much less. So each fleetsim run is followed by a run of the
// floor (floor_loop.hpp: the same traffic through a bare event loop) and the
// bench reports fleetsim's wall time per LLM call as a multiple of the
// floor's, paired run by run: the median of the per-repeat ratios.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "child_runs.hpp"
#include "fleetsim/io/json_input.hpp"
#include "fleetsim/io/report_reader.hpp"
#include "fleetsim/workflows/scenario_sections.hpp"
#include "floor_loop.hpp"
#include "interrupts.hpp"

namespace {

struct Case {
  std::string name;
  std::string scenario;
  std::string variant;
  bool quick = false;
};

struct Result {
  Case c;
  int exit_code = -1;
  double wall_s = 0;
  double cpu_s = 0;  // user + system: less disturbed than wall time by other load
  double peak_rss_mib = 0;
  double sessions = 0, calls = 0, tokens = 0, simulated_s = 0, events = 0;
  std::vector<double> wall_s_runs;  // every repeat, in run order
  // The floor on the same scenario, one run after each fleetsim run.
  bool has_floor = false;
  fleetsim::bench::FloorResult floor;  // the floor run of median wall time
  std::vector<double> floor_wall_s_runs;
  std::vector<double> ratio_runs;  // per repeat: fleetsim's wall per call / the floor's
  double ratio = 0;                // their median
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[(v.size() - 1) / 2];
}

// The floor's wall time per LLM call over fleetsim's: how many floors one
// fleetsim call costs.
double floor_ratio(const Result& fleetsim, const fleetsim::bench::FloorResult& floor) {
  if (fleetsim.calls <= 0 || floor.llm_calls <= 0 || floor.wall_s <= 0) return 0.0;
  return (fleetsim.wall_s / fleetsim.calls) / (floor.wall_s / static_cast<double>(floor.llm_calls));
}

// The run of median wall time (the lower middle one for an even count), with
// every run's wall time attached. The repeats stop at a failed run, which is
// then returned as it is.
Result median_run(std::vector<Result> runs) {
  if (runs.back().exit_code != 0) return runs.back();
  std::vector<double> walls;
  for (const auto& r : runs) walls.push_back(r.wall_s);
  std::sort(runs.begin(), runs.end(), [](const Result& a, const Result& b) { return a.wall_s < b.wall_s; });
  Result m = runs[(runs.size() - 1) / 2];
  m.wall_s_runs = walls;
  return m;
}

std::vector<Case> read_cases(const std::string& path) {
  const YAML::Node root = YAML::LoadFile(path);
  const auto dir = std::filesystem::path(path).parent_path();
  std::vector<Case> cases;
  for (const auto& n : root["cases"]) {
    Case c;
    c.name = n["name"].as<std::string>();
    c.scenario = (dir / n["scenario"].as<std::string>()).string();
    if (n["variant"]) c.variant = n["variant"].as<std::string>();
    if (n["quick"]) c.quick = n["quick"].as<bool>();
    cases.push_back(c);
  }
  return cases;
}

// One fleetsim run of the case, through the workflows' child runner: its
// wall time is from spawn to exit, its CPU time and peak RSS the child's own
// (wait4), and its counts come from the report read back typed.
Result run_case(const std::string& fleetsim, const Case& c) {
  Result r;
  r.c = c;
  fleetsim::RunRequest request;
  request.scenario = c.scenario;
  request.variant = c.variant;
  const fleetsim::RunOutcome outcome = fleetsim::run_all({request}, 1, {}, {}, fleetsim).front();
  r.exit_code = outcome.exit_code;
  r.wall_s = outcome.seconds;
  r.cpu_s = outcome.cpu_s;
  r.peak_rss_mib = outcome.peak_rss_mib;
  // The child's stderr is captured: a failed run's reason is shown here.
  if (!outcome.ok()) {
    std::cerr << "fleetsim-bench: " << c.name << ": fleetsim run " << fleetsim::describe_exit(outcome) << "\n"
              << outcome.errors;
    return r;
  }

  std::string error;
  const auto json = fleetsim::parse_json_input(outcome.report, error);
  const auto report = json.is_discarded() ? std::nullopt : fleetsim::report_from_json(json, error);
  if (!report) {
    std::cerr << "fleetsim-bench: " << c.name << ": unreadable report: " << error << "\n";
    r.exit_code = -1;
    return r;
  }
  for (const auto& w : report->workloads) {
    r.sessions += static_cast<double>(w.sessions_completed);
    r.calls += static_cast<double>(w.llm_calls);
    r.tokens += w.prompt_tokens + w.output_tokens;
  }
  r.simulated_s = report->run.simulated_end_s;
  r.events = static_cast<double>(report->run.engine_events);
  return r;
}

std::string human(double x) {
  if (x >= 1e9) return fmt::format("{:.2f}G", x / 1e9);
  if (x >= 1e6) return fmt::format("{:.2f}M", x / 1e6);
  if (x >= 1e3) return fmt::format("{:.1f}k", x / 1e3);
  return fmt::format("{:.0f}", x);
}

// One case, `repeat` times: fleetsim, then the floor, repeat after repeat,
// so that both see the machine in the same phase; the run of median wall
// time, with the floor's median.
Result measure_case(const Case& c, const std::string& fleetsim, int repeat, bool with_floor) {
  std::optional<fleetsim::Scenario> scenario;
  if (with_floor) {
    fleetsim::LoadOptions options;
    options.variant = c.variant;
    scenario = fleetsim::load_scenario_file_with_sections(c.scenario, fleetsim::Catalog::builtin(), options).scenario;
    if (!scenario) std::cerr << "fleetsim-bench: " << c.name << ": the floor cannot load the scenario\n";
  }
  std::vector<Result> runs;
  std::vector<fleetsim::bench::FloorResult> floors;
  std::vector<double> ratios;
  for (int i = 0; i < repeat; ++i) {
    runs.push_back(run_case(fleetsim, c));
    if (runs.back().exit_code != 0) break;
    if (!scenario) continue;
    floors.push_back(fleetsim::bench::run_floor(*scenario));
    ratios.push_back(floor_ratio(runs.back(), floors.back()));
  }
  Result r = median_run(runs);
  if (r.exit_code == 0 && !floors.empty()) {
    r.has_floor = true;
    for (const auto& f : floors) r.floor_wall_s_runs.push_back(f.wall_s);
    std::sort(floors.begin(), floors.end(), [](const auto& a, const auto& b) { return a.wall_s < b.wall_s; });
    r.floor = floors[(floors.size() - 1) / 2];
    r.ratio_runs = ratios;
    r.ratio = median(ratios);
  }
  return r;
}

void print_header() {
  fmt::print("{:<22} {:>9} {:>9} {:>9} {:>10} {:>8} {:>8} {:>12} {:>8} {:>12} {:>8} {:>10} {:>9} {:>8}\n", "case",
             "sessions", "calls", "tokens", "sim time", "wall s", "cpu s", "calls/wall-s", "floor s", "floor calls/s",
             "x floor", "x realtime", "events", "RSS MiB");
}

void print_row(const Result& r) {
  const std::string floor_cols =
      r.has_floor ? fmt::format(" {:>8.2f} {:>12} {:>8.2f}", r.floor.wall_s,
                                human(static_cast<double>(r.floor.llm_calls) / r.floor.wall_s), r.ratio)
                  : fmt::format(" {:>8} {:>12} {:>8}", "-", "-", "-");
  fmt::print("{:<22} {:>9} {:>9} {:>9} {:>9.0f}s {:>8.2f} {:>8.2f} {:>12}{} {:>10} {:>9} {:>8.0f}\n", r.c.name,
             human(r.sessions), human(r.calls), human(r.tokens), r.simulated_s, r.wall_s, r.cpu_s,
             human(r.calls / r.wall_s), floor_cols, human(r.simulated_s / r.wall_s), human(r.events),
             r.peak_rss_mib);
  std::fflush(stdout);
}

nlohmann::ordered_json result_json(const Result& r) {
  nlohmann::ordered_json x;
  x["case"] = r.c.name;
  x["exit_code"] = r.exit_code;
  x["sessions"] = r.sessions;
  x["llm_calls"] = r.calls;
  x["tokens"] = r.tokens;
  x["simulated_s"] = r.simulated_s;
  x["wall_s"] = r.wall_s;
  x["wall_s_runs"] = r.wall_s_runs;
  x["cpu_s"] = r.cpu_s;
  x["llm_calls_per_wall_s"] = r.wall_s > 0 ? r.calls / r.wall_s : 0.0;
  x["realtime_multiple"] = r.wall_s > 0 ? r.simulated_s / r.wall_s : 0.0;
  x["engine_events"] = r.events;
  x["peak_rss_mib"] = r.peak_rss_mib;
  if (r.has_floor) {
    nlohmann::ordered_json f;
    f["sessions"] = r.floor.sessions_completed;
    f["llm_calls"] = r.floor.llm_calls;
    f["tool_calls"] = r.floor.tool_calls;
    f["events"] = r.floor.events;
    f["simulated_s"] = r.floor.simulated_s;
    f["wall_s"] = r.floor.wall_s;
    f["wall_s_runs"] = r.floor_wall_s_runs;
    f["llm_calls_per_wall_s"] = static_cast<double>(r.floor.llm_calls) / r.floor.wall_s;
    x["floor"] = f;
    x["floor_ratio"] = r.ratio;
    x["floor_ratio_runs"] = r.ratio_runs;
  }
  return x;
}

void write_json(const std::string& path, const std::vector<Result>& results, int repeat) {
  nlohmann::ordered_json j;
  j["schema"] = "fleetsim.bench/1";
  j["cpus"] = sysconf(_SC_NPROCESSORS_ONLN);
  j["repeat"] = repeat;
  for (const auto& r : results) j["cases"].push_back(result_json(r));
  std::ofstream(path) << j.dump(2) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fleetsim-bench: run the benchmark set and report simulation speed and memory"};
  std::string cases_file = std::string(FLEETSIM_BENCH_DIR) + "/cases.yaml";
  std::string fleetsim = FLEETSIM_BINARY;
  std::string json_out;
  std::vector<std::string> only;
  bool quick = false;
  bool no_floor = false;
  int repeat = 1;
  app.add_option("--cases", cases_file, "Benchmark set (YAML)");
  app.add_option("--repeat", repeat, "Run each case N times and report the run of median wall time")
      ->check(CLI::PositiveNumber);
  app.add_option("--fleetsim", fleetsim, "The fleetsim binary to measure");
  app.add_option("--json", json_out, "Also write the results as JSON to FILE");
  app.add_option("--only", only, "Run only these cases (by name)");
  app.add_flag("--quick", quick, "Run only the cases marked quick");
  app.add_flag("--no-floor", no_floor, "Do not run the floor (the bare event loop of floor_loop.hpp) after each run");
  CLI11_PARSE(app, argc, argv);
  const bool with_floor = !no_floor;

  std::vector<Case> cases;
  try {
    cases = read_cases(cases_file);
  } catch (const std::exception& e) {
    std::cerr << "fleetsim-bench: cannot read " << cases_file << ": " << e.what() << "\n";
    return 1;
  }
  std::vector<Result> results;
  int failures = 0;
  print_header();
  for (const auto& c : cases) {
    if (quick && !c.quick) continue;
    if (!only.empty() && std::find(only.begin(), only.end(), c.name) == only.end()) continue;
    try {
      results.push_back(measure_case(c, fleetsim, repeat, with_floor));
    } catch (const fleetsim::Interrupted& e) {
      // The runner passed the signal on to the child and waited for it.
      std::cerr << "fleetsim-bench: interrupted by " << fleetsim::signal_name(e.signal()) << " in case " << c.name
                << "\n";
      return 128 + e.signal();
    }
    const Result& r = results.back();
    if (r.exit_code != 0) {
      ++failures;
      fmt::print("{:<22} failed (exit {})\n", c.name, r.exit_code);
      continue;
    }
    print_row(r);
  }
  if (!json_out.empty()) write_json(json_out, results, repeat);
  return failures == 0 ? 0 : 1;
}
