// A storage format of quantized weights: the data type its matrix math runs
// in and the bits one weight really occupies, block scales included.
//
// Quantized formats store small blocks of weights with a shared scale, so a
// "4-bit" format costs more than 4 bits: GGUF Q4_0 keeps 32 weights in 16
// bytes plus a 2-byte fp16 scale, 4.5 bits each. Decode streams every byte,
// so the difference is the difference in decode speed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/model_spec.hpp"
#include "fleetsim/core/precision.hpp"

namespace fleetsim {

struct WeightFormat {
  std::string name;
  std::string description;
  DataType dtype = DataType::bf16;  // selects the compute units (compute_type_for)
  double bits_per_weight = 16.0;
  // The type its checkpoints keep the embedding table and the output head
  // in, when not the format's own (ModelSpec::vocab_dtype).
  std::optional<DataType> vocab_dtype;
  // The storage its files keep the output head in, when another format's
  // (`head_format: NAME`, resolved when the formats are read): GGUF's Q6_K
  // output tensor. A model takes it as its ModelSpec::head_storage.
  std::optional<ModelSpec::HeadStorage> head;
  std::map<std::string, std::string> sources;
};

// The built-in formats (src/catalog/formats.yaml, compiled in), parsed once.
// Throws InputError if the data is broken (a build defect, caught by the tests).
const std::vector<WeightFormat>& builtin_weight_formats();

}  // namespace fleetsim
