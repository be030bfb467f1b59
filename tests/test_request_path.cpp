// The serving stack's request path (request_path.hpp): HTTP and tokenization
// before the engine's queue, added to a call's time to first token and its
// latency but to no replica's work. Checked per call against the same run
// without a path, by hand: t_path = fixed + per_prompt_token * prompt tokens.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "fleetsim/io/catalog.hpp"
#include "support/call_log.hpp"
#include "support/cli_runner.hpp"

using fleetsim::testing::call_log_of;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::write_temp_file;

namespace {

// One call per session, sessions 20 s apart: no call waits for another, so
// a call's queue wait and service are the same with and without a path.
std::string path_scenario(const std::string& pools) {
  return "name: request-path\nfleet:\n  pools:\n" + pools +
         "workloads:\n"
         "  - name: chat\n"
         "    arrivals: {process: constant, rate: 0.05/s}\n"
         "    steps:\n"
         "      - llm: {model: llama-3.1-8b, prompt_tokens: {dist: uniform, min: 200, max: 4000}, output_tokens: 20}\n"
         "simulation: {sessions: 12, seed: 3}\n";
}

struct CallRow {
  double issued = 0, scheduled = 0, first_token = 0, finished = 0, ttft = 0;
  long prompt = 0;
};

std::vector<CallRow> run_calls(const std::string& name, const std::string& pools) {
  std::vector<CallRow> rows;
  for (const auto& row : call_log_of(name, path_scenario(pools)))
    rows.push_back({std::stod(row.at("issued_s")), std::stod(row.at("scheduled_s")), std::stod(row.at("first_token_s")),
                    std::stod(row.at("finished_s")), std::stod(row.at("ttft_s")), std::stol(row.at("prompt_tokens"))});
  return rows;
}

const char* kPlainPool =
    "    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}\n";

void check_path(const std::vector<CallRow>& plain, const std::vector<CallRow>& paid, double fixed_s,
                double per_token_s) {
  REQUIRE(plain.size() == 12);
  REQUIRE(paid.size() == plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    INFO("call " << i);
    REQUIRE(paid[i].prompt == plain[i].prompt);
    const double path = fixed_s + per_token_s * static_cast<double>(plain[i].prompt);
    CHECK(paid[i].issued == Approx(plain[i].issued).margin(1e-6));
    // The call reaches the engine a path later, and the engine serves it as before.
    CHECK(paid[i].scheduled - paid[i].issued == Approx(path + plain[i].scheduled - plain[i].issued).margin(2e-6));
    CHECK(paid[i].first_token - paid[i].scheduled == Approx(plain[i].first_token - plain[i].scheduled).margin(2e-6));
    CHECK(paid[i].finished - paid[i].first_token == Approx(plain[i].finished - plain[i].first_token).margin(2e-6));
    CHECK(paid[i].ttft == Approx(plain[i].ttft + path).margin(2e-6));
  }
}

}  // namespace

TEST_CASE("A pool's request path delays each call by fixed + per prompt token, and no replica's work",
          "[request_path][cli]") {
  const auto plain = run_calls("path-none", kPlainPool);
  const auto paid = run_calls(
      "path-pool",
      "    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], "
      "engine: {request_path: {fixed: 25ms, per_prompt_token: 3us}}}\n");
  check_path(plain, paid, 25e-3, 3e-6);
  // Prompts of 200 to 4,000 tokens: the per-token part is what separates them.
  CHECK(paid.front().prompt != paid.back().prompt);
}

TEST_CASE("A model served by pools with different front ends pays the slowest of each part",
          "[request_path][cli]") {
  // Two pools of one model; the path is crossed before the route picks one.
  const char* two_plain =
      "    - {name: a, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}\n"
      "    - {name: b, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}\n";
  const auto plain = run_calls("path-two-none", two_plain);
  const auto paid = run_calls(
      "path-two",
      "    - {name: a, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], "
      "engine: {request_path: {fixed: 25ms, per_prompt_token: 1us}}}\n"
      "    - {name: b, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], "
      "engine: {request_path: {fixed: 5ms, per_prompt_token: 3us}}}\n");
  check_path(plain, paid, 25e-3, 3e-6);
}

TEST_CASE("A stack's request path reaches its pools, a pool sets it to 0, bad values are located",
          "[request_path][stacks][loader]") {
  const auto& c = fleetsim::Catalog::builtin();
  // The OpenAI-style Python servers carry one; harnesses that call the
  // engine in-process, and front ends nothing measures, none.
  for (const auto& s : c.stacks()) {
    INFO(s.name);
    const bool http = s.name == "vllm-0.5" || s.name == "vllm-0.6" || s.name == "vllm-v1" || s.name == "sglang" ||
                      s.name == "sglang-0.3" || s.name == "tensorrt-llm" || s.name == "vllm-cpu";
    CHECK(s.request_path.priced() == http);
    if (http) {
      CHECK(s.sources.count("request_path.fixed") == 1);
      CHECK(s.sources.count("request_path.per_prompt_token") == 1);
    }
  }
  const auto& v1 = c.find_stack("vllm-v1")->request_path;
  CHECK(v1.delay_s(1000) == Approx(10e-3 + 1000 * 2e-6));

  const auto plain = run_calls("path-stack-off",
                               "    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], "
                               "engine: {stack: vllm-v1, request_path: {fixed: 0s, per_prompt_token: 0s}}}\n");
  const auto paid = run_calls("path-stack",
                              "    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b], "
                              "engine: {stack: vllm-v1}}\n");
  check_path(plain, paid, 10e-3, 2e-6);

  for (const char* bad : {"{request_path: {fixed: -1ms}}", "{request_path: {fixed: 20s}}",
                          "{request_path: {per_prompt_token: 50ms}}", "{request_path: {latency: 1ms}}",
                          "{request_path: 10ms}"}) {
    INFO(bad);
    const std::string file =
        write_temp_file("path-bad.yaml",
                        path_scenario(std::string("    - {name: gpu, hardware: h100-p5.48xlarge, count: 1, "
                                                  "models: [llama-3.1-8b], engine: ") +
                                      bad + "}\n"));
    const auto r = run_fleetsim("validate '" + file + "'");
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("fleet.pools[0].engine.request_path") != std::string::npos);
  }
}

TEST_CASE("A disaggregated call crosses the front ends of both servers, before its prefill and before its decode",
          "[request_path][disaggregation][cli]") {
  // A disaggregating proxy sends the whole request to the prefill server,
  // then, once it has answered, to the decode server, which tokenizes it
  // again before its engine pulls the cache. The first crossing is the
  // model's path (the slower of each part over its pools: 25 ms, 3 us); the
  // second the decode pool's own (5 ms, 1 us).
  auto pools = [](const std::string& prefill_engine, const std::string& decode_engine) {
    return "    - {name: pre, role: prefill, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]" +
           prefill_engine + "}\n    - {name: dec, role: decode, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]" +
           decode_engine + "}\n";
  };
  const auto plain = run_calls("path-pd-none", pools("", ""));
  const auto paid = run_calls("path-pd", pools(", engine: {request_path: {fixed: 25ms, per_prompt_token: 3us}}",
                                               ", engine: {request_path: {fixed: 5ms, per_prompt_token: 1us}}"));
  REQUIRE(plain.size() == 12);
  REQUIRE(paid.size() == plain.size());
  for (std::size_t i = 0; i < plain.size(); ++i) {
    INFO("call " << i);
    REQUIRE(paid[i].prompt == plain[i].prompt);
    const double prompt = static_cast<double>(plain[i].prompt);
    const double before_prefill = 25e-3 + 3e-6 * prompt, before_decode = 5e-3 + 1e-6 * prompt;
    CHECK(paid[i].scheduled - paid[i].issued == Approx(before_prefill + plain[i].scheduled - plain[i].issued).margin(2e-6));
    CHECK(paid[i].first_token - paid[i].scheduled ==
          Approx(before_decode + plain[i].first_token - plain[i].scheduled).margin(2e-6));
    CHECK(paid[i].ttft == Approx(plain[i].ttft + before_prefill + before_decode).margin(2e-6));
    CHECK(paid[i].finished - paid[i].first_token == Approx(plain[i].finished - plain[i].first_token).margin(2e-6));
  }
}
