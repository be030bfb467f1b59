#include "model_entry.hpp"

#include <fmt/format.h>

#include "fleetsim/io/spelling.hpp"
#include "weight_format_catalog.hpp"

namespace fleetsim {

const Choices<DataType>& data_type_choices() {
  static const Choices<DataType> choices = {{"bf16", DataType::bf16},
                                            {"fp16", DataType::fp16},
                                            {"fp8", DataType::fp8},
                                            {"int8", DataType::int8},
                                            {"int4", DataType::int4},
                                            {"fp4", DataType::fp4}};
  return choices;
}

std::vector<std::string> model_entry_keys() {
  return {"description",   "params_total",    "params_active", "layers",      "hidden_size",
          "attention_heads", "kv_heads",       "head_dim",      "weight_dtype", "weight_format",
          "bits_per_weight", "experts",        "experts_per_token", "kv_dtype", "vocab_size",
          "tied_embeddings", "vocab_dtype", "head_format", "sources"};
}

namespace {

void check_required(YamlReader& reader, const YAML::Node& entry, const std::string& path, const std::string& name) {
  std::vector<std::string> missing;
  for (const char* key : {"params_total", "layers", "hidden_size", "attention_heads", "kv_heads", "head_dim"})
    if (!YamlReader::get(entry, key).IsDefined() && !reader.is_misspelt(entry, key)) missing.push_back(key);
  if (!missing.empty())
    reader.error(entry, path,
                 fmt::format("model \"{}\" is missing required key{} {}", name, missing.size() > 1 ? "s" : "",
                             quoted_list(missing)),
                 "define them (see the model's config.json), or start from a catalog entry with `catalog: NAME`");
}

void read_params(YamlReader& reader, const YAML::Node& entry, const std::string& path, const ModelSpec* base,
                 ModelSpec& model) {
  // A dense model's active parameters follow its total unless given.
  const bool active_follows_total = !base || base->params_active == base->params_total;
  if (const YAML::Node n = YamlReader::get(entry, "params_total")) {
    if (auto v = reader.count(n, child_path(path, "params_total"), greater_than(0))) {
      model.params_total = *v;
      if (active_follows_total) model.params_active = *v;
    }
  }
  if (const YAML::Node n = YamlReader::get(entry, "params_active"))
    if (auto v = reader.count(n, child_path(path, "params_active"), greater_than(0))) model.params_active = *v;
}

void read_shape(YamlReader& reader, const YAML::Node& entry, const std::string& path, ModelSpec& model) {
  auto read_int = [&](const char* key, int& target) {
    if (const YAML::Node n = YamlReader::get(entry, key))
      if (auto v = reader.integer(n, child_path(path, key), 1)) target = static_cast<int>(*v);
  };
  read_int("layers", model.layers);
  read_int("hidden_size", model.hidden_size);
  read_int("attention_heads", model.attention_heads);
  read_int("kv_heads", model.kv_heads);
  read_int("head_dim", model.head_dim);
  read_int("experts", model.experts);
  read_int("experts_per_token", model.experts_per_token);
  read_int("vocab_size", model.vocab_size);
  if (const YAML::Node n = YamlReader::get(entry, "tied_embeddings"))
    if (auto v = reader.boolean(n, child_path(path, "tied_embeddings"))) model.tied_embeddings = *v;
}

// How weights and KV cache are stored.
void read_storage(YamlReader& reader, const YAML::Node& entry, const std::string& path, ModelSpec& model) {
  // A format names a storage layout (dtype plus block scales); weight_dtype
  // alone keeps the dtype's own width. Either resets what the base had.
  const YAML::Node format_node = YamlReader::get(entry, "weight_format");
  const YAML::Node dtype_node = YamlReader::get(entry, "weight_dtype");
  if (format_node.IsDefined() && dtype_node.IsDefined())
    reader.error(dtype_node, child_path(path, "weight_dtype"), "give weight_format or weight_dtype, not both",
                 "a weight_format sets the data type its blocks compute in");
  else if (format_node.IsDefined()) {
    if (auto format = reader.choice(format_node, child_path(path, "weight_format"), weight_format_choices(),
                                    "weight format")) {
      model.weight_format = format->name;
      model.weight_dtype = format->dtype;
      model.bits_per_weight = format->bits_per_weight;
      model.vocab_dtype = format->vocab_dtype;
      model.head_storage = format->head;
    }
  } else if (dtype_node.IsDefined()) {
    if (auto v = reader.choice(dtype_node, child_path(path, "weight_dtype"), data_type_choices(), "data type"))
      model.store_as(*v);
  }
  // vocab_dtype names both vocabulary matrices' type: the head's too, unless
  // head_format gives the head a storage of its own.
  if (const YAML::Node n = YamlReader::get(entry, "vocab_dtype"))
    if (auto v = reader.choice(n, child_path(path, "vocab_dtype"), data_type_choices(), "data type")) {
      model.vocab_dtype = *v;
      model.head_storage.reset();
    }
  if (const YAML::Node n = YamlReader::get(entry, "head_format"))
    if (auto format = reader.choice(n, child_path(path, "head_format"), weight_format_choices(), "weight format"))
      model.head_storage = head_storage_in(*format);
  if (const YAML::Node n = YamlReader::get(entry, "bits_per_weight"))
    if (auto v = reader.number(n, child_path(path, "bits_per_weight"), in_range(1, 32, true, true)))
      model.bits_per_weight = *v;
  if (const YAML::Node n = YamlReader::get(entry, "kv_dtype"))
    if (auto v = reader.choice(n, child_path(path, "kv_dtype"), data_type_choices(), "data type"))
      model.kv_dtype = *v;
}

// Relations between fields, checked on the merged entry.
void check_relations(YamlReader& reader, const YAML::Node& entry, const std::string& path, const ModelSpec& model) {
  if (model.params_total > 0 && model.params_active > model.params_total) {
    const YAML::Node at = YamlReader::get(entry, "params_active");
    reader.error(at.IsDefined() ? at : entry, child_path(path, "params_active"),
                 fmt::format("params_active ({:g}) exceeds params_total ({:g})", model.params_active,
                             model.params_total),
                 "params_active counts the weights used per token; it is below params_total only for "
                 "mixture-of-experts models");
  }
  if (model.experts > 0 || model.experts_per_token > 0) {
    const YAML::Node at = YamlReader::get(entry, "experts_per_token");
    if (model.experts <= 0 || model.experts_per_token <= 0 || model.experts_per_token > model.experts)
      reader.error(at.IsDefined() ? at : entry, child_path(path, "experts_per_token"),
                   fmt::format("a mixture of experts needs 1 <= experts_per_token <= experts, found {} of {}",
                               model.experts_per_token, model.experts),
                   "give both: routed experts per layer and how many each token uses (Mixtral: 8 and 2)");
    else if (model.params_active >= model.params_total && model.experts_per_token < model.experts)
      reader.error(at.IsDefined() ? at : entry, child_path(path, "params_active"),
                   "a mixture of experts needs params_active below params_total",
                   "params_active counts the weights one token uses: the shared part plus its experts");
  }
  // The embedding and the head are part of the shared weights: what is left
  // for the layers must be positive.
  if (model.vocab_size > 0 && model.params_total > 0 && model.shared_body_params() <= 0) {
    const YAML::Node at = YamlReader::get(entry, "vocab_size");
    reader.error(at.IsDefined() ? at : entry, child_path(path, "vocab_size"),
                 fmt::format("the embedding and output head ({:g} weights: vocab_size {} x hidden_size {}, {}) "
                             "leave nothing of params_active ({:g}) for the layers",
                             model.head_params() + model.lookup_params(), model.vocab_size, model.hidden_size,
                             model.tied_embeddings ? "tied" : "twice, untied", model.params_active),
                 "vocab_size is the config.json's vocab_size; tied_embeddings: true when the model shares "
                 "one matrix between its input embedding and its output head (tie_word_embeddings)");
  }
  // A type for the vocabulary's matrices needs them to be there.
  if (const YAML::Node at = YamlReader::get(entry, "vocab_dtype"); at.IsDefined() && model.vocab_size <= 0)
    reader.error(at, child_path(path, "vocab_dtype"), "vocab_dtype needs the model's vocab_size",
                 "vocab_dtype is the type of the embedding table and the output head, vocab_size x hidden_size "
                 "weights each; give vocab_size (config.json's) too");
  if (const YAML::Node at = YamlReader::get(entry, "head_format"); at.IsDefined() && model.vocab_size <= 0)
    reader.error(at, child_path(path, "head_format"), "head_format needs the model's vocab_size",
                 "head_format is the storage of the output head, vocab_size x hidden_size weights; give "
                 "vocab_size (config.json's) too");
  const bool heads_known = model.kv_heads > 0 && model.attention_heads > 0;
  if (heads_known && (model.kv_heads > model.attention_heads || model.attention_heads % model.kv_heads != 0)) {
    const YAML::Node at = YamlReader::get(entry, "kv_heads");
    reader.error(at.IsDefined() ? at : entry, child_path(path, "kv_heads"),
                 fmt::format("kv_heads ({}) must divide attention_heads ({})", model.kv_heads,
                             model.attention_heads),
                 "grouped-query attention shares each KV head among attention_heads / kv_heads query heads");
  }
}

}  // namespace

std::optional<ModelSpec> read_model_entry(YamlReader& reader, const YAML::Node& entry, const std::string& path,
                                          const std::string& name, const ModelSpec* base,
                                          const std::vector<std::string>& extra_keys) {
  if (!reader.expect_map(entry, path)) return std::nullopt;
  const std::size_t errors_before = reader.error_count();
  ModelSpec model = base ? *base : ModelSpec{};
  model.name = name;

  std::vector<std::string> allowed = model_entry_keys();
  allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
  reader.check_keys(entry, path, allowed);
  if (!base) check_required(reader, entry, path, name);

  if (const YAML::Node n = YamlReader::get(entry, "description"))
    if (auto v = reader.text(n, child_path(path, "description"))) model.description = *v;
  read_params(reader, entry, path, base, model);
  read_shape(reader, entry, path, model);
  read_storage(reader, entry, path, model);
  if (const YAML::Node n = YamlReader::get(entry, "sources"))
    if (auto sources = reader.text_map(n, child_path(path, "sources")))
      for (auto& [field, citation] : *sources) model.sources[field] = citation;
  if (reader.error_count() != errors_before) return std::nullopt;

  check_relations(reader, entry, path, model);
  if (reader.error_count() != errors_before) return std::nullopt;
  return model;
}

}  // namespace fleetsim
