// An output head stored apart from the layers and the embedding
// (ModelSpec::head_storage): llama.cpp writes a GGUF file's output tensor in
// Q6_K for Q4_0 and the K-quant mixes, so a 4.5-bit file streams a 6.56-bit
// head with every decode step. Each term is checked against a hand
// computation (docs/performance-model.md section 2).
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "fleetsim/io/weight_format.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::keys_scenario;
using fleetsim::testing::messages;

namespace {

constexpr double kQ6kBits = 6.5625;
// Llama-3.2-1B: 1.236e9 weights, its embedding tied to the head, 128,256 x 2,048.
constexpr double kHead1b = 128256.0 * 2048.0;
constexpr double kParams1b = 1.236e9;

ModelSpec llama_1b_q4_0() {
  ModelSpec m = fleetsim::testing::llama_8b();
  m.params_total = m.params_active = kParams1b;
  m.layers = 16;
  m.hidden_size = 2048;
  m.vocab_size = 128256;
  m.tied_embeddings = true;
  m.weight_format = "q4_0";
  m.weight_dtype = DataType::int4;
  m.bits_per_weight = 4.5;
  m.head_storage = ModelSpec::HeadStorage{"q6_k", DataType::int8, kQ6kBits};
  return m;
}

// The one model a scenario of the test catalog's llama-3.1-8b with `keys` defines.
ModelSpec loaded_model(const std::string& keys) {
  const LoadResult r =
      load_scenario_text(keys_scenario(keys), "h.yaml", fleetsim::testing::catalog());
  INFO(messages(r));
  REQUIRE(r.ok());
  return r.scenario->models.at(0);
}

}  // namespace

TEST_CASE("A Q4_0 file's Q6_K head: memory, the bytes a decode step streams", "[roofline][head_format]") {
  const ModelSpec m = llama_1b_q4_0();
  const double layers = kParams1b - kHead1b;  // 0.973e9 at 4.5 bits
  CHECK(m.head_bytes_per_weight() == Approx(kQ6kBits / 8));
  CHECK(m.head_bytes() == Approx(kHead1b * kQ6kBits / 8));  // 215.5 MB
  // Tied: the one matrix is counted once, at the head's bits.
  CHECK(m.weight_bytes() == Approx(layers * 4.5 / 8 + kHead1b * kQ6kBits / 8));  // 0.763e9, not 0.695e9
  CHECK(m.weight_bytes_read(1) == Approx(layers * 4.5 / 8 + kHead1b * kQ6kBits / 8));

  // Untied (Llama-3.1-8B): the embedding is looked up in the layers' format,
  // only the head is Q6_K.
  ModelSpec untied = fleetsim::testing::llama_8b();
  untied.vocab_size = 128256;
  untied.bits_per_weight = 4.5;
  untied.weight_dtype = DataType::int4;
  untied.head_storage = ModelSpec::HeadStorage{"q6_k", DataType::int8, kQ6kBits};
  const double head = 128256.0 * 4096.0;
  CHECK(untied.weight_bytes() == Approx((8.03e9 - head) * 4.5 / 8 + head * kQ6kBits / 8));
  CHECK(untied.weight_bytes_read(1) == Approx((8.03e9 - 2 * head) * 4.5 / 8 + head * kQ6kBits / 8));

  // A decode step on a CPU socket streams both at the achieved bandwidth.
  const HardwareSpec cpu = fleetsim::testing::graviton_socket();
  RooflineModel model(m, cpu, EngineSettings{});
  IterationShape decode;
  decode.decode_seqs = 1;
  const IterationCost c = model.cost(decode);
  CHECK(c.bytes == Approx(layers * 4.5 / 8 + kHead1b * kQ6kBits / 8 + m.kv_bytes_per_token()));
}

TEST_CASE("The head's product runs its own format's kernel on a CPU, not the layers' repacked one", "[roofline][head_format]") {
  ModelSpec m = llama_1b_q4_0();
  m.weight_format = "q4_0_8_8";
  const HardwareSpec cpu = fleetsim::testing::graviton_socket();
  EngineSettings engine;
  engine.format_efficiency = {{"q4_0_8_8", 2.0}};
  // A prompt of 512 tokens samples one row of the head.
  const IterationShape prompt = fleetsim::testing::one_prompt(512);
  const double layers = kParams1b - kHead1b;
  const double rate = RooflineModel(m, cpu, EngineSettings{}).cost(prompt).linear_compute_s /
                      (2 * layers * 512 + 2 * kHead1b);  // seconds per FLOP, no kernel factor
  const IterationCost c = RooflineModel(m, cpu, engine).cost(prompt);
  CHECK(c.linear_compute_s == Approx(2 * layers * 512 * rate / 2.0 + 2 * kHead1b * rate));

  // A stack that lists the head's format gives the head that factor.
  engine.format_efficiency["q6_k"] = 4.0;
  const IterationCost listed = RooflineModel(m, cpu, engine).cost(prompt);
  CHECK(listed.linear_compute_s == Approx(2 * layers * 512 * rate / 2.0 + 2 * kHead1b * rate / 4.0));
}

TEST_CASE("head_format comes with a GGUF format, is reset by weight_dtype and vocab_dtype, and can be given", "[loader][head_format]") {
  auto head_of = [](const std::string& keys) {
    const auto stored = loaded_model("    vocab_size: 128256\n" + keys).head_storage;
    return stored ? stored->format : std::string("none");
  };
  CHECK(head_of("    weight_format: q4_0\n") == "q6_k");
  CHECK(head_of("    weight_format: q4_k_m\n") == "q6_k");
  CHECK(head_of("    weight_format: q8_0\n") == "none");  // llama.cpp keeps a Q8_0 file's head in Q8_0
  CHECK(head_of("    weight_format: fp8\n") == "none");   // a 16-bit head: vocab_dtype's business
  CHECK(head_of("    weight_dtype: int4\n") == "none");
  CHECK(head_of("    weight_format: q4_0\n    vocab_dtype: bf16\n") == "none");
  CHECK(head_of("    weight_format: q4_0\n    head_format: q8_0\n") == "q8_0");  // --output-tensor-type q8_0
  CHECK(head_of("    weight_format: fp8\n    head_format: fp8\n") == "fp8");

  const ModelSpec q8_head = loaded_model("    vocab_size: 128256\n    weight_format: q4_0\n    head_format: q8_0\n");
  CHECK(q8_head.head_bytes() == Approx(128256.0 * 4096 * 8.5 / 8));
  CHECK(q8_head.head_dtype() == DataType::int8);
}

TEST_CASE("head_format is checked: a known format, and a vocabulary to apply to", "[loader][head_format]") {
  const auto& cat = fleetsim::testing::catalog();
  const LoadResult word =
      load_scenario_text(keys_scenario("    vocab_size: 128256\n    head_format: q6k\n"), "h.yaml", cat);
  REQUIRE_FALSE(word.ok());
  CHECK_THAT(messages(word), Contains("did you mean \"q6_k\"?"));

  // The test catalog's llama-3.1-8b gives no vocabulary of its own.
  const LoadResult none = load_scenario_text(keys_scenario("    head_format: q6_k\n"), "h.yaml", cat);
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(messages(none), Contains("head_format needs the model's vocab_size"));
}

TEST_CASE("The built-in GGUF formats whose files keep a Q6_K head say so, with a source", "[catalog][head_format]") {
  const auto& formats = builtin_weight_formats();
  for (const WeightFormat& f : formats) {
    INFO(f.name);
    const bool gguf_below_q6 = f.name == "q4_0" || f.name == "q4_0_8_8" || f.name == "q4_k_m" || f.name == "q5_k_m";
    CHECK((f.head && f.head->format == "q6_k") == gguf_below_q6);
    CHECK(f.head.has_value() == gguf_below_q6);
    if (f.head) {
      CHECK(f.sources.count("head_format") == 1);
      CHECK(std::any_of(formats.begin(), formats.end(), [&](const WeightFormat& g) { return g.name == f.head->format; }));
    }
  }
}
