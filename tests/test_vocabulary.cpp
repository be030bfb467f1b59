// The vocabulary's two matrices (docs/performance-model.md section 2): the
// input embedding is a lookup and the output head runs only for the rows that
// sample, each term checked against a hand computation; a quantized
// checkpoint keeps the two in 16 bits (ModelSpec::vocab_dtype).
#include <catch2/catch.hpp>

#include <string>

#include "fleetsim/core/roofline_model.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/scenario_loader.hpp"
#include "fleetsim/io/weight_format.hpp"
#include "support/fixtures.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using Catch::Matchers::Contains;
using fleetsim::testing::keys_scenario;
using fleetsim::testing::messages;

namespace {

// Llama-3.1-8B's vocabulary: 128,256 x 4,096 = 525,336,576 weights per matrix.
constexpr double kHead8b = 128256.0 * 4096.0;

ModelSpec llama_8b_with_vocabulary() {
  ModelSpec m = fleetsim::testing::llama_8b();
  m.vocab_size = 128256;
  return m;
}

// A GPU whose matrices join as a plain maximum, so each term reads off alone.
HardwareSpec plain_roofline_gpu() {
  HardwareSpec h = fleetsim::testing::h100_node();
  h.matmul_knee = 0.0;
  return h;
}

// A whole prompt of `tokens` from position 0 in one chunk; `samples` says
// whether it is the prompt's last chunk, which samples a token.
IterationShape prompt_chunk(double tokens, bool samples) {
  IterationShape s;
  s.prefill_tokens = tokens;
  s.prefill_attention_pairs = tokens * (tokens + 1.0) / 2.0;
  s.prefill_seqs = 1;
  s.prefill_outputs = samples ? 1 : 0;
  return s;
}


}  // namespace

TEST_CASE("The layers' weights are params_active less the embedding and the head", "[roofline][vocabulary]") {
  ModelSpec untied = llama_8b_with_vocabulary();
  CHECK(untied.head_params() == Approx(kHead8b));
  CHECK(untied.lookup_params() == Approx(kHead8b));
  CHECK(untied.body_params_active() == Approx(8.03e9 - 2 * kHead8b));  // 6.979e9

  // Llama-3.2-3B ties the two: one matrix of 128,256 x 3,072, counted once.
  ModelSpec tied = fleetsim::testing::llama_8b();
  tied.params_total = tied.params_active = 3.21e9;
  tied.hidden_size = 3072;
  tied.vocab_size = 128256;
  tied.tied_embeddings = true;
  CHECK(tied.lookup_params() == 0.0);
  CHECK(tied.body_params_active() == Approx(3.21e9 - 128256.0 * 3072));

  // No vocabulary given: every weight is a layer's, as before.
  const ModelSpec plain = fleetsim::testing::llama_8b();
  CHECK(plain.head_params() == 0.0);
  CHECK(plain.body_params_active() == plain.params_active);
  CHECK(plain.weight_bytes_read(1) == Approx(8.03e9 * 2));
}

TEST_CASE("A prompt multiplies its layers for every token and the head for its last", "[roofline][vocabulary]") {
  const ModelSpec m = llama_8b_with_vocabulary();
  RooflineModel model(m, plain_roofline_gpu(), EngineSettings{});
  const IterationCost c = model.cost(prompt_chunk(512, true));
  const double body = 8.03e9 - 2 * kHead8b;
  const double attention = 4.0 * 32 * 4096 * 512.0 * 513.0 / 2.0;
  CHECK(c.flops == Approx(2 * body * 512 + 2 * kHead8b * 1 + attention));
  // 13% fewer FLOPs than 2 x params_active per token.
  CHECK((2 * body * 512 + 2 * kHead8b) / (2 * 8.03e9 * 512) == Approx(0.869).epsilon(0.001));
  // Bytes: the body and the head, not the embedding table; 512 tokens of KV written.
  CHECK(c.bytes == Approx((body + kHead8b) * 2 + 512 * fleetsim::testing::kKvBytesPerToken));
  // One device at 989 TFLOPS x 0.6 and 3.35 TB/s x 0.8: the body is compute
  // bound, the head (one row) memory bound, and their times add.
  const double flops_per_s = 989e12 * 0.6, bytes_per_s = 3.35e12 * 0.8;
  const double body_s = std::max(2 * body * 512 / flops_per_s, body * 2 / bytes_per_s);
  const double head_s = std::max(2 * kHead8b / flops_per_s, kHead8b * 2 / bytes_per_s);
  CHECK(head_s == Approx(kHead8b * 2 / bytes_per_s));
  CHECK(c.linear_s == Approx(body_s + head_s));
}

TEST_CASE("A prompt chunk that samples nothing neither multiplies nor reads the head", "[roofline][vocabulary]") {
  const ModelSpec m = llama_8b_with_vocabulary();
  RooflineModel model(m, plain_roofline_gpu(), EngineSettings{});
  const IterationCost c = model.cost(prompt_chunk(256, false));  // more of the prompt follows
  const double body = 8.03e9 - 2 * kHead8b;
  CHECK(c.flops == Approx(2 * body * 256 + 4.0 * 32 * 4096 * 256.0 * 257.0 / 2.0));
  CHECK(c.bytes == Approx(body * 2 + 256 * fleetsim::testing::kKvBytesPerToken));
}

TEST_CASE("A decode step multiplies body and head for every sequence, as one join", "[roofline][vocabulary]") {
  const ModelSpec m = llama_8b_with_vocabulary();
  HardwareSpec knee = fleetsim::testing::h100_node();
  knee.matmul_knee = 1.5;
  RooflineModel model(m, knee, EngineSettings{});
  IterationShape decode;
  decode.decode_seqs = 64;
  const IterationCost c = model.cost(decode);
  const double matrices = 8.03e9 - kHead8b;  // body + head, no lookup table
  CHECK(c.flops == Approx(2 * matrices * 64 + 4.0 * 32 * 4096 * 64));
  CHECK(c.linear_compute_s == Approx(2 * matrices * 64 / (989e12 * 0.6)));
  CHECK(c.linear_memory_s == Approx(matrices * 2 / (3.35e12 * 0.8)));
  // Body and head have the same rows, and the join is homogeneous: the two
  // joins add up to the join of the sums.
  CHECK(c.linear_s == Approx(matmul_time(c.linear_compute_s, c.linear_memory_s, 1.5)));
  // The closed-form decode run agrees with cost() of its first step.
  const RooflineModel::DecodeTerms t = model.decode_terms({64, 0});
  CHECK(t.linear == Approx(c.linear_s));
}

TEST_CASE("A mixture of experts takes the embedding and head out of its shared weights", "[roofline][vocabulary]") {
  ModelSpec m = fleetsim::testing::llama_8b();
  m.params_total = 46.7e9;
  m.params_active = 12.9e9;
  m.experts = 8;
  m.experts_per_token = 2;
  m.vocab_size = 32000;
  const double table = 32000.0 * 4096;
  const double routed = (46.7e9 - 12.9e9) * 8.0 / 6.0;
  // One token: the shared layers, its two experts and the head.
  CHECK(m.body_bytes_read(1) == Approx((46.7e9 - routed - 2 * table + routed * 0.25) * 2));
  CHECK(m.weight_bytes_read(1) == Approx((12.9e9 - table) * 2));
  CHECK(m.body_params_active() == Approx(12.9e9 - 2 * table));
}

TEST_CASE("vocab_size and tied_embeddings are read, and checked against the weights", "[loader][vocabulary]") {
  const auto& cat = fleetsim::testing::catalog();
  const LoadResult r =
      load_scenario_text(keys_scenario("    vocab_size: 128256\n    tied_embeddings: true\n", "gpu"), "v.yaml", cat);
  INFO(messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->models.at(0).vocab_size == 128256);
  CHECK(r.scenario->models.at(0).tied_embeddings);

  // 4e6 x 4,096 x 2 = 32.8e9 weights: more than the model has.
  const LoadResult big = load_scenario_text(keys_scenario("    vocab_size: 4000000\n", "gpu"), "v.yaml", cat);
  REQUIRE_FALSE(big.ok());
  CHECK_THAT(messages(big), Contains("v.yaml:5:17"));
  CHECK_THAT(messages(big), Contains("leave nothing of params_active"));

  const LoadResult word = load_scenario_text(keys_scenario("    tied_embeddings: maybe\n", "gpu"), "v.yaml", cat);
  REQUIRE_FALSE(word.ok());
  CHECK_THAT(messages(word), Contains("tied_embeddings"));
}

TEST_CASE("The built-in models give their vocabularies", "[catalog][vocabulary]") {
  const Catalog& cat = Catalog::builtin();
  for (const char* name : {"llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"}) {
    INFO(name);
    REQUIRE(cat.find_model(name));
    CHECK(cat.find_model(name)->vocab_size == 128256);
    CHECK_FALSE(cat.find_model(name)->tied_embeddings);
  }
  REQUIRE(cat.find_model("llama-3.2-3b"));
  CHECK(cat.find_model("llama-3.2-3b")->tied_embeddings);
  REQUIRE(cat.find_model("mixtral-8x7b"));
  CHECK(cat.find_model("mixtral-8x7b")->vocab_size == 32000);
  for (const ModelSpec& m : cat.models()) {
    INFO(m.name);
    CHECK(m.sources.count("vocab_size") == 1);
    CHECK(m.body_params_active() > 0.8 * m.params_active);
  }
}

TEST_CASE("An FP8 checkpoint's 16-bit embedding and head: memory, the head's reads and its rate", "[roofline][vocabulary]") {
  ModelSpec m = llama_8b_with_vocabulary();
  m.weight_dtype = DataType::fp8;
  m.vocab_dtype = DataType::bf16;
  const double layers = 8.03e9 - 2 * kHead8b;  // 6.979e9 at one byte
  CHECK(m.vocab_bytes_per_weight() == 2.0);
  CHECK(m.weight_bytes() == Approx(layers * 1 + 2 * kHead8b * 2));  // 9.08e9, not 8.03e9
  CHECK(m.head_bytes() == Approx(kHead8b * 2));
  CHECK(m.weight_bytes_read(1) == Approx(layers * 1 + kHead8b * 2));  // the lookup table is not read

  RooflineModel model(m, plain_roofline_gpu(), EngineSettings{});
  IterationShape decode;
  decode.decode_seqs = 64;
  const IterationCost c = model.cost(decode);
  // The layers on the fp8 units (1,979 TFLOPS), the head on the bf16 ones (989).
  CHECK(c.linear_compute_s == Approx(2 * layers * 64 / (1979e12 * 0.6) + 2 * kHead8b * 64 / (989e12 * 0.6)));
  CHECK(c.linear_memory_s == Approx((layers + 2 * kHead8b) / (3.35e12 * 0.8)));
  const double layers_s = std::max(2 * layers * 64 / (1979e12 * 0.6), layers / (3.35e12 * 0.8));
  const double head_s = std::max(2 * kHead8b * 64 / (989e12 * 0.6), 2 * kHead8b / (3.35e12 * 0.8));
  CHECK(c.linear_s == Approx(layers_s + head_s));

  // The KV cache gets what the wider matrices leave: 80 GB x 0.9 - 1 GB of
  // activations - 9.08e9 of weights.
  EngineSettings engine;
  engine.memory_fraction = 0.9;
  engine.activation_reserve_bytes = 1e9;
  const KvCapacity k = kv_capacity(m, plain_roofline_gpu(), engine);
  CHECK(k.weight_bytes == Approx(layers + 4 * kHead8b));
  CHECK(k.kv_bytes == Approx(80e9 * 0.9 - 1e9 - (layers + 4 * kHead8b)));

  // Tied (one matrix): counted once, at 16 bits.
  ModelSpec tied = m;
  tied.tied_embeddings = true;
  CHECK(tied.weight_bytes() == Approx((8.03e9 - kHead8b) * 1 + kHead8b * 2));
}

TEST_CASE("A 16-bit head on a device without the layers' units streams once, not once per kernel tile", "[roofline][vocabulary]") {
  // An A100-like device: bf16 matrix units, none for fp8. The layers' FP8
  // weights go through the dequantizing kernel (64 rows a pass); the bf16
  // head runs on the bf16 units in one pass.
  HardwareSpec a100 = plain_roofline_gpu();
  a100.peak_flops.erase(DataType::fp8);
  ModelSpec m = llama_8b_with_vocabulary();
  m.weight_dtype = DataType::fp8;
  m.vocab_dtype = DataType::bf16;
  EngineSettings engine;
  engine.dequant_kernel_rows = 64;
  RooflineModel model(m, a100, engine);
  IterationShape decode;
  decode.decode_seqs = 128;
  const double layers = 8.03e9 - 2 * kHead8b;
  CHECK(model.cost(decode).bytes == Approx(layers * 1 * 2 + kHead8b * 2 + 128 * fleetsim::testing::kKvBytesPerToken));

  // Without vocab_dtype the head is an fp8 matrix like the layers: two passes too.
  m.vocab_dtype.reset();
  RooflineModel same_type(m, a100, engine);
  CHECK(same_type.cost(decode).bytes == Approx((layers + kHead8b) * 1 * 2 + 128 * fleetsim::testing::kKvBytesPerToken));
}

TEST_CASE("vocab_dtype comes with a weight format, is reset by weight_dtype, and can be given", "[loader][vocabulary]") {
  const auto& cat = fleetsim::testing::catalog();
  auto vocab_of = [&](const std::string& keys) {
    // The test catalog's llama-3.1-8b gives no vocabulary of its own.
    const LoadResult r = load_scenario_text(keys_scenario("    vocab_size: 128256\n" + keys, "gpu"), "v.yaml", cat);
    INFO(messages(r));
    REQUIRE(r.ok());
    return r.scenario->models.at(0).vocab_dtype;
  };
  CHECK(vocab_of("    weight_format: fp8\n") == DataType::bf16);
  CHECK(vocab_of("    weight_format: int4_awq\n") == DataType::fp16);
  CHECK(vocab_of("    weight_format: nvfp4\n") == DataType::bf16);
  CHECK_FALSE(vocab_of("    weight_format: q4_k_m\n").has_value());  // its head is Q6_K: test_head_format.cpp
  CHECK_FALSE(vocab_of("    weight_dtype: fp8\n").has_value());
  CHECK(vocab_of("    weight_format: fp8\n    vocab_dtype: fp8\n") == DataType::fp8);
  CHECK(vocab_of("    weight_dtype: int8\n    vocab_dtype: bf16\n") == DataType::bf16);

  // Without a vocabulary there is nothing to give a type to.
  const std::string toy =
      "name: keys\nmodels:\n  m:\n    params_total: 1e9\n    layers: 8\n    hidden_size: 1024\n"
      "    attention_heads: 8\n    kv_heads: 8\n    head_dim: 128\n    vocab_dtype: bf16\n"
      "fleet:\n  pools:\n    - {name: p, hardware: gpu, count: 1, models: [m]}\n"
      "workloads:\n  - name: w\n    arrivals: {rate: 1/s}\n    steps: [{llm: {model: m, output_tokens: 4}}]\n"
      "simulation: {duration: 1h}\n";
  const LoadResult none = load_scenario_text(toy, "v.yaml", cat);
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(messages(none), Contains("v.yaml:10:18"));
  CHECK_THAT(messages(none), Contains("vocab_dtype needs the model's vocab_size"));

  const LoadResult word = load_scenario_text(keys_scenario("    vocab_dtype: fp12\n", "gpu"), "v.yaml", cat);
  REQUIRE_FALSE(word.ok());
  CHECK_THAT(messages(word), Contains("vocab_dtype"));
}

TEST_CASE("The built-in formats say which keep a 16-bit embedding and head", "[catalog][vocabulary]") {
  for (const WeightFormat& f : builtin_weight_formats()) {
    INFO(f.name);
    const bool layers_only_quantizer = f.name == "fp8" || f.name == "int4_awq" || f.name == "nvfp4";
    CHECK(f.vocab_dtype.has_value() == layers_only_quantizer);
    if (f.vocab_dtype) {
      CHECK(bytes_per_element(*f.vocab_dtype) == 2.0);
      CHECK(f.sources.count("vocab_dtype") == 1);
    }
  }
}
