// libFuzzer target: `--set PATH=VALUE` overrides on a fixed valid scenario.
// Each input line is one PATH=VALUE (split at the first '='), as the
// command line gives them.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/workflows/scenario_sections.hpp"

namespace {

const char* kBase = R"(name: fuzz
fleet:
  pools:
    - name: gpu
      hardware: h100-p5.48xlarge
      count: 1
      models: [llama-3.1-8b]
workloads:
  - name: chat
    arrivals: {process: poisson, rate: 1/s}
    steps:
      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 50}
      - loop:
          repeat: 2
          steps:
            - tool: {latency: 1s, result_tokens: 20}
    slo: {ttft: 1s}
simulation: {duration: 10min, warmup: 1min}
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  fleetsim::LoadOptions options;
  for (std::string line; std::getline(lines, line) && options.overrides.size() < 16;) {
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;  // the command line refuses these
    options.overrides.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  const fleetsim::LoadResult result = fleetsim::load_scenario_text_with_sections(kBase, "fuzz.yaml", fleetsim::Catalog::builtin(), options);
  (void)result;
  return 0;
}
