// A streamed trace (read again row by row as the run goes, never held
// whole): its check gives what a trace held in memory gives, its feed the
// same calls, the shipped replays the same report byte for byte, and a file
// that changes between the two reads is refused.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fleetsim/core/trace_feed.hpp"
#include "../src/io/request_trace_reader.hpp"
#include "support/cli_runner.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::run_shell;
using fleetsim::testing::temp_path;
using fleetsim::testing::write_temp_file;

namespace {

const std::string kTraces = std::string(FLEETSIM_SOURCE_DIR) + "/tests/data/traces/";

std::string all(const std::vector<Diagnostic>& ds) {
  std::string text;
  for (const auto& d : ds) text += d.format() + "\n";
  return text;
}

TraceOptions options(double rate_scale = 1.0, std::optional<std::uint64_t> limit = std::nullopt) {
  TraceOptions o;
  o.default_model = "m";
  o.rate_scale = rate_scale;
  o.limit = limit;
  return o;
}

// The streamed trace's feed read to its end, every session one call.
std::vector<FedSession> feed_all(const RequestTrace& t) {
  std::vector<FedSession> out;
  auto feed = t.feed->open();
  FedSession s;
  while (feed->next(s)) out.push_back(s);
  INFO(all(feed->problems()));
  CHECK(feed->problems().empty());
  return out;
}

void check_same_calls(const std::string& file, const TraceMapping& m, const TraceOptions& o) {
  std::vector<Diagnostic> ds;
  const auto held = read_request_trace(file, m, o, ds);
  const auto streamed = scan_request_trace(file, m, o, ds);
  INFO(all(ds));
  REQUIRE(held);
  REQUIRE(streamed);
  REQUIRE(streamed->is_streamed());
  CHECK(streamed->calls.empty());
  CHECK(streamed->call_count() == held->call_count());
  CHECK(streamed->session_count() == held->session_count());
  CHECK(streamed->hashed() == held->hashed());
  CHECK(streamed->models == held->models);
  CHECK(streamed->sessions_starting_before(0.5) == held->sessions_starting_before(0.5));
  const auto fed = feed_all(*streamed);
  REQUIRE(fed.size() == held->sessions());
  for (std::size_t k = 0; k < fed.size(); ++k) {
    REQUIRE(fed[k].calls.size() == 1);
    const RequestTrace::Call& a = fed[k].calls[0];
    const RequestTrace::Call& b = held->calls[held->session_begin[k]];
    CHECK(a.arrival_s == b.arrival_s);  // exactly: the same arithmetic
    CHECK(a.prompt_tokens == b.prompt_tokens);
    CHECK(a.output_tokens == b.output_tokens);
    CHECK(a.model == b.model);
    CHECK(a.row == b.row);
    REQUIRE(a.prefix_count == b.prefix_count);
    for (std::uint32_t i = 0; i < a.prefix_count; ++i)
      CHECK(fed[k].prefix_hashes[a.prefix_begin + i] == held->prefix_hashes[b.prefix_begin + i]);
  }
}

}  // namespace

TEST_CASE("a streamed trace's feed gives the calls of the trace held in memory", "[trace][streaming]") {
  check_same_calls(kTraces + "azure2023-code-first10.csv", *trace_preset("azure-2023"), options());
  check_same_calls(kTraces + "azure2023-code-first10.csv", *trace_preset("azure-2023"), options(3.0, 4));
  check_same_calls(kTraces + "mooncake-first40.jsonl", *trace_preset("mooncake"), options());
  check_same_calls(kTraces + "mooncake-first40.jsonl", *trace_preset("mooncake"), options(0.5, 17));
}

TEST_CASE("a streamed trace is checked as a trace held in memory is, with the same messages", "[trace][streaming]") {
  TraceMapping m = *trace_preset("csv");
  m.time = "t";
  m.prompt_tokens = "p";
  m.output_tokens = "o";
  static const char kNul[] = "t,p,o\n0,10,5\n1,1\0,5\n";
  for (const std::string& text : std::vector<std::string>{"t,p,o\n0,10,5\n2,10,5\n1,x,5\n", "t,p,o\n0,10,5\n1,10\n",
                                                          "t,p\n0,10\n", std::string(kNul, sizeof kNul - 1),
                                                          "t,p,o\n", ""}) {
    const std::string file = write_temp_file("broken.csv", text);
    std::vector<Diagnostic> held, streamed;
    CHECK_FALSE(read_request_trace(file, m, options(), held));
    CHECK_FALSE(scan_request_trace(file, m, options(), streamed));
    CHECK(all(streamed) == all(held));
    CHECK_FALSE(held.empty());
  }
}

TEST_CASE("a streamed trace whose file changes before the run reads it again is refused", "[trace][streaming]") {
  const std::string file = temp_path("changing.csv");
  std::filesystem::copy_file(kTraces + "azure2023-code-first10.csv", file,
                             std::filesystem::copy_options::overwrite_existing);
  std::vector<Diagnostic> ds;
  const auto t = scan_request_trace(file, *trace_preset("azure-2023"), options(), ds);
  REQUIRE(t);
  { std::ofstream(file, std::ios::app) << "2023-11-16 18:17:05.0000000,10,10\n"; }
  auto feed = t->feed->open();
  FedSession s;
  CHECK_FALSE(feed->next(s));
  REQUIRE_FALSE(feed->problems().empty());
  CHECK_THAT(all(feed->problems()), Contains("has changed since it was checked"));
}

TEST_CASE("the shipped trace replays report the same, byte for byte, streamed or held in memory",
          "[trace][streaming][end-to-end]") {
  const std::string dir = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/";
  const std::vector<std::pair<std::string, std::string>> runs = {{"azure-conv-replay.yaml", ""},
                                                                 {"mooncake-prefix-cache.yaml", ""},
                                                                 {"mooncake-prefix-cache.yaml", "least-outstanding"},
                                                                 {"mooncake-prefix-cache.yaml", "no-cache"}};
  for (const auto& [file, variant] : runs) {
    const std::string args = "run '" + dir + file + "'" + (variant.empty() ? "" : " --variant " + variant) +
                             " --format json --no-progress";
    INFO(args);
    const auto streamed = run_fleetsim(args);
    const auto held = run_shell("FLEETSIM_TRACE_IN_MEMORY=1 '" + std::string(FLEETSIM_BINARY) + "' " + args);
    REQUIRE(streamed.exit_code == 0);
    REQUIRE(held.exit_code == 0);
    CHECK(streamed.out == held.out);
  }
}
