#include "trace_workload_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <tuple>

#include <fmt/format.h>

#include "request_trace_reader.hpp"
#include "fleetsim/io/input_file.hpp"
#include "fleetsim/io/spelling.hpp"
#include "scenario_words.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {
namespace {

// `columns:` entries over the format's own.
void read_columns(YamlReader& r, const YAML::Node& map, const std::string& path, TraceMapping& m) {
  if (!r.expect_map(map, path, "e.g. columns: {time: arrived_at, prompt_tokens: input, output_tokens: output}"))
    return;
  const std::vector<std::pair<const char*, std::string*>> fields = {
      {"time", &m.time},       {"prompt_tokens", &m.prompt_tokens}, {"output_tokens", &m.output_tokens},
      {"session", &m.session}, {"model", &m.model},                 {"prefix_hashes", &m.prefix_hashes},
      {"think", &m.think},     {"gap", &m.gap}};
  check_scenario_keys(r, map, path, "trace_columns");
  for (const auto& [key, target] : fields)
    if (const YAML::Node n = YamlReader::get(map, key))
      if (auto v = r.name(n, child_path(path, key))) *target = *v;
}

// The line a model is first named on, for messages.
std::uint32_t first_row_naming(const RequestTrace& trace, std::uint32_t model) {
  if (trace.is_streamed())
    return model < trace.streamed.first_row_of_model.size() ? trace.streamed.first_row_of_model[model] : 0;
  std::uint32_t row = 0;
  for (const auto& c : trace.calls)
    if (c.model == model && (row == 0 || c.row < row)) row = c.row;
  return row;
}

// Every model the trace names must be known; each is then a model the
// workload calls, like an llm step's.
void record_models(ScenarioContext& ctx, const RequestTrace& trace, const YAML::Node& model_node,
                   const std::string& model_path, const std::string& default_model, const YAML::Node& trace_node,
                   const std::string& path) {
  for (std::uint32_t i = 0; i < trace.models.size(); ++i) {
    const std::string& name = trace.models[i];
    if (name == default_model) {
      NameSite site{name, model_node, model_path, ctx.reading_workload};
      if (ctx.resolve_model(site)) ctx.step_models.push_back(site);
      continue;
    }
    if (ctx.find_model(name)) {
      ctx.step_models.push_back({name, trace_node, child_path(path, "columns.model"), ctx.reading_workload});
      continue;
    }
    if (ctx.broken_models.count(name)) continue;
    std::vector<std::string> names;
    for (const auto& [known, spec] : ctx.models) names.push_back(known);
    for (const auto& m : ctx.catalog.models())
      if (!ctx.models.count(m.name)) names.push_back(m.name);
    Diagnostic d;
    d.file = trace.file;
    d.line = static_cast<int>(first_row_naming(trace, i));
    d.message = fmt::format("column \"model\": unknown model \"{}\"", name);
    d.hint = did_you_mean_hint(name, names, "models");
    ctx.reader.add_from_other_file(std::move(d));
  }
}

// `format:` and what refines it: `columns:`, `time_unit:`,
// `prefix_block_tokens:`. nullopt when the format is missing or unknown.
std::optional<TraceMapping> read_mapping(YamlReader& r, const YAML::Node& node, const std::string& path) {
  std::optional<TraceMapping> mapping;
  const YAML::Node format =
      r.require(node, path, "format", "azure-2023, mooncake, mini-swe-agent, or csv / jsonl with columns:");
  if (format) {
    if (auto word = r.name(format, child_path(path, "format"))) {
      mapping = trace_preset(*word);
      if (!mapping)
        r.error(format, child_path(path, "format"), fmt::format("unknown trace format \"{}\"", *word),
                did_you_mean_hint(*word, trace_preset_names(), "trace formats"));
    }
  }
  const YAML::Node block_node = YamlReader::get(node, "prefix_block_tokens");
  if (!mapping) return mapping;
  if (const YAML::Node n = YamlReader::get(node, "columns")) read_columns(r, n, child_path(path, "columns"), *mapping);
  if (const YAML::Node n = YamlReader::get(node, "time_unit"))
    if (auto v = r.choice(n, child_path(path, "time_unit"), trace_time_unit_choices(), "time unit")) mapping->time_unit = *v;
  for (const auto& [key, column] : {std::pair{"time", &mapping->time},
                                    {"prompt_tokens", &mapping->prompt_tokens},
                                    {"output_tokens", &mapping->output_tokens}})
    if (column->empty())
      r.error(node, child_path(path, "columns"), fmt::format("format {} needs the column of `{}`",
                                                             YamlReader::describe(format), key),
              "e.g. columns: {time: arrived_at, prompt_tokens: input, output_tokens: output}");
  // The tokens each prefix hash covers: the format's own (Mooncake's 512), or given.
  if (block_node)
    if (auto v = r.integer(block_node, child_path(path, "prefix_block_tokens"), 1, 1'000'000))
      mapping->prefix_block_tokens = static_cast<long>(*v);
  if (!mapping->prefix_hashes.empty() && mapping->prefix_block_tokens <= 0 && !block_node)
    r.error(node, path, fmt::format("the trace maps prefix hashes (\"{}\") but not the tokens each covers",
                                    mapping->prefix_hashes),
            "give prefix_block_tokens: the prompt tokens of one hashed chunk (512 in Mooncake's traces)");
  if (mapping->prefix_hashes.empty() && block_node)
    r.error(block_node, child_path(path, "prefix_block_tokens"), "prefix_block_tokens without prefix hashes",
            "map the column of the hashes in columns: {prefix_hashes: ...}, or remove prefix_block_tokens");
  return mapping;
}

// How the trace is replayed: the keys beside the file and its format.
struct ReplayKeys {
  TraceOptions options;
  YAML::Node model;  // `model:`, when given
  // A window of the recorded time (from the trace's first arrival, before
  // rate_scale): the sessions that start in it.
  std::optional<std::pair<double, double>> window;
  YAML::Node window_node;
  std::optional<std::uint64_t> sample;  // every k-th session, for about `sample` of them
  bool loop = false;
  YAML::Node loop_node;
  YAML::Node pacing_node;
};

ReplayKeys read_replay_keys(YamlReader& r, const YAML::Node& node, const std::string& path,
                            const std::optional<TraceMapping>& mapping) {
  ReplayKeys k;
  // Without a model column, every call goes to `model`.
  const bool model_column = mapping && !mapping->model.empty();
  k.model = model_column ? YamlReader::get(node, "model")
                         : r.require(node, path, "model", "the model the trace's calls go to");
  if (k.model)
    if (auto v = r.name(k.model, child_path(path, "model"))) k.options.default_model = *v;
  if (const YAML::Node n = YamlReader::get(node, "rate_scale"))
    if (auto v = r.number(n, child_path(path, "rate_scale"), in_range(0, 1e6, true))) k.options.rate_scale = *v;
  if (const YAML::Node n = YamlReader::get(node, "limit"))
    if (auto v = r.integer(n, child_path(path, "limit"), 1, std::numeric_limits<std::int64_t>::max()))
      k.options.limit = static_cast<std::uint64_t>(*v);
  k.window_node = YamlReader::get(node, "window");
  if (k.window_node && r.expect_map(k.window_node, child_path(path, "window"), "e.g. window: {from: 1h, to: 2h}")) {
    check_scenario_keys(r, k.window_node, child_path(path, "window"), "trace_window");
    double from = 0.0, to = std::numeric_limits<double>::infinity();
    if (const YAML::Node n = YamlReader::get(k.window_node, "from"))
      if (auto v = r.quantity(n, child_path(path, "window.from"), Dimension::duration, at_least(0))) from = *v;
    if (const YAML::Node n = YamlReader::get(k.window_node, "to"))
      if (auto v = r.quantity(n, child_path(path, "window.to"), Dimension::duration, greater_than(0))) to = *v;
    if (to <= from)
      r.error(k.window_node, child_path(path, "window"), "the window ends before it starts",
              "give window.to after window.from (both from the trace's first arrival)");
    k.window = std::pair{from, to};
  }
  if (const YAML::Node n = YamlReader::get(node, "sample"))
    if (auto v = r.integer(n, child_path(path, "sample"), 1, std::numeric_limits<std::int64_t>::max()))
      k.sample = static_cast<std::uint64_t>(*v);
  k.loop_node = YamlReader::get(node, "loop");
  if (k.loop_node)
    if (auto v = r.boolean(k.loop_node, child_path(path, "loop"))) k.loop = *v;
  k.pacing_node = YamlReader::get(node, "pacing");
  if (k.pacing_node)
    if (auto v = r.choice(k.pacing_node, child_path(path, "pacing"), trace_pacing_choices(), "pacing"))
      k.options.pacing = *v;
  return k;
}

// Think-time pacing measures the gap after each call one way or the other, never both.
void check_pacing_columns(YamlReader& r, const YAML::Node& node, const std::string& path, const TraceMapping& m,
                          const ReplayKeys& k) {
  if (k.options.pacing != TracePacing::think_time) return;
  if (m.think.empty() && m.gap.empty())
    r.error(k.pacing_node, child_path(path, "pacing"),
            "think_time pacing needs the gap after each call, and no column gives it",
            "map one in columns: `think` (seconds from a call's end to its session's next call) or `gap` (from "
            "its start, start to start), or use pacing: timestamp");
  else if (!m.think.empty() && !m.gap.empty())
    r.error(node, child_path(path, "columns"),
            fmt::format("both `think` (\"{}\") and `gap` (\"{}\") are mapped; think_time pacing takes one",
                        m.think, m.gap),
            "`think` is measured from a call's end, `gap` from its start: map the one your trace records");
}

// Whether the replay reads the file again as it runs instead of holding it
// (docs/scenario-format.md, "Where the trace lives"): a trace replayed as
// recorded from a regular file, with or without a session column, a window
// or a loop. A sample and templates need the sessions at hand, and so does a
// loop of a trace with prefix hashes (a later round renames a session's own
// hashes, which takes knowing every session's: mark_shared_prefixes).
// FLEETSIM_TRACE_IN_MEMORY=1 holds every trace, to compare the two (the
// report is the same).
bool streams(const ReplayKeys& k, bool templates, const std::string& file, const TraceMapping& m) {
  if (const char* v = std::getenv("FLEETSIM_TRACE_IN_MEMORY"); v != nullptr && *v != '\0' && std::string(v) != "0")
    return false;
  std::error_code ec;
  return !k.sample && !(k.loop && !m.prefix_hashes.empty()) && !templates &&
         std::filesystem::is_regular_file(file, ec);
}

// The window in the replay's time, as a trace held whole compares its
// sessions' starts (apply_window) and a streamed one does (scan_request_trace).
TraceWindow replay_window(const ReplayKeys& k) {
  return {k.window->first / k.options.rate_scale, k.window->second / k.options.rate_scale};
}

// `last_start_s`: the trace's last session's start, in the replay's time.
void no_session_in_window(YamlReader& r, const std::string& path, const ReplayKeys& k, double last_start_s) {
  r.error(k.window_node, child_path(path, "window"),
          fmt::format("no session of the trace starts in the window (its sessions start from 0 to {} s after its "
                      "first arrival)",
                      last_start_s * k.options.rate_scale),
          "the window is measured from the trace's first arrival, in its recorded time");
}

// Keeps the sessions that start in the window; false after saying none do.
// A streamed trace was windowed as it was checked.
bool apply_window(YamlReader& r, const std::string& path, const ReplayKeys& k, RequestTrace& trace,
                  double streamed_last_start_s) {
  if (trace.is_streamed() || trace.session_count() == 0) {
    if (trace.session_count() > 0) return true;
    no_session_in_window(r, path, k, streamed_last_start_s);
    return false;
  }
  const TraceWindow window = replay_window(k);
  std::vector<bool> keep(trace.sessions());
  for (std::size_t s = 0; s < keep.size(); ++s) keep[s] = window.keeps(trace.calls[trace.session_begin[s]].arrival_s);
  if (std::find(keep.begin(), keep.end(), true) == keep.end()) {
    no_session_in_window(r, path, k, trace.calls[trace.session_begin[trace.sessions() - 1]].arrival_s);
    return false;
  }
  // The first session of the window starts the replay.
  const auto first = static_cast<std::size_t>(std::find(keep.begin(), keep.end(), true) - keep.begin());
  trace.keep_sessions(keep, trace.calls[trace.session_begin[first]].arrival_s);
  return true;
}

// Systematic: sessions 0, k, 2k, ... with k = sessions / sample, spread over
// the whole trace, their recorded times kept.
void apply_sample(std::uint64_t sample, RequestTrace& trace) {
  if (sample >= trace.sessions()) return;
  const double step = static_cast<double>(trace.sessions()) / static_cast<double>(sample);
  std::vector<bool> keep(trace.sessions(), false);
  for (std::uint64_t i = 0; i < sample; ++i) keep[static_cast<std::size_t>(std::floor(static_cast<double>(i) * step))] = true;
  trace.keep_sessions(keep, 0.0);
}

// A round lasts as long as the trace plus one mean gap between session
// starts, so that the seam looks like any other gap.
void apply_loop(YamlReader& r, const std::string& path, const ReplayKeys& k, RequestTrace& trace) {
  const std::uint64_t n = trace.session_count();
  const double last = trace.is_streamed() ? trace.streamed.last_start_s
                                          : trace.start_s({static_cast<std::uint32_t>(n - 1), 0.0});
  if (n < 2 || last <= 0.0)
    r.error(k.loop_node, child_path(path, "loop"), "the trace's sessions all start at one instant, so it cannot loop",
            "remove loop: true, or replay a trace whose arrivals span some time");
  else
    trace.loop_period_s = last * static_cast<double>(n) / static_cast<double>(n - 1);
}

}  // namespace

std::optional<ArrivalProcess> read_trace_workload(ScenarioContext& ctx, const YAML::Node& node,
                                                  const std::string& path, bool templates) {
  YamlReader& r = ctx.reader;
  if (!r.expect_map(node, path, "e.g. trace: {file: conv.csv, format: azure-2023, model: llama-3.1-8b}"))
    return std::nullopt;
  check_scenario_keys(r, node, path, "trace");
  const std::size_t errors_before = r.error_count();

  std::optional<std::string> file;
  if (const YAML::Node n = r.require(node, path, "file", "the trace's path, relative to this scenario file"))
    file = r.name(n, child_path(path, "file"));
  const std::optional<TraceMapping> mapping = read_mapping(r, node, path);
  const ReplayKeys keys = read_replay_keys(r, node, path, mapping);
  if (keys.loop) ctx.traffic_ends = false;
  if (mapping) check_pacing_columns(r, node, path, *mapping, keys);
  if (!file || !mapping || r.error_count() != errors_before) return std::nullopt;

  std::vector<Diagnostic> problems;
  const std::string resolved = path_beside(ctx.scenario.source_file, *file);
  // A streamed trace is windowed as it is checked: only the window's
  // sessions are indexed or counted, and its feed reads no further.
  double last_start_s = 0.0;
  std::optional<TraceWindow> window;
  if (keys.window) window = replay_window(keys);
  auto trace = streams(keys, templates, resolved, *mapping)
                   ? scan_request_trace(resolved, *mapping, keys.options, problems, window, &last_start_s)
                   : read_request_trace(resolved, *mapping, keys.options, problems);
  for (auto& d : problems) r.add_from_other_file(std::move(d));
  if (!trace) return std::nullopt;
  record_models(ctx, *trace, keys.model, child_path(path, "model"), keys.options.default_model, node, path);
  if (keys.window && !apply_window(r, path, keys, *trace, last_start_s)) return std::nullopt;
  if (keys.sample) apply_sample(*keys.sample, *trace);
  if (keys.loop) apply_loop(r, path, keys, *trace);
  if (r.error_count() != errors_before) return std::nullopt;
  if (!trace->prefix_hashes.empty()) trace->mark_shared_prefixes();
  trace->scenario_file = r.file();
  std::tie(trace->scenario_line, trace->scenario_column) = YamlReader::location(node);
  trace->key_path = path;
  ArrivalProcess a;
  a.kind = ArrivalProcess::Kind::trace;
  a.trace = std::make_shared<const RequestTrace>(std::move(*trace));
  return a;
}

}  // namespace fleetsim
