// The bad-input corpus (tests/bad_inputs/cases.txt): each malformed or
// hostile input gives its exit code and message, within a time limit,
// without a crash.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "fleetsim/core/text.hpp"
#include "support/cli_runner.hpp"

using namespace fleetsim::testing;

namespace {

const std::string kCorpus = std::string(FLEETSIM_SOURCE_DIR) + "/tests/bad_inputs";
// Every case is a validation error: seconds at most, even on a slow machine.
constexpr int kCaseSeconds = 60;

struct Case {
  int line = 0;
  int exit_code = 0;
  std::string arguments;
  std::string fragment;
};


void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

std::vector<Case> read_cases() {
  std::ifstream in(kCorpus + "/cases.txt");
  std::vector<Case> cases;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (fleetsim::trim(line).empty() || fleetsim::trim(line)[0] == '#') continue;
    const auto first = line.find(" | "), last = line.rfind(" | ");
    REQUIRE(first != std::string::npos);
    REQUIRE(last > first);
    Case c;
    c.line = n;
    c.exit_code = std::stoi(line.substr(0, first));
    c.arguments = std::string(fleetsim::trim(line.substr(first + 3, last - first - 3)));
    c.fragment = std::string(fleetsim::trim(line.substr(last + 3)));
    cases.push_back(c);
  }
  return cases;
}

}  // namespace

TEST_CASE("The bad-input corpus: every case exits as listed, with its message", "[bad_inputs][slow]") {
  const std::vector<Case> cases = read_cases();
  CHECK(cases.size() >= 80);
  const std::string scratch = temp_path("bad-inputs");
  for (const Case& c : cases) {
    std::string arguments = c.arguments;
    replace_all(arguments, "{dir}", "'" + kCorpus + "'");
    replace_all(arguments, "{q}", "'" + std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml'");
    replace_all(arguments, "{tmp}", "'" + scratch + "'");
    const std::string out = temp_path("bad-input.out"), err = temp_path("bad-input.err");
    // Our redirections first: a case's own (">/dev/full") comes later and wins.
    const std::string run = "mkdir -p '" + scratch + "' && timeout " + std::to_string(kCaseSeconds) + " '" +
                            FLEETSIM_BINARY + "' >'" + out + "' 2>'" + err + "' " + arguments;
    const int status = std::system(run.c_str());
    const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    const std::string text = read_file(err) + read_file(out);
    INFO("cases.txt:" << c.line << ": fleetsim " << c.arguments << "\n" << text);
    CHECK(exit_code != 124);  // past the time limit
    CHECK(exit_code != 134);  // abort: an uncaught exception
    CHECK(exit_code != 139);  // segmentation fault
    CHECK(exit_code == c.exit_code);
    CHECK(text.find(c.fragment) != std::string::npos);
    if (c.fragment.find("internal error") == std::string::npos) CHECK(text.find("internal error") == std::string::npos);
  }
}
