#include "stack_entry.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fleetsim/core/kv_policy.hpp"
#include "fleetsim/core/scenario.hpp"
#include "fleetsim/io/input_limits.hpp"
#include "fleetsim/io/spelling.hpp"
#include "weight_format_catalog.hpp"

namespace fleetsim {
namespace {

// The three terms, each required in a new stack; the map also takes the
// optional share of them that an in-process API server adds.
const std::vector<std::string> kOverheadKeys = {"fixed", "per_sequence", "per_output_token"};
const std::vector<std::string> kOverheadMapKeys = [] {
  std::vector<std::string> keys = kOverheadKeys;
  keys.push_back("api_server");
  return keys;
}();
const std::vector<std::string> kEngineKeys = {"chunked_prefill", "mixed_batches", "max_batched_tokens", "max_batch_size",
                                              "kv_admission", "kv_layout", "scheduler_steps"};

// The three terms of `overhead` or `overlapped_host` that `map` gives; the
// ones it lacks and does not misspell are returned.
std::vector<std::string> read_host_terms(YamlReader& reader, const YAML::Node& map, const std::string& path,
                                         IterationOverhead& o) {
  double* targets[] = {&o.fixed_s, &o.per_sequence_s, &o.per_output_token_s};
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < kOverheadKeys.size(); ++i) {
    const YAML::Node n = YamlReader::get(map, kOverheadKeys[i]);
    if (!n.IsDefined()) {
      if (!reader.is_misspelt(map, kOverheadKeys[i])) missing.push_back(kOverheadKeys[i]);
      continue;
    }
    // Above a second per iteration is a unit slip (ms for us), not a stack.
    if (auto v = reader.quantity(n, child_path(path, kOverheadKeys[i]), Dimension::duration, in_range(0, 1)))
      *targets[i] = *v;
  }
  return missing;
}

void read_overhead(YamlReader& reader, const YAML::Node& map, const std::string& path, IterationOverhead& o,
                   bool complete) {
  if (!reader.expect_map(map, path, "e.g. overhead: {fixed: 0.3ms, per_sequence: 2us, per_output_token: 0us}"))
    return;
  reader.check_keys(map, path, kOverheadMapKeys);
  // Every term of a new stack is stated, 0 included, so that none is a silent default.
  std::vector<std::string> missing = read_host_terms(reader, map, path, o);
  if (!complete) missing.clear();
  if (!missing.empty())
    reader.error(map, path, fmt::format("missing required key{} {}", missing.size() > 1 ? "s" : "", quoted_list(missing)),
                 "state every term, 0s where the stack has none");
  // Not a term but the share of them that an in-process API server adds: 0
  // (the default) for a stack whose server runs in another process.
  if (const YAML::Node n = YamlReader::get(map, "api_server"))
    if (auto v = reader.number(n, child_path(path, "api_server"), in_range(0, 1, false, true))) o.api_server_share = *v;
}

}  // namespace

void read_overlapped_host(YamlReader& reader, const YAML::Node& map, const std::string& path, IterationOverhead& o) {
  if (!reader.expect_map(map, path, "e.g. overlapped_host: {fixed: 0s, per_sequence: 29us}")) return;
  reader.check_keys(map, path, kOverheadKeys);
  read_host_terms(reader, map, path, o);  // every term optional: a loop lacks what it does not do
}


void read_kernel_efficiency(YamlReader& reader, const YAML::Node& map, const std::string& path,
                            KernelEfficiency& into) {
  if (!reader.expect_map(map, path, "e.g. kernel_efficiency: {memory: 0.8, compute: 1}")) return;
  reader.check_keys(map, path, {"memory", "compute", "kv"});
  // Above 2 a stack would be twice as fast as the runs its hardware class
  // was fitted on: a slip (a percentage, or a rate for a share).
  for (const auto& [key, target] : {std::pair{"memory", &into.memory}, std::pair{"compute", &into.compute},
                                    std::pair{"kv", &into.kv}})
    if (const YAML::Node n = YamlReader::get(map, key))
      if (auto v = reader.number(n, child_path(path, key), in_range(0, 2, true))) *target = *v;
}

void read_request_path(YamlReader& reader, const YAML::Node& map, const std::string& path, RequestPath& into) {
  if (!reader.expect_map(map, path, "e.g. request_path: {fixed: 10ms, per_prompt_token: 2us}")) return;
  reader.check_keys(map, path, {"fixed", "per_prompt_token"});
  if (const YAML::Node n = YamlReader::get(map, "fixed"))
    if (auto v = reader.quantity(n, child_path(path, "fixed"), Dimension::duration, in_range(0, 10))) into.fixed_s = *v;
  if (const YAML::Node n = YamlReader::get(map, "per_prompt_token"))
    if (auto v = reader.quantity(n, child_path(path, "per_prompt_token"), Dimension::duration, in_range(0, 0.01)))
      into.per_prompt_token_s = *v;
}

namespace {

// A map from built-in weight formats to a factor of the stack's CPU kernels
// for them: `format_efficiency: {q4_0_8_8: 1.8}` (their math against the
// hardware's compute efficiency), `format_core_bandwidth: {q4_0_8_8: 1.5}`
// (one core's weight streaming against the hardware's per-core rate).
// Entries merge into the base stack's.
void read_format_factors(YamlReader& reader, const YAML::Node& entry, const std::string& entry_path,
                         const char* key, std::map<std::string, double>& into) {
  const YAML::Node map = YamlReader::get(entry, key);
  if (!map) return;
  const std::string path = child_path(entry_path, key);
  if (!reader.expect_map(map, path, fmt::format("e.g. {}: {{q4_0_8_8: 1.8}}", key))) return;
  std::vector<std::string> formats;
  for (const auto& [name, format] : weight_format_choices()) formats.push_back(name);
  reader.check_keys(map, path, formats);
  for (const std::string& name : formats)
    if (const YAML::Node n = YamlReader::get(map, name))
      if (auto v = reader.number(n, child_path(path, name), in_range(0, 100, true))) into[name] = *v;
}

// `dot_product_formats: [q8_0, q4_k_m]`: built-in weight formats, each once;
// the list replaces the base stack's.
void read_dot_product_formats(YamlReader& reader, const YAML::Node& entry, const std::string& entry_path,
                              std::vector<std::string>& into) {
  const YAML::Node list = YamlReader::get(entry, "dot_product_formats");
  if (!list) return;
  const std::string path = child_path(entry_path, "dot_product_formats");
  if (!reader.expect_list(list, path, "e.g. dot_product_formats: [q8_0, q4_k_m]")) return;
  std::vector<std::string> formats;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = index_path(path, i);
    if (!reader.choice(list[i], item, weight_format_choices(), "weight format")) continue;
    const std::string name = list[i].Scalar();
    if (std::find(formats.begin(), formats.end(), name) != formats.end())
      reader.error(list[i], item, fmt::format("\"{}\" is listed twice", name), "list each format once");
    else
      formats.push_back(name);
  }
  into = formats;
}

void read_engine_defaults(YamlReader& reader, const YAML::Node& map, const std::string& path, ServingStack& s) {
  if (!reader.expect_map(map, path, "e.g. engine: {chunked_prefill: true, max_batched_tokens: 8192, max_batch_size: 256}"))
    return;
  reader.check_keys(map, path, kEngineKeys);
  if (const YAML::Node n = YamlReader::get(map, "chunked_prefill"))
    if (auto v = reader.boolean(n, child_path(path, "chunked_prefill"))) s.chunked_prefill = *v;
  if (const YAML::Node n = YamlReader::get(map, "mixed_batches"))
    if (auto v = reader.boolean(n, child_path(path, "mixed_batches"))) s.mixed_batches = *v;
  for (const auto& [key, target] : {std::pair{"max_batched_tokens", &s.max_batched_tokens},
                                    std::pair{"max_batch_size", &s.max_batch_size}}) {
    if (const YAML::Node n = YamlReader::get(map, key))
      if (auto v = reader.integer(n, child_path(path, key), 1, 1 << 24)) *target = static_cast<int>(*v);
  }
  if (const YAML::Node n = YamlReader::get(map, "scheduler_steps"))
    if (auto v = reader.integer(n, child_path(path, "scheduler_steps"), 1, limits::kMaxSchedulerSteps))
      s.scheduler_steps = static_cast<int>(*v);
  if (const YAML::Node n = YamlReader::get(map, "kv_admission"))
    if (auto v = reader.choice(n, child_path(path, "kv_admission"), kv_admission_choices(), "KV admission policy"))
      s.kv_admission = *v;
  if (const YAML::Node n = YamlReader::get(map, "kv_layout"))
    if (auto v = reader.choice(n, child_path(path, "kv_layout"), kv_layout_choices(), "KV cache layout"))
      s.kv_layout = *v;
  // Refused where the stack is defined, so that a stack no pool uses yet is
  // no trap. A stack that leaves chunked_prefill unset gives its pools the
  // engine's default, which chunks.
  if (s.scheduler_steps.value_or(1) > 1 && s.chunked_prefill.value_or(EngineSettings{}.chunked_prefill))
    refuse_multi_step_with(reader, map, path, YamlReader::get(map, "scheduler_steps"),
                           YamlReader::get(map, "chunked_prefill"), "chunked_prefill", *s.scheduler_steps);
  else if (s.scheduler_steps.value_or(1) > 1 && s.mixed_batches.value_or(false))
    refuse_multi_step_with(reader, map, path, YamlReader::get(map, "scheduler_steps"),
                           YamlReader::get(map, "mixed_batches"), "mixed_batches", *s.scheduler_steps);
}

}  // namespace

const Choices<std::string>& kv_admission_choices() {
  static const Choices<std::string> choices = [] {
    Choices<std::string> words;
    for (const std::string& name : kv_admission_policy_names()) words.emplace_back(name, name);
    return words;
  }();
  return choices;
}

void refuse_multi_step_with(YamlReader& reader, const YAML::Node& map, const std::string& path, const YAML::Node& steps,
                            const YAML::Node& setting, const std::string& key, int scheduler_steps) {
  const bool setting_only = setting.IsDefined() && !steps.IsDefined();
  reader.error(steps.IsDefined() ? steps : setting_only ? setting : map,
               child_path(path, setting_only ? key : "scheduler_steps"),
               fmt::format("scheduler_steps {} needs {}: false", scheduler_steps, key),
               fmt::format("a multi-step window holds decode iterations only, with whole prompts between windows: set "
                           "{}: false, or scheduler_steps: 1",
                           key));
}

const Choices<Frontend>& frontend_choices() {
  static const Choices<Frontend> choices = {{"api_server", Frontend::api_server}, {"none", Frontend::none}};
  return choices;
}

const Choices<KvLayout>& kv_layout_choices() {
  static const Choices<KvLayout> choices = {
      {"per_sequence", KvLayout::per_sequence}, {"unified", KvLayout::unified}, {"slots", KvLayout::slots}};
  return choices;
}

std::optional<ServingStack> read_stack_entry(YamlReader& reader, const YAML::Node& entry, const std::string& path,
                                             const std::string& name, const ServingStack* base,
                                             const std::vector<std::string>& extra_keys) {
  if (!reader.expect_map(entry, path)) return std::nullopt;
  const std::size_t errors_before = reader.error_count();
  const bool complete = base == nullptr;
  ServingStack s = base ? *base : ServingStack{};
  s.name = name;

  std::vector<std::string> allowed = {"description", "overhead", "overlapped_host", "request_path", "engine", "kernels_per_layer",
                                      "sync_points_per_layer", "serial_fraction", "attention_flops_per_cycle", "format_efficiency",
                                      "format_core_bandwidth", "dot_product_formats", "dequant_kernel_rows", "expert_token_passes",
                                      "attention_score_bytes",
                                      "kernel_efficiency", "cuda_graphs", "sources"};
  allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
  reader.check_keys(entry, path, allowed);
  if (complete) {
    std::vector<std::string> missing;
    for (const char* key : {"overhead", "cuda_graphs"})
      if (!YamlReader::get(entry, key).IsDefined() && !reader.is_misspelt(entry, key)) missing.push_back(key);
    if (!missing.empty())
      reader.error(entry, path,
                   fmt::format("stack \"{}\" is missing required key{} {}", name, missing.size() > 1 ? "s" : "",
                               quoted_list(missing)),
                   "define them, or start from a catalog entry with `catalog: NAME` and override only what differs");
  }

  if (const YAML::Node n = YamlReader::get(entry, "description"))
    if (auto v = reader.text(n, child_path(path, "description"))) s.description = *v;
  if (const YAML::Node n = YamlReader::get(entry, "overhead"))
    read_overhead(reader, n, child_path(path, "overhead"), s.overhead, complete);
  if (const YAML::Node n = YamlReader::get(entry, "overlapped_host"))
    read_overlapped_host(reader, n, child_path(path, "overlapped_host"), s.overlapped_host);
  if (const YAML::Node n = YamlReader::get(entry, "request_path"))
    read_request_path(reader, n, child_path(path, "request_path"), s.request_path);
  if (const YAML::Node n = YamlReader::get(entry, "engine"))
    read_engine_defaults(reader, n, child_path(path, "engine"), s);
  if (const YAML::Node n = YamlReader::get(entry, "kernels_per_layer"))
    if (auto v = reader.number(n, child_path(path, "kernels_per_layer"), in_range(0, 1000)))
      s.kernels_per_layer = *v;
  if (const YAML::Node n = YamlReader::get(entry, "sync_points_per_layer"))
    if (auto v = reader.number(n, child_path(path, "sync_points_per_layer"), in_range(0, 1000)))
      s.sync_points_per_layer = *v;
  if (const YAML::Node n = YamlReader::get(entry, "serial_fraction"))
    if (auto v = reader.number(n, child_path(path, "serial_fraction"), in_range(0, 1, false, true)))
      s.serial_fraction = *v;
  if (const YAML::Node n = YamlReader::get(entry, "attention_flops_per_cycle"))
    if (auto v = reader.number(n, child_path(path, "attention_flops_per_cycle"), in_range(0, 4096)))
      s.attention_flops_per_cycle = *v;
  read_format_factors(reader, entry, path, "format_efficiency", s.format_efficiency);
  read_format_factors(reader, entry, path, "format_core_bandwidth", s.format_core_bandwidth);
  read_dot_product_formats(reader, entry, path, s.dot_product_formats);
  if (const YAML::Node n = YamlReader::get(entry, "dequant_kernel_rows"))
    if (auto v = reader.integer(n, child_path(path, "dequant_kernel_rows"), 0, 1 << 20))
      s.dequant_kernel_rows = static_cast<int>(*v);
  if (const YAML::Node n = YamlReader::get(entry, "expert_token_passes"))
    if (auto v = reader.number(n, child_path(path, "expert_token_passes"), in_range(0, 16)))
      s.expert_token_passes = *v;
  if (const YAML::Node n = YamlReader::get(entry, "attention_score_bytes"))
    if (auto v = reader.number(n, child_path(path, "attention_score_bytes"), in_range(0, 64)))
      s.attention_score_bytes = *v;
  if (const YAML::Node n = YamlReader::get(entry, "kernel_efficiency"))
    read_kernel_efficiency(reader, n, child_path(path, "kernel_efficiency"), s.kernel_efficiency);
  if (const YAML::Node n = YamlReader::get(entry, "cuda_graphs"))
    if (auto v = reader.boolean(n, child_path(path, "cuda_graphs"))) s.cuda_graphs = *v;
  if (const YAML::Node n = YamlReader::get(entry, "sources"))
    if (auto sources = reader.text_map(n, child_path(path, "sources")))
      for (auto& [field, citation] : *sources) s.sources[field] = citation;

  if (reader.error_count() != errors_before) return std::nullopt;
  return s;
}

}  // namespace fleetsim
