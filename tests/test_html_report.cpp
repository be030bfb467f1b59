// `fleetsim run --format html`: one self-contained page with inline SVG
// charts (docs/report-format.md, "HTML"). Checked as text (sections, charts,
// escaping, nothing fetched from outside, byte-identical per seed) and
// rendered in headless Chromium (installed by scripts/install-deps.sh
// --test): the page loads without console errors and its screenshot is not
// blank.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"
#include "support/shipped_reports.hpp"

using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

// A workload name with every character HTML escapes.
const std::string kHtmlReportScenario = R"(name: html-report
fleet:
  pools:
    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}
    - {name: cpu, hardware: graviton4-c8g.48xlarge, count: 1, models: [llama-3.1-8b], engine: {max_batch_size: 8}}
workloads:
  - name: "agent <&> 'x'"
    arrivals: {process: poisson, rate: 2/s}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 500, output_tokens: 50}
      - tool: {latency: 1s}
      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 50}
    slo: {percentile: 95, ttft: 2s, tpot: 50ms}
simulation: {duration: 10min, warmup: 1min, seed: 4}
)";

std::string render(const std::string& name) {
  const std::string out = temp_path(name);
  const CliResult r =
      run_fleetsim("run '" + write_temp_file("html-report.yaml", kHtmlReportScenario) + "' --format html --no-progress -o '" + out + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return out;
}

// Runs a shell command and returns its exit status.
int shell_status(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

TEST_CASE("The HTML report is one page with its sections and charts, escaped, nothing fetched",
          "[html][report][cli]") {
  const std::string page = read_file(render("report.html"));
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(page, Contains("</html>"));
  for (const char* id : {"id=\"pools\"", "id=\"evidence\"", "id=\"workloads\"", "id=\"time-series\"", "id=\"checks\""})
    CHECK_THAT(page, Contains(id));
  // Cards, the pools' bars, three latency curves, six charts over time.
  CHECK_THAT(page, Contains("per session"));
  CHECK_THAT(page, Contains("Cost by pool (USD)"));
  CHECK_THAT(page, Contains("TTFT of agent &lt;&amp;&gt; &apos;x&apos;"));
  CHECK_THAT(page, Contains("IT power by pool"));
  CHECK_THAT(page, Contains("Sessions in flight by workload"));
  std::size_t charts = 0;
  for (std::size_t at = page.find("<svg"); at != std::string::npos; at = page.find("<svg", at + 1)) ++charts;
  CHECK(charts == 3 + 3 + 5);
  // The SLO rows, and the workload's name never raw.
  CHECK_THAT(page, Contains("ttft p95"));
  CHECK(page.find("agent <&>") == std::string::npos);
  // Self-contained: no script, no stylesheet or image fetched.
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  // Byte-identical for the same scenario and seed.
  CHECK(read_file(render("again.html")) == page);
}

// `fleetsim compare --format html` of the scenario against a variant with a
// second CPU node.
std::string render_comparison(const std::string& name) {
  const std::string out = temp_path(name);
  const std::string file = write_temp_file(
      "html-compare.yaml", kHtmlReportScenario + "variants:\n  more-cpu:\n    fleet:\n      pools:\n"
                                       "        - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}\n"
                                       "        - {name: cpu, hardware: graviton4-c8g.48xlarge, count: 2, models: [llama-3.1-8b], engine: {max_batch_size: 8}}\n");
  const CliResult r = run_fleetsim("compare '" + file + "' --variants --format html -o '" + out + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return out;
}

TEST_CASE("compare --format html charts the headline figures run by run, then the whole table",
          "[html][compare][cli]") {
  const std::string page = read_file(render_comparison("compare.html"));
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(page, Contains("id=\"charts\""));
  CHECK_THAT(page, Contains("id=\"figures\""));
  CHECK_THAT(page, Contains("<figcaption>fleet.cost_per_session_usd</figcaption>"));
  CHECK_THAT(page, Contains("more-cpu"));
  // Cost, energy and power per session, sessions/s, the workload's cost,
  // three p95 latencies and whether its SLOs were met.
  std::size_t charts = 0;
  for (std::size_t at = page.find("<svg"); at != std::string::npos; at = page.find("<svg", at + 1)) ++charts;
  CHECK(charts == 9);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(read_file(render_comparison("compare-again.html")) == page);
}

// `fleetsim plan --format html` of the scenario, its CPU pool planned.
std::string render_plan(const std::string& name) {
  const std::string out = temp_path(name);
  const std::string file =
      write_temp_file("html-plan.yaml", kHtmlReportScenario + "plan: {pools: {cpu: {min: 0, max: 3}}}\n");
  const CliResult r = run_fleetsim("plan '" + file + "' --format html -o '" + out + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return out;
}

TEST_CASE("plan --format html charts every evaluated fleet's cost against its worst SLO ratio",
          "[html][plan][cli]") {
  const std::string page = read_file(render_plan("plan.html"));
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(page, Contains("Evaluated fleets: cost against the worst SLO ratio"));
  CHECK_THAT(page, Contains(">SLO bound</text>"));
  CHECK_THAT(page, Contains("<circle"));
  // The plan's own report, escaped, below the chart.
  CHECK_THAT(page, Contains("Cost-vs-latency frontier of the evaluated fleets"));
  CHECK(page.find("<script") == std::string::npos);
  CHECK(read_file(render_plan("plan-again.html")) == page);
}

std::string render_sweep(const std::string& name) {
  const std::string out = temp_path(name);
  const CliResult r = run_fleetsim("sweep '" + write_temp_file("html-sweep.yaml", kHtmlReportScenario) +
                                   "' --set fleet.pools.cpu.count=1,2 -r 2 -j 2 --no-progress --html '" + out + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return out;
}

TEST_CASE("sweep --html charts the headline figures against the swept parameter, with intervals",
          "[html][sweep][cli]") {
  const std::string page = read_file(render_sweep("sweep.html"));
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(page, Contains("Figures against fleet.pools.cpu.count"));
  CHECK_THAT(page, Contains("<figcaption>fleet.cost_per_session_usd</figcaption>"));
  CHECK_THAT(page, Contains("<figcaption>pools.cpu.utilization</figcaption>"));
  // Two replications a point: the interval's two lines beside the mean.
  CHECK_THAT(page, Contains(">95% CI low</text>"));
  CHECK_THAT(page, Contains(">95% CI high</text>"));
  CHECK_THAT(page, Contains("id=\"points\""));
  CHECK(page.find("<script") == std::string::npos);
  CHECK(read_file(render_sweep("sweep-again.html")) == page);
}

namespace {

// Headless Chromium, and the size of its screenshot of an empty page: a page
// of text and charts compresses far worse than an empty white one.
class Chromium {
 public:
  explicit Chromium(const std::string& label) {
    if (shell_status("command -v chromium >/dev/null 2>&1") != 0)
      FAIL("chromium is not installed: scripts/install-deps.sh --test installs it");
    const std::string page = write_temp_file("blank-" + label + ".html", "<!DOCTYPE html><html><body></body></html>");
    const std::string shot = temp_path("blank-" + label + ".png");
    REQUIRE(shell_status(kFlags + "--screenshot='" + shot + "' 'file://" + page + "' >/dev/null 2>&1") == 0);
    blank_ = std::filesystem::file_size(shot);
  }

  // Renders `page`: not blank, and nothing logged to the console (no script
  // errors, nothing refused).
  void check_renders(const std::string& page, const std::string& label) const {
    INFO(page);
    const std::string shot = temp_path("render-" + label + ".png");
    const std::string log = temp_path("chromium-" + label + ".log");
    REQUIRE(shell_status(kFlags + "--screenshot='" + shot + "' 'file://" + page + "' 2>'" + log + "' >/dev/null") == 0);
    const auto size = std::filesystem::file_size(shot);
    INFO("screenshot " << size << " B, blank page " << blank_ << " B");
    CHECK(size > 5 * blank_);
    const std::string console = read_file(log);
    CHECK(console.find("CONSOLE") == std::string::npos);
    CHECK(console.find("Uncaught") == std::string::npos);
  }

 private:
  static inline const std::string kFlags =
      "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2400 "
      "--enable-logging=stderr --v=0 ";
  std::uintmax_t blank_ = 0;
};

}  // namespace

TEST_CASE("The HTML pages render in headless Chromium without errors and are not blank", "[html][report][cli][slow]") {
  const Chromium chromium("pages");
  int n = 0;
  for (const std::string& page :
       {render("render.html"), render_comparison("render-compare.html"), render_plan("render-plan.html"),
        render_sweep("render-sweep.html")})
    chromium.check_renders(page, std::to_string(n++));
}

// The pages: `fleetsim run --format html -o PAGE`, run once per test run for
// every test that reads the shipped reports (support/shipped_reports.hpp).
TEST_CASE("The HTML report of every shipped scenario renders in headless Chromium without errors",
          "[html][report][cli][shipped][shipped-reports][slow]") {
  const Chromium chromium("shipped");
  std::vector<ShippedRun> scenarios;
  for (const ShippedRun& run : shipped_runs())
    if (run.variant.empty()) scenarios.push_back(run);
  REQUIRE(scenarios.size() >= 10);
  for (const ShippedRun& scenario : scenarios) {
    INFO(scenario.label());
    const ShippedOutput r = shipped_output(scenario, "html");
    INFO(r.err);
    REQUIRE(r.found);
    REQUIRE(r.exit_code == 0);
    chromium.check_renders(r.path, "shipped-" + scenario.name);
  }
}

// --json FILE: the page and the figures from one run. The JSON is the bytes
// --format json prints for the same scenario and seed.
TEST_CASE("run --json writes beside the page the JSON report --format json prints", "[html][report][cli]") {
  const std::string page = temp_path("with-json.html"), json = temp_path("with-json.json");
  const auto both = run_fleetsim("run '" + kQuickstart + "' --no-progress --format html -o '" + page + "' --json '" +
                                 json + "'");
  INFO(both.err);
  REQUIRE(both.exit_code == 0);
  const auto plain = run_fleetsim("run '" + kQuickstart + "' --no-progress --format json");
  REQUIRE(plain.exit_code == 0);
  CHECK(read_file(json) == plain.out);
  CHECK_THAT(read_file(page), Contains("<svg"));
  const auto table = run_fleetsim("run '" + kQuickstart + "' --no-progress --json '" + json + "'");
  REQUIRE(table.exit_code == 0);
  CHECK(read_file(json) == plain.out);
  CHECK_THAT(table.out, Contains("cost"));

  // An unwritable --json: the run fails before the page is written.
  const std::string other = temp_path("no-page.html");
  const auto bad = run_fleetsim("run '" + kQuickstart + "' --no-progress --format html -o '" + other +
                                "' --json /nonexistent-folder/report.json");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Contains("/nonexistent-folder"));
  CHECK_FALSE(std::filesystem::exists(other));
}
