// One serving-stack entry: the schema of src/catalog/stacks.yaml and of the
// `stacks:` map of a `--catalog` file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/serving_stack.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// The words of `kv_admission:`, the KV admission registry's names, shared with
// the pool's engine settings so that both spell them alike.
const Choices<std::string>& kv_admission_choices();
const Choices<KvLayout>& kv_layout_choices();

// How calls reach a pool's engine (`engine: {frontend: ...}`): through the
// stack's API server, or straight from a harness in the engine's process
// (vLLM's LLM class, trtllm-bench), which has no request path and none of
// the API server's share of the step's host work.
enum class Frontend { api_server, none };
const Choices<Frontend>& frontend_choices();

// Multi-step windows hold decode iterations only: a prompt chunk, or a
// whole prompt mixed into the decodes, in every iteration would need the
// scheduler in every iteration (vLLM 0.6 refuses chunks too). Reports the
// pair of an `engine:` map, a pool's or a stack's, at the key that map set:
// `steps` when it set scheduler_steps, else `setting` when it set `key`
// (chunked_prefill or mixed_batches), else the map itself.
void refuse_multi_step_with(YamlReader& reader, const YAML::Node& map, const std::string& path, const YAML::Node& steps,
                            const YAML::Node& setting, const std::string& key, int scheduler_steps);

// `overlapped_host: {fixed: 0s, per_sequence: 29us, per_output_token: 0s}`, a
// stack's or a pool's engine map's: the host work an overlap scheduler does
// beside the device's iteration (EngineSettings::overlapped_host). The keys
// given override `into`, each a duration under a second; none is required,
// since a term a stack's host loop lacks is simply 0.
void read_overlapped_host(YamlReader& reader, const YAML::Node& map, const std::string& path, IterationOverhead& into);

// `request_path: {fixed: 10ms, per_prompt_token: 2us}`, a stack's or a pool's
// engine map's: the keys given override `into`, each a duration (a fixed part
// above 10 s, or a per-token one above 10 ms, is a unit slip).
void read_request_path(YamlReader& reader, const YAML::Node& map, const std::string& path, RequestPath& into);

// `kernel_efficiency: {memory: 0.8, compute: 1}`, a stack's or a pool's
// engine map's: the keys given override `into`, each a share of the
// hardware's calibrated efficiency in (0, 2].
void read_kernel_efficiency(YamlReader& reader, const YAML::Node& map, const std::string& path,
                            KernelEfficiency& into);

// Reads `entry` (a map) describing stack `name`. With a `base` (the entry it
// starts from) only the keys given override it, nested maps key by key;
// without one `overhead` (all three terms) and `cuda_graphs` are required.
// `extra_keys` are allowed and left to the caller (an overlay's `catalog:`).
// nullopt if anything was wrong.
std::optional<ServingStack> read_stack_entry(YamlReader& reader, const YAML::Node& entry, const std::string& path,
                                             const std::string& name, const ServingStack* base,
                                             const std::vector<std::string>& extra_keys = {});

}  // namespace fleetsim
