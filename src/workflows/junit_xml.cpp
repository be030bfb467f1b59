#include "fleetsim/workflows/junit_xml.hpp"

#include <fmt/format.h>

#include "fleetsim/io/markup_escape.hpp"

namespace fleetsim {
namespace {

std::string xml(const std::string& text) { return markup_escape(text); }

struct Counts {
  std::size_t tests = 0, failures = 0, errors = 0;
  void add(const JunitCase& c) {
    ++tests;
    failures += c.outcome == JunitCase::Outcome::failure ? 1 : 0;
    errors += c.outcome == JunitCase::Outcome::error ? 1 : 0;
  }
};

}  // namespace

std::string render_junit(const std::string& name, const std::vector<JunitSuite>& suites) {
  Counts total;
  double seconds = 0.0;
  std::string body;
  for (const JunitSuite& suite : suites) {
    Counts counts;
    for (const JunitCase& c : suite.cases) counts.add(c);
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
    seconds += suite.seconds;
    body += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n",
                        xml(suite.name), counts.tests, counts.failures, counts.errors, suite.seconds);
    for (const JunitCase& c : suite.cases) {
      body += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\"", xml(c.classname), xml(c.name),
                          c.seconds);
      if (c.outcome == JunitCase::Outcome::passed) {
        body += "/>\n";
        continue;
      }
      const char* element = c.outcome == JunitCase::Outcome::failure ? "failure" : "error";
      body += fmt::format(">\n      <{} message=\"{}\">{}</{}>\n    </testcase>\n", element, xml(c.message),
                          xml(c.details), element);
    }
    body += "  </testsuite>\n";
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3f}\">\n{}"
                     "</testsuites>\n",
                     xml(name), total.tests, total.failures, total.errors, seconds, body);
}

}  // namespace fleetsim
