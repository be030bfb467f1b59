// SIGINT, SIGTERM, SIGHUP and SIGQUIT stop everything: a run exits 128 + the signal with a message and
// no partial file; a workflow passes the signal to its children, waits for
// them and exits likewise, leaving no process behind. A crashed child is a
// defect (exit 3), a child past --timeout a failed point.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/wait.h>

#include "support/cli_runner.hpp"

using namespace fleetsim::testing;

namespace {

// A scenario that runs for minutes, under a name no other test uses, so that
// its processes can be found by their command line.
std::string long_scenario(const std::string& name) {
  std::string text = read_file(kQuickstart);
  const auto at = text.find("duration: 11min");
  REQUIRE(at != std::string::npos);
  text.replace(at, 15, "duration: 500h");
  return write_temp_file(name, text);
}

struct Shell {
  int exit_code = -1;
  std::string err;
};

// Runs a bash script with $F set to the binary; its stderr is captured.
Shell run_bash(const std::string& script, const std::string& name) {
  const std::string path = write_temp_file(name + ".sh", "F='" + std::string(FLEETSIM_BINARY) + "'\n" + script);
  const std::string err = temp_path(name + ".err");
  const int status = std::system(("bash '" + path + "' 2>'" + err + "'").c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(err)};
}

// Processes whose command line mentions `marker` (its first letter in
// brackets, so that the shell running pgrep does not match itself).
int processes_with(const std::string& marker) {
  const std::string pattern = "[" + marker.substr(0, 1) + "]" + marker.substr(1);
  const int status = std::system(("pgrep -f '" + pattern + "' >/dev/null").c_str());
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : 0;
}

}  // namespace

TEST_CASE("run stops on SIGINT, SIGTERM, SIGHUP and SIGQUIT with 128 + the signal, writing nothing",
          "[cli][signals]") {
  const std::string scenario = long_scenario("signal-run.yaml");
  const std::string out = temp_path("signal-run.json");
  for (const auto& [signal, code] :
       {std::pair{"INT", 130}, std::pair{"TERM", 143}, std::pair{"HUP", 129}, std::pair{"QUIT", 131}}) {
    INFO(signal);
    const Shell r = run_bash("\"$F\" run '" + scenario + "' --no-progress -o '" + out + "' & P=$!\nsleep 1\nkill -" +
                              signal + " $P\nwait $P\n",
                             std::string("signal-run-") + signal);
    CHECK(r.exit_code == code);
    CHECK_THAT(r.err, Catch::Contains(std::string("interrupted by SIG") + signal + " while simulating"));
    CHECK_THAT(r.err, Catch::Contains("nothing was written"));
    CHECK_FALSE(std::filesystem::exists(out));
  }
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(out).parent_path()))
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("An interrupted sweep stops its children and leaves no process behind", "[cli][signals]") {
  const std::string scenario = long_scenario("signal-sweep-marker.yaml");
  const Shell r = run_bash("\"$F\" sweep '" + scenario +
                            "' --set fleet.pools.h100.count=1,2,3 -j 3 --no-progress -o '" +
                            temp_path("signal-sweep.csv") + "' & P=$!\nsleep 1.5\nkill -INT $P\nwait $P\n",
                           "signal-sweep");
  CHECK(r.exit_code == 130);
  CHECK_THAT(r.err, Catch::Contains("interrupted by SIGINT while running 3 simulations"));
  CHECK_THAT(r.err, Catch::Contains("every child has stopped"));
  CHECK(processes_with("signal-sweep-marker") == 0);
  CHECK_FALSE(std::filesystem::exists(temp_path("signal-sweep.csv")));

  const Shell t = run_bash("\"$F\" compare '" + scenario + "' '" + scenario +
                            "' -j 2 --no-progress & P=$!\nsleep 1.5\nkill -TERM $P\nwait $P\n",
                           "signal-compare");
  CHECK(t.exit_code == 143);
  CHECK(processes_with("signal-sweep-marker") == 0);
}

TEST_CASE("A child killed by a signal is a defect (exit 3), not a failed point", "[cli][signals]") {
  const std::string scenario = long_scenario("signal-crash.yaml");
  // Under AddressSanitizer the child would catch SIGSEGV itself and exit 1;
  // handle_segv=0 lets it die from the signal as a plain build does.
  const Shell r = run_bash("ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:handle_segv=0\" \"$F\" sweep '" + scenario +
                            "' --set fleet.pools.h100.count=1 --no-progress & P=$!\nsleep 1.5\n"
                            "pkill -SEGV -P $P\nwait $P\n",
                           "signal-crash");
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("killed by SIGSEGV"));
  CHECK_THAT(r.err, Catch::Contains("defect"));
}

TEST_CASE("A workflow's --timeout stops a child past its time and fails its point", "[cli][signals]") {
  const std::string scenario = long_scenario("signal-timeout.yaml");
  const auto r = run_fleetsim("sweep '" + scenario + "' --set fleet.pools.h100.count=1,2 -j 2 --timeout 0.5 --no-progress");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("timed out after 0.5 s"));
  CHECK(processes_with("signal-timeout") == 0);
}

// ASan reserves terabytes of address space: a virtual-memory limit stops it
// before fleetsim starts, so this runs in the plain build only. GCC says so
// with __SANITIZE_ADDRESS__, clang with __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define FLEETSIM_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLEETSIM_TEST_UNDER_ASAN 1
#endif
#endif
#if !defined(FLEETSIM_TEST_UNDER_ASAN)
TEST_CASE("An allocation failure during a run exits 1 with a message, not an abort", "[cli][resources]") {
  const Shell r = run_bash("ulimit -v 250000\n\"$F\" run '" + kQuickstart +
                            "' --no-progress --set workloads.assistant.arrivals.rate=3000/s"
                            " --set 'workloads.assistant.steps[1].loop.steps[0].tool.latency=1d'"
                            " --max-memory 100GB --max-events 1e12 >/dev/null\n",
                           "out-of-memory");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("out of memory: an allocation failed while simulating; nothing was written"));
}
#endif
