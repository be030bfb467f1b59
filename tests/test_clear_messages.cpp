// Hostile or malformed inputs get a message naming what was wrong and what
// was expected, not a parser's internal words.
#include <catch2/catch.hpp>

#include <string>

#include "support/cli_runner.hpp"

using namespace fleetsim::testing;

TEST_CASE("Deep nesting, NUL bytes and merge-key fan-out are named as such", "[cli][messages]") {
  const std::string deep = write_temp_file("deep.yaml", "name: " + std::string(3000, '[') + std::string(3000, ']') + "\n");
  auto r = run_fleetsim("validate '" + deep + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("the YAML nests too deeply to read"));

  std::string nested = "name: x\na:\n";
  for (int i = 1; i < 80; ++i) nested += std::string(2 * i, ' ') + "b:\n";
  r = run_fleetsim("validate '" + write_temp_file("nested.yaml", nested) + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("the YAML nests more than 64 levels deep"));

  r = run_fleetsim("validate '" + write_temp_file("nul.yaml", std::string("name: \"a\0\\1b\"\n", 14)) + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("nul.yaml:1:9: error: the file contains a NUL byte"));

  std::string merges = "defs:\n  l0: &l0 {a: 1}\n";
  for (int i = 1; i <= 8; ++i)
    merges += "  l" + std::to_string(i) + ": &l" + std::to_string(i) + " {<<: [*l" + std::to_string(i - 1) + ", *l" +
              std::to_string(i - 1) + ", *l" + std::to_string(i - 1) + ", *l" + std::to_string(i - 1) + "]}\n";
  r = run_fleetsim("validate '" + write_temp_file("merges.yaml", merges) + "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("merge keys (<<) bring"));
  CHECK_THAT(r.err, Catch::Contains("at most 1000 are allowed"));
}

TEST_CASE("An unknown command is named, with the closest one", "[cli][messages]") {
  auto r = run_fleetsim("rnu x.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown command \"rnu\"; did you mean \"run\"?"));
  r = run_fleetsim("frobnicate");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("unknown command \"frobnicate\""));
  r = run_fleetsim("");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("expected a command: run, validate"));
}

TEST_CASE("The -j option states its range in words", "[cli][messages]") {
  const auto r = run_fleetsim("sweep x.yaml -j 0");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("expected a whole number of runs in parallel from 1 to 4096, found \"0\""));
  CHECK(r.err.size() < 300);
}

TEST_CASE("merge of a directory says it is one", "[cli][messages]") {
  const auto r = run_fleetsim("merge '" + std::string(FLEETSIM_SOURCE_DIR) + "/scenarios'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("it is a directory"));
}
