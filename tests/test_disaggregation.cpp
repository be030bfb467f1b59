// Prefill/decode disaggregation (docs/disaggregation.md): a call prefilled on
// a prefill pool, its KV cache moved over the slower of the two replicas'
// network links, decoded on a decode pool. Every figure is derived by hand in
// the comments; runs go through the binary (one SimGrid engine per process).
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/fixtures.hpp"
#include "support/report_run.hpp"

using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

// A prefill pool of one 8-GPU H100 node (8 replicas, each with its GPU's
// share of the 3200 Gbps NICs: 400 Gbps) and a decode pool of one 2-socket
// Graviton4 node (2 replicas sharing its 50 Gbps NIC); each NIC 10 us of
// latency (src/catalog/hardware.yaml).
std::string fleet(const std::string& prefill_role, const std::string& decode_role) {
  return "fleet:\n"
         "  pools:\n"
         "    - name: pre\n" +
         prefill_role +
         "      hardware: h100-p5.48xlarge\n"
         "      count: 1\n"
         "      models: [llama-3.1-8b]\n"
         "    - name: dec\n" +
         decode_role +
         "      hardware: graviton4-c8g.48xlarge\n"
         "      count: 1\n"
         "      models: [llama-3.1-8b]\n"
         "      engine: {max_batch_size: 16}\n";
}

const std::string kRoles = fleet("      role: prefill\n", "      role: decode\n");

std::string one_session(const std::string& steps) {
  return "workloads:\n"
         "  - name: agent\n"
         "    arrivals: {process: constant, rate: 1/h}\n"
         "    steps:\n" +
         steps + "simulation: {sessions: 1}\n";
}

}  // namespace

TEST_CASE("A disaggregated call: prefill on one pool, its KV over the slower link, decode on the other",
          "[disaggregation][cli]") {
  const std::string steps = "      - llm: {model: llama-3.1-8b, prompt_tokens: 1000, output_tokens: 11}\n";
  const auto split = run_report_json("disagg-one.yaml", "name: disagg-one\n" + kRoles + one_session(steps));

  // The prefill alone: the same H100 replica, the same prompt, one token.
  const auto prefill_only = run_report_json(
      "disagg-prefill-only.yaml",
      "name: prefill-only\n"
      "fleet:\n"
      "  pools:\n"
      "    - {name: pre, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}\n" +
          one_session("      - llm: {model: llama-3.1-8b, prompt_tokens: 1000, output_tokens: 1}\n"));
  const double prefill_s = prefill_only["workloads"][0]["ttft_s"]["mean"].get<double>();

  const auto& w = split["workloads"][0];
  // 1000 tokens x 131,072 B; through min(400, 50) Gbps = 6.25e9 B/s, after
  // two NICs' 10 us.
  const double bytes = 1000 * kKvBytesPerToken;
  const double transfer_s = 20e-6 + bytes / (50e9 / 8);
  REQUIRE(w.contains("kv_transfers"));
  CHECK(w["kv_transfers"]["transfers"].get<long>() == 1);
  CHECK(w["kv_transfers"]["bytes_mean"].get<double>() == Approx(bytes).epsilon(1e-12));
  CHECK(w["kv_transfers"]["time_mean_s"].get<double>() == Approx(transfer_s).epsilon(1e-9));

  // TTFT runs from issue to the decode replica's first token: prefill,
  // transfer, one decode iteration. Decode iterations at context 1000 ... 1010
  // differ by far less than 0.1% (the KV is 0.8% of the bytes read), so that
  // first iteration is the TPOT.
  const double ttft = w["ttft_s"]["mean"].get<double>();
  const double tpot = w["tpot_s"]["mean"].get<double>();
  CHECK(ttft - prefill_s - transfer_s == Approx(tpot).epsilon(1e-3));
  // The call: its first token, then 10 more at the TPOT.
  CHECK(w["call_latency_s"]["mean"].get<double>() == Approx(ttft + 10 * tpot).epsilon(1e-9));
  CHECK(w["prefill_tokens"].get<double>() == 1000);
  CHECK(w["output_tokens"].get<double>() == 11);

  // Each pool reports its phase: the prefill pool generates nothing counted.
  const auto& pools = split["pools"];
  CHECK(pools[0]["role"] == "prefill");
  CHECK(pools[0]["llm_calls"].get<long>() == 1);
  CHECK(pools[0]["output_tokens"].get<double>() == 0);
  CHECK(pools[1]["role"] == "decode");
  CHECK(pools[1]["llm_calls"].get<long>() == 1);
  CHECK(pools[1]["output_tokens"].get<double>() == 11);

  // Deterministic: the same scenario gives the same report.
  CHECK(run_report_json("disagg-one-again.yaml", "name: disagg-one\n" + kRoles + one_session(steps)) == split);
}

TEST_CASE("Two caches sent at once into one NIC share it: each takes twice as long", "[disaggregation][cli]") {
  // Two workloads, one session each, both at t = 3600 s: two H100 replicas
  // prefill the same prompt in the same time, and both caches go to the
  // Graviton4 node (one to each socket). Each H100 replica's 400 Gbps link is
  // its own; the Graviton4 node's 50 Gbps NIC carries both, half each:
  // 10 us x 2 + 2 x 131,072,000 B / 6.25e9 B/s.
  const std::string call = "      - llm: {model: llama-3.1-8b, prompt_tokens: 1000, output_tokens: 11}\n";
  const auto report = run_report_json("disagg-share.yaml", "name: disagg-share\n" + kRoles +
                                                               "workloads:\n"
                                                               "  - name: a\n"
                                                               "    arrivals: {process: constant, rate: 1/h}\n"
                                                               "    steps:\n" +
                                                               call +
                                                               "  - name: b\n"
                                                               "    arrivals: {process: constant, rate: 1/h}\n"
                                                               "    steps:\n" +
                                                               call + "simulation: {sessions: 2}\n");
  const double shared_s = 20e-6 + 2 * 1000 * kKvBytesPerToken / (50e9 / 8);
  for (const auto& w : report["workloads"]) {
    CHECK(w["kv_transfers"]["transfers"].get<long>() == 1);
    CHECK(w["kv_transfers"]["time_mean_s"].get<double>() == Approx(shared_s).epsilon(1e-9));
  }
}

TEST_CASE("A session's next call moves only the prompt tokens its decode replica does not hold",
          "[disaggregation][cli]") {
  // Call 1: 1000 prompt tokens, 10 out; the decode replica keeps 1010 tokens
  // of the session (lru). Call 2: 1010 + 20 new = 1030 tokens, back on the
  // same decode replica (session affinity), which lacks 20 of them.
  const std::string steps =
      "      - llm: {model: llama-3.1-8b, prompt_tokens: 1000, output_tokens: 10}\n"
      "      - tool: {latency: 1s, result_tokens: 0}\n"
      "      - llm: {model: llama-3.1-8b, prompt_tokens: 20, output_tokens: 10}\n";
  const auto report = run_report_json("disagg-two.yaml", "name: disagg-two\n" + kRoles +
                                                             "routing:\n"
                                                             "  - {model: llama-3.1-8b, policy: session_affinity}\n" +
                                                             one_session(steps));
  const auto& t = report["workloads"][0]["kv_transfers"];
  CHECK(t["transfers"].get<long>() == 2);
  CHECK(t["bytes_mean"].get<double>() == Approx((1000 + 20) / 2.0 * kKvBytesPerToken).epsilon(1e-12));
  // The prefill replica kept the first prompt's 1000 tokens (its one token
  // has no KV yet): it computes the 10 output tokens it never saw, and the 20 new.
  CHECK(report["workloads"][0]["prefill_tokens"].get<double>() == 1000 + (1030 - 1000));
}

TEST_CASE("Conditional disaggregation: a decode replica prefills a call that adds few tokens itself",
          "[disaggregation][cli]") {
  // As above, with prefill_above: 100. Call 1 lacks all its 1000 tokens on
  // the decode replica: prefilled on the prefill pool, its cache sent. Call
  // 2 lacks 20 (the decode replica holds 1010 of its 1030): prefilled there,
  // nothing sent.
  const std::string steps =
      "      - llm: {model: llama-3.1-8b, prompt_tokens: 1000, output_tokens: 10}\n"
      "      - tool: {latency: 1s, result_tokens: 0}\n"
      "      - llm: {model: llama-3.1-8b, prompt_tokens: 20, output_tokens: 10}\n";
  const auto report = run_report_json(
      "disagg-conditional.yaml", "name: disagg-conditional\n" + kRoles +
                                     "routing:\n"
                                     "  - {model: llama-3.1-8b, policy: session_affinity, prefill_above: 100}\n" +
                                     one_session(steps));
  const auto& w = report["workloads"][0];
  CHECK(w["llm_calls"] == 2);
  CHECK(w["kv_transfers"]["transfers"].get<long>() == 1);
  CHECK(w["kv_transfers"]["bytes_mean"].get<double>() == Approx(1000 * kKvBytesPerToken).epsilon(1e-12));
  CHECK(w["prefill_tokens"].get<double>() == 1000 + 20);
  // The prefill pool prefilled one call; the decode pool finished both.
  CHECK(report["pools"][0]["llm_calls"] == 1);
  CHECK(report["pools"][1]["llm_calls"] == 2);

  // On unified pools the key means nothing: refused at its line.
  const auto r = run_fleetsim(
      "validate '" +
      write_temp_file("conditional-unified.yaml",
                      "name: conditional-unified\n" + fleet("", "") +
                          "routing:\n"
                          "  - {model: llama-3.1-8b, prefill_above: 100}\n" + one_session(steps)) +
      "'");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("conditional-unified.yaml:14:42:"));
  CHECK_THAT(r.err, Contains("prefill_above applies to a disaggregated model"));
}

TEST_CASE("A fleet without roles reports neither roles nor transfers", "[disaggregation][cli]") {
  const auto report = run_report_json(
      "disagg-none.yaml", "name: disagg-none\n" + fleet("", "") +
                              one_session("      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 5}\n"));
  CHECK_FALSE(report["workloads"][0].contains("kv_transfers"));
  for (const auto& p : report["pools"]) CHECK_FALSE(p.contains("role"));
}

TEST_CASE("Bad roles are located, named and given a hint", "[disaggregation][cli][messages]") {
  const std::string steps = "      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 5}\n";
  auto validate = [&](const std::string& name, const std::string& fleet_text) {
    return run_fleetsim("validate '" + write_temp_file(name + ".yaml", "name: " + name + "\n" + fleet_text +
                                                                           one_session(steps)) +
                        "'");
  };
  auto r = validate("role-typo", fleet("      role: prefil\n", "      role: decode\n"));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("role-typo.yaml:5:13"));
  CHECK_THAT(r.err, Contains("fleet.pools[0].role"));
  CHECK_THAT(r.err, Contains("did you mean \"prefill\"?"));

  r = validate("role-alone", fleet("      role: prefill\n", ""));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("is routed to both unified pools and pools with a prefill or decode role"));

  r = validate("role-one-side", fleet("      role: prefill\n", "      role: prefill\n"));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("role-one-side.yaml:5:13"));
  CHECK_THAT(r.err, Contains("has prefill pools but no decode pool"));
  CHECK_THAT(r.err, Contains("role: decode"));

  // A node type without a network figure cannot send or receive a cache.
  r = validate("role-no-network", "fleet:\n"
                                  "  pools:\n"
                                  "    - {name: pre, role: prefill, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}\n"
                                  "    - {name: dec, role: decode, hardware: xeon6-6980p-2s, count: 1, models: [llama-3.1-8b]}\n");
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("role-no-network.yaml:5:25"));
  CHECK_THAT(r.err, Contains("\"xeon6-6980p-2s\" has no network_bandwidth"));
  CHECK_THAT(r.err, Contains("set network_bandwidth"));
}

TEST_CASE("The CSV gives the transfers' and the shared prefix's figures, each with its unit",
          "[disaggregation][shared_prefix][csv][cli]") {
  const std::string yaml = "name: disagg-csv\n" + kRoles +
                           "workloads:\n"
                           "  - name: agent\n"
                           "    arrivals: {process: constant, rate: 1/h}\n"
                           "    shared_prefix: 512\n"
                           "    steps:\n"
                           "      - llm: {model: llama-3.1-8b, prompt_tokens: 100, output_tokens: 5}\n"
                           "simulation: {sessions: 2}\n";
  const CliResult r = run_fleetsim("run '" + write_temp_file("disagg-csv.yaml", yaml) + "' --format csv --no-progress");
  REQUIRE(r.exit_code == 0);
  for (const char* row : {"workload,agent,kv_transfers.transfers,2,count", "workload,agent,kv_transfers.bytes_mean,",
                          "workload,agent,cross_session_hit_rate,"})
    CHECK_THAT(r.out, Contains(row));
  // Every row ends with a unit.
  std::size_t start = r.out.find('\n') + 1;
  while (start < r.out.size()) {
    const std::size_t end = r.out.find('\n', start);
    const std::string line = r.out.substr(start, end - start);
    INFO(line);
    CHECK(line.back() != ',');
    start = end + 1;
  }
}

TEST_CASE("Disaggregated calls survive failing and autoscaled pools: every session completes",
          "[disaggregation][failures][autoscaling][cli]") {
  // Decode nodes that fail every minute or so (their calls start over from
  // the prefill), and a decode pool that autoscales on queueing delay: the
  // retry and drain paths of the two-phase flow. 100 one-call sessions.
  const std::string yaml =
      "name: disagg-rough\n"
      "fleet:\n"
      "  pools:\n"
      "    - {name: pre, role: prefill, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}\n"
      "    - name: dec\n"
      "      role: decode\n"
      "      hardware: graviton4-c8g.48xlarge\n"
      "      count: 2\n"
      "      models: [llama-3.1-8b]\n"
      "      engine: {max_batch_size: 8}\n"
      "      failures: {mttf: 1min, mttr: 30s}\n"
      "workloads:\n"
      "  - name: agent\n"
      "    arrivals: {process: poisson, rate: 2/s}\n"
      "    steps:\n"
      "      - llm: {model: llama-3.1-8b, prompt_tokens: 2000, output_tokens: 300}\n"
      "simulation: {sessions: 100, seed: 3}\n";
  const auto failing = run_report_json("disagg-failing.yaml", yaml);
  const auto& w = failing["workloads"][0];
  CHECK(w["sessions_completed"].get<long>() == 100);
  CHECK(w["llm_calls"].get<long>() == 100);
  // A call retried after its decode node failed is prefilled and sent
  // again: one transfer per call, and one more per retry.
  const long retried = failing["pools"][1]["failures"]["calls_retried"].get<long>();
  CHECK(retried > 0);
  CHECK(w["kv_transfers"]["transfers"].get<long>() == 100 + retried);
  // Each retried call had its 2,000-token prompt prefilled on the prefill
  // pool (nothing cached: one call a session), which its retry does again
  // (docs/failures.md, "What a failure loses").
  CHECK(failing["pools"][1]["failures"]["prefill_tokens_lost"].get<long>() == 2000 * retried);

  std::string scaled = yaml;
  scaled.replace(scaled.find("      failures: {mttf: 1min, mttr: 30s}\n"), 40,
                 "      autoscale: {policy: queue_delay, target: 200ms, min: 1, max: 4, interval: 10s}\n");
  const auto autoscaled = run_report_json("disagg-autoscaled.yaml", scaled);
  CHECK(autoscaled["workloads"][0]["sessions_completed"].get<long>() == 100);
  CHECK(autoscaled["pools"][1]["autoscale"]["nodes_started"].get<long>() > 0);
}
