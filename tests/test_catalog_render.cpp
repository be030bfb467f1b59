#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/catalog_render.hpp"
#include "support/cli_runner.hpp"

using fleetsim::Catalog;
using fleetsim::DataType;
using fleetsim::DeviceKind;
using fleetsim::HardwareSpec;
using fleetsim::ModelSpec;
using fleetsim::testing::contains;

namespace {

Catalog small_catalog() {
  HardwareSpec gpu;
  gpu.name = "h100-test";
  gpu.description = "8x H100, for tests";
  gpu.instance = "p5.48xlarge";
  gpu.kind = DeviceKind::gpu;
  gpu.devices = 8;
  gpu.peak_flops = {{DataType::bf16, 989e12}, {DataType::fp8, 1979e12}};
  gpu.memory_bandwidth_bps = 3.35e12;
  gpu.memory_capacity_bytes = 80e9;
  gpu.interconnect_latency_s = 5e-6;
  gpu.device_power = {140.0, 380.0, 700.0};
  gpu.host_power_w = 1500.0;
  gpu.price_per_hour_usd = 55.04;
  gpu.price_date = "2025-06";
  gpu.sources = {{"peak_flops", "NVIDIA H100 datasheet"}, {"price_per_hour", "AWS price list"}};

  HardwareSpec cpu;
  cpu.name = "graviton-test";
  cpu.kind = DeviceKind::cpu;
  cpu.devices = 2;
  cpu.cores_per_device = 96;
  cpu.clock_hz = 2.7e9;
  cpu.peak_flops = {{DataType::bf16, 16.6e12}, {DataType::int8, 33.2e12}};
  cpu.memory_bandwidth_bps = 537.6e9;
  cpu.memory_capacity_bytes = 192e9;
  cpu.price_per_hour_usd = 7.65696;
  cpu.sources = {{"memory_bandwidth", "AWS Graviton4 technical guide"}};

  ModelSpec dense;
  dense.name = "llama-test-8b";
  dense.params_total = dense.params_active = 8.03e9;
  dense.layers = 32;
  dense.hidden_size = 4096;
  dense.attention_heads = 32;
  dense.kv_heads = 8;
  dense.head_dim = 128;
  dense.sources = {{"layers", "config.json, \"num_hidden_layers\""}};

  ModelSpec moe = dense;
  moe.name = "moe-test";
  moe.params_total = 671e9;
  moe.params_active = 37e9;
  moe.weight_dtype = DataType::fp8;
  moe.sources = {};

  return Catalog({gpu, cpu}, {dense, moe});
}

}  // namespace

TEST_CASE("Catalog table lists every entry, its figures and its sources", "[catalog][render]") {
  const std::string t = fleetsim::render_catalog_table(small_catalog());
  INFO(t);
  CHECK(contains(t, "h100-test"));
  CHECK(contains(t, "graviton-test"));
  CHECK(contains(t, "llama-test-8b"));
  CHECK(contains(t, "moe-test"));

  CHECK(contains(t, "1,979"));   // fp8 TFLOPS
  CHECK(contains(t, "16.6"));    // CPU bf16 TFLOPS
  CHECK(contains(t, "3,350"));   // GB/s
  CHECK(contains(t, "55.04"));   // $/h
  CHECK(contains(t, "671B (37.0B active)"));
  CHECK(contains(t, "15.0"));    // 8.03e9 x 2 bytes = 14.96 GiB
  CHECK(contains(t, "128"));     // KiB of KV per token

  CHECK(contains(t, "peak_flops: NVIDIA H100 datasheet"));
  CHECK(contains(t, "price_per_hour: AWS price list"));
  CHECK(contains(t, "memory_bandwidth: AWS Graviton4 technical guide"));
  CHECK(contains(t, "layers: config.json, \"num_hidden_layers\""));
  CHECK(contains(t, "(no sources recorded)"));
}

TEST_CASE("Catalog JSON carries every field in SI units", "[catalog][render]") {
  const std::string text = fleetsim::render_catalog_json(small_catalog());
  REQUIRE(text.back() == '\n');
  const auto j = nlohmann::json::parse(text);
  CHECK(j["schema"] == "fleetsim.catalog/1");
  REQUIRE(j["hardware"].size() == 2);
  const auto& h = j["hardware"][0];
  CHECK(h["name"] == "h100-test");
  CHECK(h["kind"] == "gpu");
  CHECK(h["devices"] == 8);
  CHECK(h["peak_flop_per_s"]["fp8"].get<double>() == 1979e12);
  CHECK_FALSE(h["peak_flop_per_s"].contains("int8"));
  CHECK(h["memory_bandwidth_bytes_per_s"].get<double>() == 3.35e12);
  CHECK(h["interconnect_latency_s"].get<double>() == 5e-6);
  CHECK(h["device_power"]["compute_bound_w"].get<double>() == 700.0);
  CHECK(h["price_per_hour_usd"].get<double>() == 55.04);
  CHECK(h["sources"]["peak_flops"] == "NVIDIA H100 datasheet");
  CHECK(j["hardware"][1]["cores_per_device"] == 96);
  CHECK(j["hardware"][1]["clock_hz"].get<double>() == 2.7e9);

  REQUIRE(j["models"].size() == 2);
  const auto& m = j["models"][0];
  CHECK(m["name"] == "llama-test-8b");
  CHECK(m["kv_heads"] == 8);
  CHECK(m["weight_dtype"] == "bf16");
  CHECK(m["weight_bytes"].get<double>() == 8.03e9 * 2);
  CHECK(m["kv_bytes_per_token"].get<double>() == 131072.0);
  CHECK(m["sources"]["layers"] == "config.json, \"num_hidden_layers\"");
  CHECK(j["models"][1]["weight_dtype"] == "fp8");
  CHECK(j["models"][1]["sources"].empty());

  CHECK(text == fleetsim::render_catalog_json(small_catalog()));
}

TEST_CASE("Built-in catalog renders every entry with its sources", "[catalog][render]") {
  const Catalog& catalog = Catalog::builtin();
  const std::string table = fleetsim::render_catalog_table(catalog);
  const auto json = nlohmann::json::parse(fleetsim::render_catalog_json(catalog));
  REQUIRE(json["hardware"].size() == catalog.hardware().size());
  REQUIRE(json["models"].size() == catalog.models().size());
  for (std::size_t i = 0; i < catalog.hardware().size(); ++i) {
    const HardwareSpec& h = catalog.hardware()[i];
    CHECK(contains(table, h.name));
    CHECK(json["hardware"][i]["name"] == h.name);
    for (const auto& [field, source] : h.sources) {
      CHECK(contains(table, field + ": " + source));
      CHECK(json["hardware"][i]["sources"][field] == source);
    }
  }
  for (std::size_t i = 0; i < catalog.models().size(); ++i) {
    const ModelSpec& m = catalog.models()[i];
    CHECK(contains(table, m.name));
    CHECK(json["models"][i]["name"] == m.name);
    for (const auto& [field, source] : m.sources) {
      CHECK(contains(table, field + ": " + source));
      CHECK(json["models"][i]["sources"][field] == source);
    }
  }
}

namespace {

// The JSON with every "sources" member taken out, at any depth.
nlohmann::json without_sources_members(nlohmann::json j) {
  if (j.is_object()) {
    j.erase("sources");
    for (auto& [key, value] : j.items()) value = without_sources_members(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = without_sources_members(value);
  }
  return j;
}

}  // namespace

TEST_CASE("The built-in catalog read without its sources has every figure of the whole one",
          "[catalog][render]") {
  const Catalog& whole = Catalog::builtin();
  const Catalog& figures = Catalog::builtin_figures();
  const auto whole_json = nlohmann::json::parse(fleetsim::render_catalog_json(whole));
  const auto figures_json = nlohmann::json::parse(fleetsim::render_catalog_json(figures));
  CHECK(without_sources_members(whole_json) == without_sources_members(figures_json));
  REQUIRE(figures.hardware().size() == whole.hardware().size());
  for (std::size_t i = 0; i < whole.hardware().size(); ++i) {
    CHECK_FALSE(whole.hardware()[i].sources.empty());
    CHECK(figures.hardware()[i].sources.empty());
  }
  for (const auto& s : figures.stacks()) CHECK(s.sources.empty());
  for (const auto& m : figures.models()) CHECK(m.sources.empty());
}
