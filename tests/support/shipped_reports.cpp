#include "support/shipped_reports.hpp"

#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "fleetsim/io/scenario_loader.hpp"
#include "support/cli_runner.hpp"

namespace fleetsim::testing {
namespace fs = std::filesystem;
namespace {

const std::string kStamp = "complete";

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Size and modification time (ns) of the fleetsim binary and of every file
// under scenarios/, one line each: what the reports were made from. The
// schema check (check_output_schemas.py) computes the same lines.
std::string fingerprint() {
  std::vector<std::string> files = {FLEETSIM_BINARY};
  for (const auto& e : fs::recursive_directory_iterator(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios"))
    if (e.is_regular_file()) files.push_back(e.path().string());
  std::sort(files.begin() + 1, files.end());
  std::ostringstream s;
  for (const std::string& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + f);
    s << st.st_size << ' ' << (static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec) << ' '
      << f << '\n';
  }
  return s.str();
}

std::string file_of(const std::string& dir, const ShippedRun& run, const std::string& format) {
  return (fs::path(dir) / (run.name + "." + format)).string();
}

// The longest simulated scenario first, so that it does not run alone at the end.
double simulated_s(const std::string& scenario) {
  const auto loaded = load_scenario_file(scenario);
  return loaded.scenario && loaded.scenario->simulation.duration_s ? *loaded.scenario->simulation.duration_s : 0.0;
}

}  // namespace

std::vector<ShippedRun> shipped_runs() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(std::string(FLEETSIM_SOURCE_DIR) + "/scenarios"))
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<ShippedRun> runs;
  for (const std::string& file : files) {
    const std::string stem = fs::path(file).stem().string();
    runs.push_back({file, "", stem});
    for (const auto& v : load_scenario_file(file).variants) runs.push_back({file, v, stem + "--" + v});
  }
  return runs;
}

ShippedOutput shipped_output(const ShippedRun& run, const std::string& format) {
  const std::string path = file_of(shipped_reports_dir(), run, format);
  ShippedOutput o;
  o.path = path;
  if (!fs::exists(path + ".exit")) {
    o.err = "no " + path + ".exit: the shipped reports' fixture did not run this";
    return o;
  }
  o.found = true;
  o.exit_code = std::stoi(read_file(path + ".exit"));
  o.out = read_file(path);
  o.err = read_file(path + ".err");
  return o;
}

int write_shipped_reports(const std::string& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  struct Job {
    ShippedRun run;
    double simulated_s;
  };
  std::vector<Job> jobs;
  std::map<std::string, double> durations;
  for (const ShippedRun& run : shipped_runs()) {
    if (!durations.count(run.scenario)) durations[run.scenario] = simulated_s(run.scenario);
    jobs.push_back({run, durations[run.scenario]});
  }
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.simulated_s > b.simulated_s; });
  // A variant's JSON as the tests read it before: stdout. A base scenario's
  // page (-o) and JSON (--json) from one run, which leaves its stderr and
  // exit code for both.
  std::atomic<std::size_t> next{0};
  std::atomic<int> failed{0};
  auto work = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      const Job& job = jobs[i];
      const std::string json = file_of(dir, job.run, "json"), html = file_of(dir, job.run, "html");
      const bool page = job.run.variant.empty();
      std::string command = quoted(FLEETSIM_BINARY) + " run " + quoted(job.run.scenario) + " --no-progress";
      if (!job.run.variant.empty()) command += " --variant " + quoted(job.run.variant);
      command += page ? " --format html -o " + quoted(html) + " --json " + quoted(json) + " >/dev/null"
                      : " --format json >" + quoted(json);
      command += " 2>" + quoted(json + ".err");
      const int status = std::system(command.c_str());
      const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      if (exit_code != 0) ++failed;
      std::ofstream(json + ".exit") << exit_code << '\n';
      if (page) {
        fs::copy_file(json + ".err", html + ".err", fs::copy_options::overwrite_existing);
        std::ofstream(html + ".exit") << exit_code << '\n';
      }
    }
  };
  const unsigned n = std::clamp(std::thread::hardware_concurrency(), 2u, 8u);
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < n; ++i) workers.emplace_back(work);
  for (auto& w : workers) w.join();
  std::ofstream(fs::path(dir) / kStamp) << fingerprint();
  return failed;
}

const std::string& shipped_reports_dir() {
  static const std::string dir = [] {
    if (const char* given = std::getenv("FLEETSIM_SHIPPED_REPORTS"); given && *given) {
      const std::string stamp = (fs::path(given) / kStamp).string();
      if (!fs::exists(stamp) || read_file(stamp) != fingerprint())
        throw std::runtime_error(std::string("the shipped reports in ") + given +
                                 " are missing or older than this fleetsim or its scenarios: run the fixture "
                                 "(ctest without -FE), or unset FLEETSIM_SHIPPED_REPORTS");
      return std::string(given);
    }
    const std::string own = temp_path("shipped-reports");
    write_shipped_reports(own);
    return own;
  }();
  return dir;
}

}  // namespace fleetsim::testing
