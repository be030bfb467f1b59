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

#include "support/cli_runner.hpp"

using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

// A workload name with every character HTML escapes.
const std::string kScenario = R"(name: html-report
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
      run_fleetsim("run '" + write_temp_file("html-report.yaml", kScenario) + "' --format html --no-progress -o '" + out + "'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return out;
}

// Runs a shell command and returns its exit status.
int shell(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

TEST_CASE("The HTML report is one page with its sections and charts, escaped, nothing fetched",
          "[html][report][cli]") {
  const std::string page = read_file(render("report.html"));
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(page, Contains("</html>"));
  for (const char* id : {"id=\"pools\"", "id=\"workloads\"", "id=\"time-series\"", "id=\"checks\""})
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

TEST_CASE("The HTML report renders in headless Chromium without errors and is not blank", "[html][report][cli]") {
  if (shell("command -v chromium >/dev/null 2>&1") != 0)
    FAIL("chromium is not installed: scripts/install-deps.sh --test installs it");
  const std::string page = render("render.html");
  const std::string shot = temp_path("render.png"), blank_page = write_temp_file("blank.html", "<!DOCTYPE html><html><body></body></html>"),
                    blank_shot = temp_path("blank.png"), log = temp_path("chromium.log");
  const std::string flags = "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2400 "
                            "--enable-logging=stderr --v=0 ";
  REQUIRE(shell(flags + "--screenshot='" + shot + "' 'file://" + page + "' 2>'" + log + "' >/dev/null") == 0);
  REQUIRE(shell(flags + "--screenshot='" + blank_shot + "' 'file://" + blank_page + "' >/dev/null 2>&1") == 0);
  // A page of text and charts compresses far worse than an empty white one.
  const auto size = std::filesystem::file_size(shot), blank = std::filesystem::file_size(blank_shot);
  INFO("screenshot " << size << " B, blank page " << blank << " B");
  CHECK(size > 5 * blank);
  // The page logs nothing to the console (no errors, no failed loads).
  const std::string console = read_file(log);
  CHECK(console.find("CONSOLE") == std::string::npos);
  CHECK(console.find("Uncaught") == std::string::npos);
}
