// CPU replicas sharing a socket (replicas_per_node above the node's sockets,
// `threads` each): how many share, what each gets of the socket's bandwidth,
// memory and power, by hand; the loader's checks; and a run in which each of
// the replicas serves a call at once.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "fleetsim/core/power_model.hpp"
#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "support/call_log.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::catalog;
using fleetsim::testing::messages;

namespace {

// One Graviton-like socket of 96 cores, 537.6 GB/s at efficiency 0.4.
HardwareSpec one_socket() {
  HardwareSpec h = testing::graviton_socket();
  h.devices = 1;
  return h;
}

EngineSettings split(int replicas, int threads) {
  EngineSettings e;
  e.replicas_per_node = replicas;
  e.threads = threads;
  return e;
}

std::string split_scenario(const std::string& pool_hardware, const std::string& engine) {
  return "name: split\nmodels:\n  m:\n    catalog: llama-3.1-8b\n"
         "fleet:\n  pools:\n    - {name: p, hardware: " +
         pool_hardware + ", count: 1, models: [m], engine: " + engine +
         "}\nworkloads:\n  - name: w\n    arrivals: {rate: 1/s}\n    steps: [{llm: {model: m, output_tokens: 4}}]\n"
         "simulation: {duration: 1h}\n";
}

}  // namespace

TEST_CASE("Replicas per socket: replicas x tensor_parallel over the sockets, CPUs only", "[cpu][split]") {
  CHECK(replicas_per_device(one_socket(), split(12, 8)) == 12);
  CHECK(replicas_per_device(one_socket(), split(1, 96)) == 1);
  CHECK(replicas_per_device(one_socket(), EngineSettings{}) == 1);  // replicas_per_node unset
  CHECK(replicas_per_device(testing::graviton_socket(), split(4, 48)) == 2);  // two sockets
  EngineSettings two_socket_replicas = split(4, 96);
  two_socket_replicas.tensor_parallel = 2;
  CHECK(replicas_per_device(testing::graviton_socket(), two_socket_replicas) == 4);
  EngineSettings gpu = split(8, 0);
  CHECK(replicas_per_device(testing::h100_node(), gpu) == 1);
}

TEST_CASE("Replicas sharing a socket split its bandwidth limit, not their cores' reach", "[cpu][split][roofline]") {
  HardwareSpec hw = one_socket();
  const double socket = 537.6e9 * 0.4;
  // Without a per-core rate the core-proportional share already divides the
  // socket: 12 replicas of 8 cores get 8/96 each, as one replica of 8 did.
  CHECK(device_share(hw, split(12, 8)).achieved_bandwidth_bps == Approx(socket * 8 / 96));
  CHECK(device_share(hw, split(12, 8)).compute_fraction == Approx(8.0 / 96));

  // With one, each replica's limit is its twelfth of the socket: the smooth
  // minimum (p = 2) of 8 cores x 20 GB/s = 160 GB/s and 215 / 12 GB/s.
  hw.core_bandwidth_bps = 20e9;
  const double reach = 8 * 20e9, part = socket / 12;
  CHECK(device_share(hw, split(12, 8)).achieved_bandwidth_bps ==
        Approx(1.0 / std::sqrt(1.0 / (reach * reach) + 1.0 / (part * part))));
  // One replica on the same 8 cores, alone on the socket, is limited by its cores.
  EngineSettings alone;
  alone.threads = 8;
  CHECK(device_share(hw, alone).achieved_bandwidth_bps ==
        Approx(1.0 / std::sqrt(1.0 / (reach * reach) + 1.0 / (socket * socket))));
}

TEST_CASE("Replicas sharing a socket each hold their weights in their part of its memory", "[cpu][split][kv]") {
  const HardwareSpec hw = one_socket();  // 192 GB
  EngineSettings e = split(4, 24);
  e.memory_fraction = 0.9;
  e.activation_reserve_bytes = 1e9;
  const ModelSpec model = testing::llama_8b();
  const KvCapacity k = kv_capacity(model, hw, e);
  CHECK(k.usable_bytes == Approx(192e9 / 4 * 0.9 - 1e9));
  CHECK(k.kv_bytes == Approx(192e9 / 4 * 0.9 - 1e9 - model.weight_bytes()));
}

TEST_CASE("A replica sharing its socket draws its share of the socket's power above idle", "[cpu][split][power]") {
  const DevicePower socket{40.0, 100.0, 120.0};
  const PowerModel whole(socket, 1), twelfth(socket, 1, 1.0 / 12);
  // 1 s memory-bound: (100 - 40) W for a whole socket, a twelfth of it shared.
  CHECK(whole.dynamic_energy_j(1.0, 0.0, 1.0) == Approx(60.0));
  CHECK(twelfth.dynamic_energy_j(1.0, 0.0, 1.0) == Approx(5.0));
  CHECK(twelfth.dynamic_energy_j(1.0, 1.0, 0.0) == Approx(80.0 / 12));
}

TEST_CASE("replicas_per_node beyond the sockets: threads that fit, shared evenly, CPUs only", "[cpu][split][loader]") {
  // Two sockets of 96 cores and 192 GB: 8 replicas of 24 threads, 4 per socket.
  const LoadResult ok =
      load_scenario_text(split_scenario("cpu", "{threads: 24, replicas_per_node: 8}"), "s.yaml", catalog());
  INFO(messages(ok));
  REQUIRE(ok.ok());
  CHECK(ok.scenario->pools.at(0).replicas_per_node() == 8);

  const LoadResult too_many_threads =
      load_scenario_text(split_scenario("cpu", "{threads: 25, replicas_per_node: 8}"), "s.yaml", catalog());
  CHECK_FALSE(too_many_threads.ok());
  CHECK_THAT(messages(too_many_threads), Contains("4 replicas on each socket"));
  CHECK_THAT(messages(too_many_threads), Contains("set engine.threads to at most 24"));

  // 12 per socket: 16 GB of bf16 weights do not fit a twelfth of 192 GB at 0.9.
  const LoadResult crowded =
      load_scenario_text(split_scenario("cpu", "{threads: 8, replicas_per_node: 24}"), "s.yaml", catalog());
  CHECK_FALSE(crowded.ok());
  CHECK_THAT(messages(crowded), Contains("the 1/12 of a socket each of its replicas has"));
  CHECK_THAT(messages(crowded), Contains("fewer replicas_per_node (12 share each socket's memory now)"));
  // A larger tensor_parallel with the same replicas_per_node shares each
  // socket among as many more replicas, so a replica's memory stays the same:
  // the hint must not offer one.
  CHECK_THAT(messages(crowded), !Contains("tensor_parallel: 2"));

  const LoadResult no_threads =
      load_scenario_text(split_scenario("cpu", "{replicas_per_node: 4}"), "s.yaml", catalog());
  CHECK_FALSE(no_threads.ok());
  CHECK_THAT(messages(no_threads), Contains("threads not set: every core"));

  const LoadResult uneven = load_scenario_text(split_scenario("cpu", "{threads: 8, replicas_per_node: 5}"), "s.yaml", catalog());
  CHECK_FALSE(uneven.ok());
  CHECK_THAT(messages(uneven), Contains("do not share the 2 sockets"));
  CHECK_THAT(messages(uneven), Contains("use a multiple of 2 replicas"));

  const LoadResult gpu = load_scenario_text(split_scenario("gpu", "{replicas_per_node: 9}"), "s.yaml", catalog());
  CHECK_FALSE(gpu.ok());
  CHECK_THAT(messages(gpu), Contains("need 9 devices"));
}

namespace {

std::string split_run(const std::string& engine, int sessions) {
  return "name: split-run\n"
         "models:\n  m3b: {catalog: llama-3.2-3b, weight_format: q8_0}\n"
         "fleet:\n  pools:\n"
         "    - {name: cpu, hardware: graviton4-c8g.48xlarge, count: 1, models: [m3b], engine: " +
         engine +
         "}\n"
         "workloads:\n"
         "  - name: w\n"
         "    arrivals: {process: constant, rate: 100000/s}\n"
         "    steps: [{llm: {model: m3b, prompt_tokens: 512, output_tokens: 64}}]\n"
         "simulation: {sessions: " +
         std::to_string(sessions) + "}\n";
}

// Per call: its prefill (first token - scheduled) and its decode (finished - first token).
std::vector<std::pair<double, double>> service_times(const std::string& name, const std::string& scenario_text) {
  std::vector<std::pair<double, double>> out;
  for (const auto& row : fleetsim::testing::call_log_of(name, scenario_text)) {
    const double scheduled = std::stod(row.at("scheduled_s")), first = std::stod(row.at("first_token_s"));
    out.emplace_back(first - scheduled, std::stod(row.at("finished_s")) - first);
  }
  return out;
}

}  // namespace

TEST_CASE("24 replicas of 8 threads on two sockets serve 24 calls at once, each as fast as one such replica alone",
          "[cpu][split][end_to_end]") {
  // Without a per-core rate each replica gets 8/96 of a socket's FLOP/s and
  // bandwidth whether or not others share the socket, so every call of the
  // split node takes what a single 8-thread replica's call takes.
  const auto alone = service_times("split-alone", split_run("{stack: llama.cpp, threads: 8, replicas_per_node: 2}", 1));
  const auto split = service_times("split-24", split_run("{stack: llama.cpp, threads: 8, replicas_per_node: 24}", 24));
  REQUIRE(alone.size() == 1);
  REQUIRE(split.size() == 24);
  for (const auto& [prefill, decode] : split) {
    CHECK(prefill == Approx(alone[0].first).epsilon(1e-9));
    CHECK(decode == Approx(alone[0].second).epsilon(1e-9));
  }
}
