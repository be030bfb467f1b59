// The scenario format's tables. Each table is one kind of map; its keys are
// listed in the order docs/scenario-format.md describes them. A new key is a
// line here and its reading in the section's reader; the JSON Schema follows.
#include "fleetsim/io/scenario_keys.hpp"

#include <map>
#include <stdexcept>

#include "fleetsim/core/autoscale_policy.hpp"
#include "fleetsim/core/routing_policy.hpp"
#include "hardware_entry.hpp"
#include "model_entry.hpp"
#include "request_trace_reader.hpp"
#include "scenario_key_tables.hpp"
#include "scenario_words.hpp"
#include "stack_entry.hpp"

namespace fleetsim {
namespace {

using shape::any_of;
using shape::boolean;
using shape::distribution;
using shape::integer;
using shape::list_of;
using shape::map_of;
using shape::number;
using shape::or_empty;
using shape::quantity;
using shape::table;
using shape::text;
using shape::words;

ScenarioKey required(std::string name, ValueShape value, std::string description) {
  return {std::move(name), std::move(value), std::move(description), true};
}
ScenarioKey optional(std::string name, ValueShape value, std::string description) {
  return {std::move(name), std::move(value), std::move(description), false};
}

const ValueShape kName = shape::name();
const ValueShape kNames = list_of(shape::name());
const ValueShape kDuration = quantity(Dimension::duration);
// One number, a list by the hour, or a map with a file or values and a step.
const ValueShape kSeries = any_of({number(0, 1e9), list_of(number(0, 1e9)), table("series")});
const ValueShape kBytes = quantity(Dimension::bytes);
const ValueShape kTokens = distribution(Dimension::dimensionless);
const ValueShape kDurations = distribution(Dimension::duration);

// The sections a scenario and its variants share.
std::vector<ScenarioKey> section_keys() {
  return {
      optional("description", text(), "free text"),
      optional("hardware", or_empty(map_of(table("hardware_entry"))),
               "node types defined here, or catalog entries overridden"),
      optional("models", or_empty(map_of(table("model_entry"))), "models defined here, or catalog entries overridden"),
      required("fleet", table("fleet"), "the pools of nodes that serve the models"),
      optional("routing", or_empty(list_of(table("route"))), "how each model's calls are spread over pools"),
      required("workloads", list_of(table("workload")), "the kinds of sessions that arrive and what they do"),
      optional("costs", or_empty(table("costs")), "pricing mode, electricity price, PUE, carbon intensity"),
      required("simulation", table("simulation"), "run length, warm-up, seed"),
  };
}

KeyTable scenario_table() {
  KeyTable t{"scenario", "A fleetsim scenario: a fleet, the traffic it serves and how long to simulate", {}};
  t.keys.push_back(required("name", kName, "labels the report"));
  for (ScenarioKey& k : section_keys()) t.keys.push_back(std::move(k));
  t.keys.push_back(optional("variants", or_empty(map_of(table("variant"))),
                            "alternatives to compare, each merged over the base scenario"));
  t.keys.push_back(optional("expect", or_empty(table("expect")), "bounds on report figures, for fleetsim check"));
  t.keys.push_back(optional("plan", or_empty(table("plan")), "the fleets fleetsim plan may choose from"));
  t.keys.push_back(optional("cells", or_empty(list_of(table("cell"))),
                            "independent parts of the fleet (sites, regions), each with a share of the traffic"));
  return t;
}

// A variant is merged over the base: its maps may be partial (the schema
// drops their required keys), while a list it gives replaces the base's whole.
KeyTable variant_table() {
  KeyTable t{"variant", "A partial scenario merged over the base: maps merge key by key, lists are replaced", {}};
  t.keys = section_keys();
  t.keys.push_back(optional("expect", or_empty(table("expect")), "this variant's own bounds (~ for none)"));
  t.keys.push_back(optional("plan", or_empty(table("plan")), "this variant's own plan (~ for none)"));
  return t;
}

// A cell is merged over the base like a variant, and has a name and a share
// of the traffic of its own (docs/cells.md); it cannot change the simulation.
KeyTable cell_table() {
  KeyTable t{"cell", "An independent part of the fleet: a partial scenario merged over the base, with its traffic", {}};
  t.keys.push_back(required("name", kName, "labels the cell's report and derives its seed"));
  t.keys.push_back(optional("share", number(0, 1), "the fraction of the scenario's traffic (shares sum to 1)"));
  t.keys.push_back(optional("traffic_scale", number(0, 1e6), "or: a factor on the scenario's arrival rates"));
  for (ScenarioKey& k : section_keys())
    if (k.name != "simulation") {
      k.required = false;
      t.keys.push_back(std::move(k));
    }
  return t;
}

KeyTable hardware_entry_table() {
  KeyTable t{"hardware_entry",
             "A node type (docs/scenario-format.md \"hardware\"); with `catalog: NAME` only the keys given change",
             {optional("catalog", kName, "the catalog entry this one starts from")}};
  for (const std::string& key : hardware_entry_keys()) {
    if (key == "kind") t.keys.push_back(optional(key, words(choice_words(device_kind_choices())), "cpu, gpu or accelerator"));
    else if (key == "description" || key == "instance" || key == "price_date") t.keys.push_back(optional(key, text(), ""));
    else t.keys.push_back(optional(key, shape::any(), ""));
  }
  return t;
}

KeyTable model_entry_table() {
  KeyTable t{"model_entry", "A model (docs/scenario-format.md \"models\"); with `catalog: NAME` only the keys given change",
             {optional("catalog", kName, "the catalog entry this one starts from")}};
  for (const std::string& key : model_entry_keys()) {
    if (key == "weight_dtype" || key == "kv_dtype" || key == "vocab_dtype")
      t.keys.push_back(optional(key, words(choice_words(data_type_choices())), ""));
    else if (key == "params_total" || key == "params_active") t.keys.push_back(optional(key, shape::count(), ""));
    else if (key == "description" || key == "weight_format" || key == "head_format")
      t.keys.push_back(optional(key, text(), ""));
    else if (key == "sources") t.keys.push_back(optional(key, map_of(text()), ""));
    else if (key == "bits_per_weight") t.keys.push_back(optional(key, number(0, 64), ""));
    else if (key == "tied_embeddings") t.keys.push_back(optional(key, boolean(), ""));
    else t.keys.push_back(optional(key, integer(1), ""));
  }
  return t;
}

std::vector<KeyTable> fleet_tables() {
  return {
      {"fleet",
       "The pools of nodes",
       {required("pools", list_of(table("pool")), "pools of identical nodes serving models"),
        optional("tool_pools", or_empty(list_of(table("tool_pool"))), "CPU nodes that run tool calls"),
        optional("kv_stores", or_empty(list_of(table("kv_store"))),
                 "nodes whose memory holds KV caches the pools' replicas evict"),
        optional("power_cap", any_of({quantity(Dimension::power), table("power_cap")}),
                 "the site's budget for the model pools' IT power; a plan that would exceed it waits"),
        optional("network", table("network"), "the topology KV transfers cross; a star unless given")}},
      {"power_cap",
       "A site power budget over time, and what a plan that does not fit does",
       {optional("power", quantity(Dimension::power), "the cap at every instant (or give schedule)"),
        optional("schedule", list_of(table("power_cap_step")), "the cap from set times on (or give power)"),
        optional("repeat", kDuration, "the schedule's period"),
        optional("response", words(choice_words(power_cap_response_choices())),
                 "delay: the plan waits; lower_clocks: it runs at the fastest lower frequency state that fits")}},
      {"power_cap_step",
       "A power cap from a time on",
       {required("at", kDuration, "the time from the run's start (the first entry's is 0s)"),
        required("power", quantity(Dimension::power), "the cap from then on")}},
      {"network",
       "The network KV caches cross (docs/disaggregation.md \"The network\")",
       {optional("topology", words(choice_words(network_topology_choices())),
                 "star (every NIC to one switch) or two_level (racks behind uplinks to a spine)"),
        optional("nodes_per_rack", integer(1), "two_level: the network's nodes in each rack, filled in turn"),
        optional("oversubscription", number(1, 1e6),
                 "two_level: a rack's NIC bandwidth over its uplink's, e.g. 4 for 4:1"),
        optional("racks", words(choice_words(rack_sharing_choices())),
                 "two_level: shared (racks filled across pools) or per_pool (each pool and store starts its own)")}},
      {"pool",
       "Identical nodes serving some models",
       {required("name", kName, "the pool's name in routes and reports"),
        optional("role", words(choice_words(pool_role_choices())), "unified, or one phase of disaggregated serving"),
        required("hardware", kName, "a node type of the catalog or of hardware:"),
        required("count", integer(0), "the number of nodes; 0 keeps the pool defined but empty"),
        required("models", kNames, "the models each replica serves"),
        optional("engine", table("engine"), "serving-engine settings"),
        optional("pstate", kName, "the frequency state the devices run at, one of the node type's pstates"),
        optional("purchase", any_of({kName, table("pool_purchase")}),
                 "the node type's purchase option, or a base option under a burst one"),
        optional("autoscale", table("autoscale"), "node count following the load"),
        optional("failures", table("failures"), "nodes that fail and come back")}},
      {"engine",
       "How each replica serves (defaults from the serving stack and fleetsim)",
       {optional("stack", kName, "the serving stack of the catalog"),
        optional("tensor_parallel", integer(1), "devices per replica"),
        optional("replicas_per_node", integer(1), "replicas on one node"),
        optional("threads", integer(1), "CPU threads per replica"),
        optional("max_batch_size", integer(1), "sequences in one iteration at most"),
        optional("max_batched_tokens", integer(1), "tokens in one iteration at most"),
        optional("chunked_prefill", boolean(), "split long prompts over iterations"),
        optional("mixed_batches", boolean(),
                 "without chunked prefill: whole prompts join the decoding sequences' iteration (in-flight batching)"),
        optional("scheduler_steps", integer(1),
                 "decode iterations per scheduler run: new calls join at the window's end (vLLM's multi-step)"),
        optional("memory_fraction", number(0, 1), "share of device memory the engine may use"),
        optional("activation_reserve", kBytes, "memory held back for activations"),
        optional("kv_block_tokens", integer(1), "tokens per KV cache block"),
        optional("kv_retention", words(choice_words(kv_retention_choices())),
                 "what a session's KV cache does between its calls"),
        optional("kv_ttl", kDuration, "how long kv_retention: ttl keeps a cache"),
        optional("kv_admission", words(choice_words(kv_admission_choices())), "the KV memory a call needs to start"),
        optional("kv_layout", words(choice_words(kv_layout_choices())), "how the KV cache is laid out in memory"),
        optional("kv_slot_tokens", integer(1), "kv_layout: slots: the cache length of each decode slot"),
        optional("kv_tiers", list_of(any_of({kName, table("kv_tier_use"), table("kv_store_use")})),
                 "the node type's KV tiers this pool uses, top first; a remote store last"),
        optional("overlapped_host", table("overlapped_host"),
                 "an overlap scheduler's host work beside the device: an iteration lasts at least this (2.16)"),
        optional("request_path", table("request_path"),
                 "the server's front end before the engine: HTTP and tokenization (docs/performance-model.md 4.1)"),
        optional("frontend", words(choice_words(frontend_choices())),
                 "api_server, or none for a harness that drives the engine directly (docs/performance-model.md 4.2)"),
        optional("kernels_per_layer", number(0, 1000), "short kernels per layer (docs/performance-model.md 2.7)"),
        optional("sync_points_per_layer", number(0, 1000), "thread barriers per layer on CPUs (2.8)"),
        optional("serial_fraction", number(0, 1), "CPU only: the share of the math that one thread does alone (2.9)"),
        optional("attention_flops_per_cycle", number(0, 4096),
                 "CPU only: FLOP per core and cycle of the attention kernels; 0: the hardware's rate (2.14)"),
        optional("dequant_kernel_rows", integer(0),
                 "tokens per weight pass of a dequantizing kernel, on devices without units for the weights' type (2.11)"),
        optional("expert_token_passes", number(0, 16),
                 "a mixture of experts only: kernels per expert layer that copy each token's k expert rows (2.2)"),
        optional("attention_score_bytes", number(0, 64),
                 "bytes an unfused attention moves per score of one head; 0: a fused kernel (2.15)"),
        optional("kernel_efficiency", table("kernel_efficiency"),
                 "the share of the hardware's calibrated efficiencies the stack's kernels reach (2.12)")}},
      {"kernel_efficiency",
       "The share of the hardware entry's efficiency.memory and efficiency.compute a stack's kernels reach",
       {optional("memory", number(0, 2), "multiplies efficiency.memory: weight and KV streaming (default 1)"),
        optional("compute", number(0, 2), "multiplies efficiency.compute: matrices and attention (default 1)"),
        optional("kv", number(0, 2), "multiplies the memory share for KV reads and writes alone (default 1)")}},
      {"overlapped_host",
       "Host work an overlap scheduler does while the device computes the iteration before: t_h = fixed + per_sequence x sequences + per_output_token x tokens sampled",
       {optional("fixed", kDuration, "per iteration, whatever it holds"),
        optional("per_sequence", kDuration, "per sequence in the iteration: its inputs prepared, its results handled"),
        optional("per_output_token", kDuration, "per token the iteration samples")}},
      {"request_path",
       "What a call spends before the engine's queue: t = fixed + per_prompt_token x prompt tokens",
       {optional("fixed", kDuration, "per call: the HTTP request, the hand-off to the engine, the first chunk back"),
        optional("per_prompt_token", kDuration, "per prompt token: tokenization of the whole prompt")}},
      {"kv_tier_use",
       "A KV tier with its own time-to-live",
       {required("tier", kName, "the name of one of the node type's kv_tiers"),
        optional("ttl", kDuration, "how long a cache stays in this tier")}},
      {"kv_store_use",
       "A remote KV store below the node's own tiers (the list's last entry)",
       {required("store", kName, "the name of one of fleet.kv_stores")}},
      {"pool_purchase",
       "A base purchase option for the first nodes and another for the rest",
       {required("base", kName, "the option of the first base_nodes nodes"),
        required("base_nodes", integer(0), "how many nodes the base option buys"),
        optional("burst", kName, "the option of the nodes above base_nodes")}},
      {"autoscale",
       "Node count following the load (docs/autoscaling.md)",
       {required("policy", words(autoscale_policy_names()), "the scaling rule"),
        optional("target", any_of({shape::number(), text()}), "the policy's target: a number, a fraction or a duration"),
        required("min", integer(1), "the fewest nodes the pool keeps"),
        required("max", integer(1), "the most nodes the pool may hold"),
        optional("interval", kDuration, "time between evaluations"),
        optional("tolerance", number(0, 1), "relative deviation from the target that is left alone"),
        optional("scale_in_window", kDuration, "how long a lower count must hold before nodes go"),
        optional("percentile", number(0, 100), "which percentile of the queue waits (queue_delay_percentile) or times to first token (ttft_percentile) to hold at target"),
        optional("startup", kDuration, "instance start before the model loads (default: the node type's catalog figure)"),
        optional("load_bandwidth", quantity(Dimension::bandwidth),
                 "how fast a new node loads the weights; 0: no load time (default: the node type's catalog figure)"),
        optional("schedule", list_of(table("schedule_entry")), "node counts at set times (policy: schedule)"),
        optional("repeat", kDuration, "the schedule's period")}},
      {"schedule_entry",
       "A node count from a time on",
       {required("at", kDuration, "the time from the run's start"),
        required("nodes", integer(0), "the node count from then on")}},
      {"failures",
       "Nodes that fail and are repaired (docs/failures.md)",
       {required("mttf", kDuration, "mean time from a node's start to its failure"),
        optional("mttr", kDuration, "mean time a failed node takes to serve again (a fixed pool's; required there)"),
        optional("distribution", words(choice_words(failure_distribution_choices())), "time-to-failure distribution"),
        optional("shape", number(0.1, 10), "Weibull shape"),
        optional("notice", kDuration, "warning before a failure (spot interruption notice)"),
        optional("scope", words(choice_words(failure_scope_choices())), "what fails: a whole node, or one replica")}},
      {"tool_pool",
       "CPU nodes that run tool calls",
       {required("name", kName, "the pool's name in tool steps"),
        required("hardware", kName, "a CPU node type"),
        required("count", integer(0), "the number of nodes"),
        optional("core_speed", shape::number(), "speed of a core relative to the work's reference core"),
        optional("discipline", words(choice_words(tool_discipline_choices())),
                 "calls queue for cores (fifo) or share them (processor_sharing)"),
        optional("failures", table("failures"), "nodes that fail and come back; their calls start over")}},
      {"kv_store",
       "CPU nodes whose memory holds KV caches for the pools that name them",
       {required("name", kName, "the store's name in engines' kv_tiers"),
        required("hardware", kName, "a CPU node type with network_bandwidth"),
        required("count", integer(1), "the number of nodes"),
        required("memory", kBytes, "of each node's memory, what holds KV caches")}},
  };
}

std::vector<KeyTable> routing_tables() {
  return {
      {"route",
       "How one model's calls are spread over pools",
       {required("model", kName, "the model the route is for"),
        optional("pools", kNames, "the pools that may serve it (default: every pool serving the model)"),
        optional("policy", words(routing_policy_names()), "how a replica is chosen"),
        optional("affinity_max_queue", integer(0), "queue length above which session affinity gives way"),
        optional("overflow", table("overflow"), "a pool that takes calls when the others' queues are long"),
        optional("prefill_above", integer(0), "disaggregated routes: prefill on the decode replica up to this many "
                                              "uncached tokens")}},
      {"overflow",
       "Where calls go when the route's pools are busy",
       {required("pool", kName, "the overflow pool"),
        required("queue_threshold", integer(1), "queued calls per replica above which calls overflow")}},
  };
}

std::vector<KeyTable> workload_tables() {
  return {
      {"workload",
       "A kind of session: its arrivals, its steps and its SLOs (or a trace)",
       {required("name", kName, "the workload's name in the report"),
        optional("arrivals", table("arrivals"), "how sessions start"),
        optional("context_tokens", kTokens, "context a session starts with"),
        optional("shared_prefix", any_of({integer(0), table("shared_prefix")}),
                 "a prompt prefix every session shares (system prompt, tool definitions)"),
        optional("steps", list_of(table("step")), "what a session does, in order"),
        optional("slo", table("slo"), "latency targets"),
        optional("trace", table("trace"), "a recorded trace to replay"),
        optional("orchestrator", table("orchestrator"), "the agent harness's CPU work before each LLM call")}},
      {"shared_prefix",
       "A named prefix that several workloads share",
       {required("tokens", integer(0), "the prefix's tokens"),
        optional("name", kName, "workloads naming the same prefix share it on each replica")}},
      {"slo",
       "Latency targets at a percentile",
       {optional("percentile", number(0, 100), "the percentile the targets apply to"),
        optional("ttft", kDuration, "time to first token"),
        optional("tpot", kDuration, "time per output token"),
        optional("session", kDuration, "a whole session's time")}},
      {"trace",
       "A request or agent-session trace to replay (docs/scenario-format.md \"Replaying a request trace\")",
       {required("file", kName, "the trace's path, relative to the scenario file"),
        required("format", words(trace_preset_names()), "a ready-made mapping, or csv / jsonl with columns:"),
        optional("columns", table("trace_columns"), "which column holds what"),
        optional("time_unit", words(choice_words(trace_time_unit_choices())), "the time column's unit"),
        optional("model", kName, "the model the trace's calls go to"),
        optional("rate_scale", shape::number(), "replay at this many times the recorded rate"),
        optional("limit", integer(1), "the first N rows only"),
        optional("window", table("trace_window"), "a stretch of the trace's time"),
        optional("sample", integer(1), "N sessions drawn at random"),
        optional("loop", boolean(), "start again from the beginning when the trace ends"),
        optional("pacing", words(choice_words(trace_pacing_choices())), "recorded times, or recorded gaps after each "
                                                                         "call ends"),
        optional("prefix_block_tokens", integer(1), "tokens per prefix hash")}},
      {"trace_columns",
       "The trace's column names",
       {optional("time", kName, "arrival time"), optional("prompt_tokens", kName, "prompt tokens"),
        optional("output_tokens", kName, "output tokens"), optional("session", kName, "session id"),
        optional("model", kName, "model name"), optional("prefix_hashes", kName, "prefix block hashes"),
        optional("think", kName, "the gap before the call"), optional("gap", kName, "the gap after the call")}},
      {"trace_window",
       "A stretch of a trace's time",
       {optional("from", kDuration, "start, from the trace's first row"), optional("to", kDuration, "end")}},
      {"step",
       "One step of a session: a map with exactly one of these keys",
       {optional("llm", table("llm_step"), "a model call"), optional("tool", table("tool_step"), "a tool call"),
        optional("loop", table("loop_step"), "steps repeated"),
        optional("parallel", table("parallel_step"), "branches run at once"),
        optional("agent", table("agent_step"), "a sub-agent"),
        optional("choose", list_of(table("choice")), "one branch drawn by probability")},
       true},
      {"llm_step",
       "A model call; its prompt is the session's context plus prompt_tokens",
       {required("model", kName, "the model called"), optional("prompt_tokens", kTokens, "new prompt tokens"),
        required("output_tokens", kTokens, "tokens generated by each sequence"),
        optional("samples", integer(1), "parallel sampling: n sequences from the one prompt, all returned"),
        optional("beam_width", integer(1), "beam search: beams decoded at once, the best returned")}},
      {"tool_step",
       "A tool call: an external service (latency) or work on a tool pool",
       {optional("latency", kDurations, "the external service's time"),
        optional("result_tokens", kTokens, "tokens the result adds to the context"),
        optional("pool", kName, "the tool pool it runs on"), optional("cores", integer(1), "cores it uses"),
        optional("memory", kBytes, "memory it holds"), optional("work", kDurations, "its work at the reference core")}},
      {"loop_step",
       "Steps repeated",
       {required("repeat", kTokens, "rounds"), required("steps", list_of(table("step")), "the body"),
        optional("exit_probability", number(0, 1), "chance to leave after each round")}},
      {"parallel_step",
       "Branches that run at once",
       {optional("join", any_of({words({"all", "any"}), table("join")}), "how many branches must end"),
        required("branches", list_of(table("branch")), "the branches")}},
      {"join", "Go on when k branches have ended", {required("k", integer(1), "branches that must end")}},
      {"branch", "One branch of a parallel step", {required("steps", list_of(table("step")), "the branch's steps")}},
      {"agent_step",
       "A sub-agent: a child session whose result returns to the parent",
       {optional("inherit_context", boolean(), "start from the parent's context"),
        optional("prompt_tokens", kTokens, "the task given to the sub-agent"),
        optional("result_tokens", kTokens, "tokens its result adds to the parent's context"),
        required("steps", list_of(table("step")), "the sub-agent's steps")}},
      {"choice",
       "A branch drawn with probability p",
       {required("p", number(0, 1), "the branch's probability"),
        required("steps", list_of(table("step")), "its steps")}},
      {"orchestrator",
       "The agent harness's CPU work before each LLM call",
       {required("pool", kName, "the tool pool it runs on"), optional("cores", integer(1), "cores it uses"),
        optional("memory", kBytes, "memory it holds"), required("work", kDurations, "its work per call")}},
  };
}

std::vector<KeyTable> settings_tables() {
  return {
      {"costs",
       "Prices, energy and carbon",
       {optional("pricing", words(choice_words(pricing_choices())), "cloud prices or owned nodes"),
        optional("electricity_price", kSeries, "USD per kWh: one number, or a series by the hour"),
        optional("pue", number(1, 1e9), "power usage effectiveness"),
        optional("carbon_intensity", kSeries, "gCO2 per kWh: one number, or a series by the hour")}},
      {"series",
       "A value that changes with simulated time, read from a CSV file or given inline",
       {optional("file", kName, "a CSV file, relative to this file"),
        optional("column", kName, "the file's column that holds the values"),
        optional("values", list_of(number(0, 1e9)), "the values, one per step (or file:)"),
        optional("step", kDuration, "how long each value holds (default 1h, at least 1min)")}},
      {"simulation",
       "How long to simulate",
       {optional("duration", kDuration, "simulated time (or sessions:)"),
        optional("sessions", integer(1), "sessions to start (or duration:)"),
        optional("warmup", kDuration, "time left out of the figures"),
        optional("seed", integer(0), "random seed")}},
      {"expect_bounds",
       "Bounds on one report figure",
       {optional("min", shape::number(), "lowest accepted value"), optional("max", shape::number(), "highest"),
        optional("tolerance", any_of({shape::number(), text()}), "relative band around a baseline, e.g. 5%")}},
      {"plan", "The fleets fleetsim plan may choose from",
       {required("pools", map_of(table("plan_pool")), "per pool, the node counts to try")}},
      {"plan_pool",
       "The node counts and node types plan may choose for one pool",
       {optional("min", integer(0), "fewest nodes"), optional("max", integer(0), "most nodes"),
        optional("hardware", kNames, "node types to try"), optional("spares", integer(0), "N+k headroom"),
        optional("autoscale", table("autoscale"), "run the chosen fleet once more with this pool autoscaled so")}},
  };
}

std::vector<KeyTable> make_tables() {
  std::vector<KeyTable> tables = {scenario_table(), variant_table(), hardware_entry_table(), model_entry_table()};
  tables.push_back(cell_table());
  for (auto part : {fleet_tables(), routing_tables(), workload_tables(), settings_tables()})
    for (KeyTable& t : part) tables.push_back(std::move(t));
  // `expect:` maps figures the user names to bounds: a map of tables, given
  // its own name so that the sections can refer to it.
  tables.push_back({"expect", "Bounds on report figures, by the figure's path", {}});
  // The arrival process's keys; which of them a process takes is its
  // registry's (arrival_pattern.hpp), applied by the schema.
  tables.push_back({"arrivals",
                    "How sessions start (docs/scenario-format.md \"Arrival processes\")",
                    {optional("process", shape::any(), "the arrival process"),
                     optional("rate", quantity(Dimension::rate), "sessions per unit of time"),
                     optional("amplitude", number(0, 1), "relative swing of a diurnal rate"),
                     optional("period", kDuration, "the cycle's length"),
                     optional("peak_at", kDuration, "the time of the peak"),
                     optional("growth_per_week", number(-1, 10), "relative growth per week"),
                     optional("weekly", list_of(number(0, 1e9)), "seven relative day rates"),
                     optional("pieces", list_of(table("piece")), "a rate from each time on")}});
  tables.push_back({"piece",
                    "A rate from a time on",
                    {required("at", kDuration, "from this time"), required("rate", quantity(Dimension::rate), "rate")}});
  return tables;
}

}  // namespace

const std::vector<KeyTable>& scenario_key_tables() {
  static const std::vector<KeyTable> tables = make_tables();
  return tables;
}

const KeyTable& scenario_key_table(std::string_view name) {
  for (const KeyTable& t : scenario_key_tables())
    if (t.name == name) return t;
  throw std::logic_error("no scenario key table named " + std::string(name));
}

const std::vector<std::string>& scenario_keys(std::string_view table) {
  static const std::map<std::string, std::vector<std::string>, std::less<>> names = [] {
    std::map<std::string, std::vector<std::string>, std::less<>> out;
    for (const KeyTable& t : scenario_key_tables()) {
      std::vector<std::string>& keys = out[t.name];
      for (const ScenarioKey& k : t.keys) keys.push_back(k.name);
    }
    return out;
  }();
  const auto it = names.find(table);
  if (it == names.end()) throw std::logic_error("no scenario key table named " + std::string(table));
  return it->second;
}

}  // namespace fleetsim
