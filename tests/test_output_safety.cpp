// --output and standard output: a report is delivered whole or the run fails
// with the reason, and nothing but a regular file is ever replaced.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <sys/stat.h>
#include <sys/wait.h>

#include "support/cli_runner.hpp"

using namespace fleetsim::testing;
namespace fs = std::filesystem;

namespace {

// The exit code of a shell command line running the binary with `args`.
int shell_exit(const std::string& args) {
  const std::string command = std::string("'") + FLEETSIM_BINARY + "' " + args;
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("A symbolic link as --output is followed and its target replaced", "[cli][output]") {
  const std::string target = write_temp_file("link-target.json", "old\n");
  const std::string link = temp_path("link.json");
  fs::create_symlink(target, link);
  const auto r = run_fleetsim("catalog --format json --output '" + link + "'");
  REQUIRE(r.exit_code == 0);
  CHECK(fs::is_symlink(link));
  CHECK(read_file(target).find("\"hardware\"") != std::string::npos);

  // A link to nothing creates its target, and stays a link.
  const std::string dangling = temp_path("dangling.json");
  fs::create_symlink(temp_path("created-by-link.json"), dangling);
  REQUIRE(run_fleetsim("catalog --output '" + dangling + "'").exit_code == 0);
  CHECK(fs::is_symlink(dangling));
  CHECK(fs::is_regular_file(temp_path("created-by-link.json")));
}

TEST_CASE("A regular output file keeps its permissions when replaced", "[cli][output]") {
  const std::string path = write_temp_file("private.txt", "old\n");
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  REQUIRE(run_fleetsim("catalog --output '" + path + "'").exit_code == 0);
  CHECK((fs::status(path).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
}

TEST_CASE("A device or FIFO as --output is written in place, never replaced", "[cli][output]") {
  const auto null = run_fleetsim("catalog --output /dev/null");
  CHECK(null.exit_code == 0);
  CHECK(fs::is_character_file("/dev/null"));

  const std::string fifo = temp_path("report.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string received;
  std::thread reader([&] { received = read_file(fifo); });
  const auto r = run_fleetsim("catalog --format json --output '" + fifo + "'");
  reader.join();
  CHECK(r.exit_code == 0);
  CHECK(fs::is_fifo(fifo));
  CHECK(received.find("\"hardware\"") != std::string::npos);
}

TEST_CASE("A directory as --output is refused with the reason", "[cli][output]") {
  const auto r = run_fleetsim("catalog --output '" + fs::path(temp_path("x")).parent_path().string() + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("it is a directory") != std::string::npos);
}

TEST_CASE("A failed write exits 1 with the reason, to a file or to standard output", "[cli][output]") {
  const auto file = run_fleetsim("catalog --output /dev/full");
  CHECK(file.exit_code == 1);
  CHECK(file.err.find("cannot write '/dev/full': No space left on device") != std::string::npos);

  CHECK(shell_exit("catalog >/dev/full 2>/dev/null") == 1);
  CHECK(shell_exit("catalog --format json >/dev/full 2>/dev/null") == 1);
  CHECK(shell_exit("--help >/dev/full 2>/dev/null") == 1);
  const std::string err = temp_path("full-stderr.txt");
  CHECK(shell_exit("catalog >/dev/full 2>'" + err + "'") == 1);
  CHECK(read_file(err).find("cannot write the output to standard output: No space left on device") !=
        std::string::npos);
}
