// JUnit XML, the test-report format CI systems (GitLab, Jenkins, GitHub
// Actions reporters) display: `fleetsim check --junit FILE`.
#pragma once

#include <string>
#include <vector>

namespace fleetsim {

struct JunitCase {
  enum class Outcome { passed, failure, error };
  std::string name;
  std::string classname;
  Outcome outcome = Outcome::passed;
  std::string message;  // one line: what failed
  std::string details;  // the element's text
  double seconds = 0.0;
};

struct JunitSuite {
  std::string name;
  std::vector<JunitCase> cases;
  double seconds = 0.0;
};

// <testsuites> with one <testsuite> each, counts of tests, failures and
// errors on both levels; text escaped for XML 1.0.
std::string render_junit(const std::string& name, const std::vector<JunitSuite>& suites);

}  // namespace fleetsim
