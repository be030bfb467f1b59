// An LLM's architecture, as far as serving cost depends on it.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "fleetsim/core/precision.hpp"

namespace fleetsim {

struct ModelSpec {
  std::string name;
  std::string description;
  double params_total = 0.0;   // all weights (memory held)
  double params_active = 0.0;  // weights used per token (FLOPs); < total for MoE
  int layers = 0;
  int hidden_size = 0;
  int attention_heads = 0;
  int kv_heads = 0;
  int head_dim = 0;
  // Mixture of experts: routed experts per layer and how many each token
  // uses (0: a dense model). The routed experts hold
  // (params_total - params_active) * experts / (experts - experts_per_token)
  // of the weights; the rest (attention, embeddings, shared experts) is read
  // by every iteration.
  int experts = 0;
  int experts_per_token = 0;
  // Vocabulary: the input embedding table and the output head (the LM head)
  // are each vocab_size x hidden_size weights, counted in params_total, once
  // when the two are one tied matrix. Neither is a matrix every token
  // multiplies: the embedding is a row lookup, and the head runs only for
  // the tokens that sample (every decode token, the last of each prompt).
  // 0: not given, and every weight counts as a matrix each token multiplies.
  int vocab_size = 0;
  bool tied_embeddings = false;
  // Storage: `weight_dtype` selects the matrix units (compute_type_for);
  // `bits_per_weight` is what a weight really occupies, block scales
  // included (GGUF Q4_0 = 4.5); 0 means the dtype's own width.
  DataType weight_dtype = DataType::bf16;
  double bits_per_weight = 0.0;
  std::string weight_format;  // the format's catalog name, when one was named
  // The embedding table's and the output head's type, when a quantized
  // checkpoint keeps them wider than its layers (FP8, AWQ and NVFP4
  // checkpoints keep both in 16 bits: their quantizers convert only the
  // layers' linear modules). Unset: the layers' width, bits_per_weight
  // included.
  std::optional<DataType> vocab_dtype;
  // The output head's own storage, when the checkpoint writes it apart from
  // both the layers and the embedding table: llama.cpp's quantizer keeps a
  // GGUF file's output tensor (a tied embedding with it) in Q6_K for most
  // file types, Q4_0 and Q4_K_M among them. Unset: vocab_dtype's width, else
  // the layers'.
  struct HeadStorage {
    std::string format;  // the weight format's catalog name
    DataType dtype = DataType::bf16;
    double bits_per_weight = 16.0;
  };
  std::optional<HeadStorage> head_storage;
  DataType kv_dtype = DataType::bf16;
  std::map<std::string, std::string> sources;  // field name -> public source

  // The weights in a plain data type at its own width: no format, no block
  // scales, the embedding and the head with the layers (a scenario's
  // `weight_dtype:` key).
  void store_as(DataType dtype);

  double bytes_per_weight() const {
    return bits_per_weight > 0.0 ? bits_per_weight / 8.0 : bytes_per_element(weight_dtype);
  }
  // What one weight of the embedding table occupies (and of the head, unless
  // it has storage of its own).
  double vocab_bytes_per_weight() const {
    return vocab_dtype ? bytes_per_element(*vocab_dtype) : bytes_per_weight();
  }
  // What one weight of the output head occupies.
  double head_bytes_per_weight() const {
    return head_storage ? head_storage->bits_per_weight / 8.0 : vocab_bytes_per_weight();
  }
  // The type the head's product runs in, when not the layers' (unset: the
  // layers' type and their format's kernel).
  std::optional<DataType> head_dtype() const {
    return head_storage ? std::optional<DataType>(head_storage->dtype) : vocab_dtype;
  }
  // Bytes the weights occupy in memory: the layers at bytes_per_weight, an
  // untied embedding at vocab_bytes_per_weight, the head (a tied embedding
  // with it) at head_bytes_per_weight.
  double weight_bytes() const;
  // Bytes of weights one iteration of `tokens` tokens streams, all of them
  // sampling (a decode step): the body and the output head; the lookup
  // table's few rows are not counted. A dense model's body is every weight
  // but those two. A mixture of experts reads its shared part and every
  // expert that at least one token routes to: with uniform routing of k of E
  // experts per token, an expert is missed by all T tokens with probability
  // (1 - k/E)^T, so the expected routed share read is 1 - (1 - k/E)^T (one
  // token reads params_active; many read everything).
  // body_bytes_read leaves the head out (an iteration that samples nothing).
  double weight_bytes_read(double tokens) const { return body_bytes_read(tokens) + head_bytes(); }
  double body_bytes_read(double tokens) const;
  double head_bytes() const { return head_params() * head_bytes_per_weight(); }
  // The routed experts' share of params_total (0 for a dense model).
  double routed_expert_params() const;
  // A mixture of experts: the activations one pass over a token's expert
  // rows moves, (k + 1) * hidden_size per layer (its k expert rows and its
  // own row; docs/performance-model.md 2.2); 0 for a dense model.
  double expert_row_elements_per_token() const;
  // The output head's weights, vocab_size x hidden_size (0 when no
  // vocabulary is given).
  double head_params() const { return static_cast<double>(vocab_size) * hidden_size; }
  // Weights only ever looked up by row: an untied input embedding table (a
  // tied one is the head's matrix, read as such).
  double lookup_params() const { return tied_embeddings ? 0.0 : head_params(); }
  // Weights every iteration reads besides the head and the routed experts:
  // params_total less those and the lookup table (the layers' shared part).
  double shared_body_params() const { return params_total - routed_expert_params() - head_params() - lookup_params(); }
  // Weights every token of an iteration multiplies: params_active less the
  // head and the lookup table (params_active when no vocabulary is given).
  double body_params_active() const { return params_active - head_params() - lookup_params(); }
  // K and V, every layer, every KV head: 2 * L * n_kv * d_head * bytes.
  double kv_bytes_per_token() const {
    return 2.0 * layers * kv_heads * head_dim * bytes_per_element(kv_dtype);
  }
  // Width of the attention computation (query heads * head dim).
  double attention_width() const { return static_cast<double>(attention_heads) * head_dim; }
};

}  // namespace fleetsim
