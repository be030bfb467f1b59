// The KV network's topology (docs/disaggregation.md, "The network"): a
// two-level fabric of racks behind oversubscribed uplinks, and the report's
// link utilization. Every figure is derived by hand in the comments; runs go
// through the binary (one SimGrid engine per process). A single transfer's
// latency + bytes / bandwidth on the star is tests/test_disaggregation.cpp's
// first case.
#include <catch2/catch.hpp>

#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/fixtures.hpp"
#include "support/report_run.hpp"

using namespace fleetsim::testing;
using Catch::Matchers::Contains;

namespace {

constexpr double kCall = 1000 * kKvBytesPerToken;  // a 1,000-token prompt's cache
// A Graviton4 c8g.48xlarge node: a 50 Gbps NIC (6.25e9 B/s each way) shared
// by its two replicas (one per socket), 10 us of latency
// (src/catalog/hardware.yaml).
constexpr double kNic = 50e9 / 8;
constexpr double kTwoNics = 20e-6;

// Two prefill and two decode Graviton4 nodes, placed pool by pool: pre-0,
// pre-1, dec-0, dec-1.
std::string topology_scenario(const std::string& name, const std::string& network, int workloads) {
  std::string text = "name: " + name +
                     "\n"
                     "fleet:\n"
                     "  pools:\n"
                     "    - {name: pre, role: prefill, hardware: graviton4-c8g.48xlarge, count: 2, "
                     "models: [llama-3.1-8b]}\n"
                     "    - {name: dec, role: decode, hardware: graviton4-c8g.48xlarge, count: 2, "
                     "models: [llama-3.1-8b]}\n" +
                     network + "workloads:\n";
  for (int w = 0; w < workloads; ++w)
    text += "  - name: w" + std::to_string(w) +
            "\n"
            "    arrivals: {process: constant, rate: 1/h}\n"
            "    steps:\n"
            "      - llm: {model: llama-3.1-8b, prompt_tokens: 1000, output_tokens: 11}\n";
  return text + "simulation: {sessions: " + std::to_string(workloads) + "}\n";
}

double window(const nlohmann::json& report) {
  return report["run"]["window_end_s"].get<double>() - report["run"]["window_start_s"].get<double>();
}

}  // namespace

TEST_CASE("Two transfers between racks share the oversubscribed uplink: half its bandwidth each",
          "[network][cli]") {
  // Racks of 2: the prefill nodes in rack 0, the decode nodes in rack 1. Each
  // uplink carries 2 x 6.25e9 B/s / 4 = 3.125e9 B/s each way. Both caches
  // leave rack 0 at the same instant (two sessions at t = 3600 s, the same
  // prefill) and cross uplink 0 up and uplink 1 down, 1.5625e9 B/s each,
  // below anything a NIC gives them (6.25e9 B/s, or half that for two
  // caches through one NIC): 20 us + 131,072,000 B / 1.5625e9 B/s.
  const std::string net = "  network: {topology: two_level, nodes_per_rack: 2, oversubscription: 4}\n";
  const auto report = run_report_json("net-share.yaml", topology_scenario("net-share", net, 2));
  const double uplink = 2 * kNic / 4;
  const double shared_s = kTwoNics + kCall / (uplink / 2);
  for (const auto& w : report["workloads"]) {
    CHECK(w["kv_transfers"]["transfers"].get<long>() == 1);
    CHECK(w["kv_transfers"]["time_mean_s"].get<double>() == Approx(shared_s).epsilon(1e-9));
  }
  const auto& uplinks = report["network"]["uplinks"];
  REQUIRE(uplinks.size() == 2);
  CHECK(uplinks[0]["bandwidth_bytes_per_s"].get<double>() == Approx(uplink).epsilon(1e-12));
  CHECK(uplinks[0]["bytes_up"].get<double>() == Approx(2 * kCall).epsilon(1e-12));
  CHECK(uplinks[0]["bytes_down"].get<double>() == 0);
  CHECK(uplinks[1]["bytes_down"].get<double>() == Approx(2 * kCall).epsilon(1e-12));

  // The same two transfers on the default star: each NIC alone, or two
  // caches through one NIC at half of it, but never the uplink's 1.5625e9.
  const auto star = run_report_json("net-share-star.yaml", topology_scenario("net-share", "", 2));
  for (const auto& w : star["workloads"])
    CHECK(w["kv_transfers"]["time_mean_s"].get<double>() <= kTwoNics + kCall / (kNic / 2) * (1 + 1e-9));
  CHECK_FALSE(star.contains("network"));
}

TEST_CASE("A transfer within a rack crosses the NICs only, not the uplink", "[network][cli]") {
  // One rack of 4 nodes behind an uplink of 4 x 6.25e9 / 100 = 0.25e9 B/s:
  // the cache goes from a prefill node to a decode node of the same rack at
  // the NIC's 6.25e9 B/s, and the uplink carries nothing.
  const std::string net = "  network: {topology: two_level, nodes_per_rack: 4, oversubscription: 100}\n";
  const auto report = run_report_json("net-rack.yaml", topology_scenario("net-rack", net, 1));
  const auto& w = report["workloads"][0];
  CHECK(w["kv_transfers"]["time_mean_s"].get<double>() == Approx(kTwoNics + kCall / kNic).epsilon(1e-9));
  const auto& uplinks = report["network"]["uplinks"];
  REQUIRE(uplinks.size() == 1);
  CHECK(uplinks[0]["nodes"].get<int>() == 4);
  CHECK(uplinks[0]["bandwidth_bytes_per_s"].get<double>() == Approx(4 * kNic / 100).epsilon(1e-12));
  CHECK(uplinks[0]["bytes_up"].get<double>() == 0);
  CHECK(uplinks[0]["bytes_down"].get<double>() == 0);
  CHECK(uplinks[0]["utilization_up"].get<double>() == 0);
}

TEST_CASE("racks: per_pool starts each pool's nodes in a rack of their own", "[network][cli]") {
  // Racks of 4 would hold all four nodes, and the cache would stay within
  // one (20.99 ms, as above). Per pool, the prefill pair and the decode
  // pair each fill a rack of 2, whose uplink carries 2 x 6.25e9 / 4 =
  // 3.125e9 B/s: 20 us + 131,072,000 B / 3.125e9 B/s, through both uplinks.
  const std::string net =
      "  network: {topology: two_level, nodes_per_rack: 4, oversubscription: 4, racks: per_pool}\n";
  const auto report = run_report_json("net-per-pool.yaml", topology_scenario("net-per-pool", net, 1));
  CHECK(report["workloads"][0]["kv_transfers"]["time_mean_s"].get<double>() ==
        Approx(kTwoNics + kCall / (2 * kNic / 4)).epsilon(1e-9));
  const auto& uplinks = report["network"]["uplinks"];
  REQUIRE(uplinks.size() == 2);
  CHECK(uplinks[0]["nodes"].get<int>() == 2);
  CHECK(uplinks[1]["nodes"].get<int>() == 2);
  CHECK(uplinks[0]["bytes_up"].get<double>() == Approx(kCall).epsilon(1e-12));
  CHECK(uplinks[1]["bytes_down"].get<double>() == Approx(kCall).epsilon(1e-12));
}

TEST_CASE("Link utilization is the bytes carried over bandwidth x window", "[network][cli]") {
  // One cache between racks of 2 (uplinks 3.125e9 B/s, oversubscription 4):
  // alone it runs at the uplink's rate, 20 us + 131,072,000 B / 3.125e9 B/s.
  const std::string net = "  network: {topology: two_level, nodes_per_rack: 2, oversubscription: 4}\n";
  const auto report = run_report_json("net-util.yaml", topology_scenario("net-util", net, 1));
  const double uplink = 2 * kNic / 4;
  CHECK(report["workloads"][0]["kv_transfers"]["time_mean_s"].get<double>() ==
        Approx(kTwoNics + kCall / uplink).epsilon(1e-9));
  const double t = window(report);
  REQUIRE(t > 0);
  const auto& n = report["network"];
  CHECK(n["topology"] == "two_level");
  CHECK(n["nodes_per_rack"].get<int>() == 2);
  CHECK(n["oversubscription"].get<double>() == 4);
  // The pools' NICs: two nodes each, 2 x 6.25e9 B/s each way.
  REQUIRE(n["nics"].size() == 2);
  const auto& pre = n["nics"][0];
  const auto& dec = n["nics"][1];
  CHECK(pre["name"] == "pre");
  CHECK(pre["kind"] == "pool");
  CHECK(pre["nics"].get<int>() == 2);
  CHECK(pre["bandwidth_bytes_per_s"].get<double>() == Approx(2 * kNic).epsilon(1e-12));
  CHECK(pre["bytes_sent"].get<double>() == Approx(kCall).epsilon(1e-12));
  CHECK(pre["bytes_received"].get<double>() == 0);
  CHECK(pre["utilization_sent"].get<double>() == Approx(kCall / (2 * kNic * t)).epsilon(1e-9));
  CHECK(dec["bytes_received"].get<double>() == Approx(kCall).epsilon(1e-12));
  CHECK(dec["utilization_received"].get<double>() == Approx(kCall / (2 * kNic * t)).epsilon(1e-9));
  const auto& up = n["uplinks"];
  CHECK(up[0]["utilization_up"].get<double>() == Approx(kCall / (uplink * t)).epsilon(1e-9));
  CHECK(up[1]["utilization_down"].get<double>() == Approx(kCall / (uplink * t)).epsilon(1e-9));
  CHECK(up[0]["utilization_down"].get<double>() == 0);

  // A declared star reports its NICs the same way, with no uplinks, and
  // runs the transfer exactly as the undeclared default does.
  const auto star =
      run_report_json("net-util-star.yaml", topology_scenario("net-util", "  network: {topology: star}\n", 1));
  const auto plain = run_report_json("net-util-plain.yaml", topology_scenario("net-util", "", 1));
  CHECK(star["network"]["uplinks"].empty());
  CHECK(star["network"]["nics"][0]["bytes_sent"].get<double>() == Approx(kCall).epsilon(1e-12));
  CHECK(star["workloads"] == plain["workloads"]);
  CHECK(star["pools"] == plain["pools"]);
}

TEST_CASE("A transfer under way when the window opens counts only its bytes inside the window", "[network][cli]") {
  // The cache of the case above, 131,072,000 B at the uplink's 3.125e9 B/s
  // after 20 us of latency, starts when the prefill ends: at the call's
  // first token less one decode iteration (the TPOT, within 0.1%: see
  // tests/test_disaggregation.cpp) less the transfer. A window opening
  // 20 ms later leaves (20 ms - 20 us) x 3.125e9 B/s = 62,437,500 B before
  // it; the rest, 68,634,500 B, is the window's.
  const std::string net = "  network: {topology: two_level, nodes_per_rack: 2, oversubscription: 4}\n";
  const auto whole = run_report_json("net-open.yaml", topology_scenario("net-open", net, 1));
  const auto& w = whole["workloads"][0];
  const double start = 3600 + w["ttft_s"]["mean"].get<double>() - w["tpot_s"]["mean"].get<double>() -
                       w["kv_transfers"]["time_mean_s"].get<double>();
  std::string text = topology_scenario("net-open", net, 1);
  text.replace(text.find("simulation: {sessions: 1}"), std::string::npos,
               fmt::format("simulation: {{sessions: 1, warmup: {:.9f}s}}\n", start + 0.02));
  const auto opened = run_report_json("net-open-warm.yaml", text);
  const double uplink = 2 * kNic / 4;
  const double inside = kCall - (0.02 - kTwoNics) * uplink;
  const auto& n = opened["network"];
  CHECK(n["nics"][0]["bytes_sent"].get<double>() == Approx(inside).epsilon(1e-3));
  CHECK(n["uplinks"][0]["bytes_up"].get<double>() == Approx(inside).epsilon(1e-3));
  CHECK(n["uplinks"][0]["utilization_up"].get<double>() == Approx(inside / (uplink * window(opened))).epsilon(1e-3));
}

TEST_CASE("A bad fleet.network is located, named and given a hint", "[network][cli][messages]") {
  const auto validate = [](const std::string& name, const std::string& network) {
    return run_fleetsim("validate '" + write_temp_file(name + ".yaml", topology_scenario(name, network, 1)) + "'");
  };
  const CliResult missing = validate("net-missing", "  network: {topology: two_level, oversubscription: 4}\n");
  CHECK(missing.exit_code != 0);
  CHECK_THAT(missing.err, Contains("fleet.network") && Contains("nodes_per_rack"));
  const CliResult star = validate("net-star-racks", "  network: {topology: star, nodes_per_rack: 4}\n");
  CHECK(star.exit_code != 0);
  CHECK_THAT(star.err, Contains("a star has none of") && Contains("topology: two_level"));
  const CliResult below = validate("net-below", "  network: {topology: two_level, nodes_per_rack: 2, "
                                                "oversubscription: 0.5}\n");
  CHECK(below.exit_code != 0);
  CHECK_THAT(below.err, Contains("fleet.network.oversubscription"));
  const CliResult racks = validate("net-star-sharing", "  network: {racks: per_pool}\n");
  CHECK(racks.exit_code != 0);
  CHECK_THAT(racks.err, Contains("fleet.network.racks"));
  const CliResult word = validate("net-word", "  network: {topology: fat_tree}\n");
  CHECK(word.exit_code != 0);
  CHECK_THAT(word.err, Contains("fat_tree"));
  // No KV caches cross the network of a fleet without roles or stores.
  const CliResult none = run_fleetsim(
      "validate '" +
      write_temp_file("net-none.yaml",
                      "name: net-none\n"
                      "fleet:\n"
                      "  pools: [{name: gpu, hardware: h100-p5.48xlarge, count: 1, models: [llama-3.1-8b]}]\n"
                      "  network: {topology: star}\n"
                      "workloads:\n"
                      "  - name: w\n"
                      "    arrivals: {process: constant, rate: 1/h}\n"
                      "    steps: [{llm: {model: llama-3.1-8b, prompt_tokens: 10, output_tokens: 1}}]\n"
                      "simulation: {sessions: 1}\n") +
      "'");
  CHECK(none.exit_code != 0);
  CHECK_THAT(none.err, Contains("no KV cache crosses a network in this fleet"));
}
