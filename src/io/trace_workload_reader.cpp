#include "trace_workload_reader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <tuple>

#include <fmt/format.h>

#include "request_trace_reader.hpp"
#include "spelling.hpp"
#include "scenario_words.hpp"
#include "scenario_keys.hpp"

namespace fleetsim {
namespace {

// The file as the scenario names it, relative to the scenario file's folder
// (so a scenario runs from any working directory).
std::string resolve_path(const std::string& scenario_file, const std::string& file) {
  const std::filesystem::path p(file);
  if (p.is_absolute()) return file;
  return (std::filesystem::path(scenario_file).parent_path() / p).lexically_normal().string();
}

// `columns:` entries over the format's own.
void read_columns(YamlReader& r, const YAML::Node& map, const std::string& path, TraceMapping& m) {
  if (!r.expect_map(map, path, "e.g. columns: {time: arrived_at, prompt_tokens: input, output_tokens: output}"))
    return;
  const std::vector<std::pair<const char*, std::string*>> fields = {
      {"time", &m.time},       {"prompt_tokens", &m.prompt_tokens}, {"output_tokens", &m.output_tokens},
      {"session", &m.session}, {"model", &m.model},                 {"prefix_hashes", &m.prefix_hashes},
      {"think", &m.think},     {"gap", &m.gap}};
  r.check_keys(map, path, scenario_keys("trace_columns"));
  for (const auto& [key, target] : fields)
    if (const YAML::Node n = YamlReader::get(map, key))
      if (auto v = r.name(n, child_path(path, key))) *target = *v;
}

// Every model the trace names must be known; each is then a model the
// workload calls, like an llm step's.
void record_models(ScenarioContext& ctx, const RequestTrace& trace, const YAML::Node& model_node,
                   const std::string& model_path, const std::string& default_model, const YAML::Node& trace_node,
                   const std::string& path) {
  for (std::uint32_t i = 0; i < trace.models.size(); ++i) {
    const std::string& name = trace.models[i];
    if (name == default_model) {
      NameSite site{name, model_node, model_path};
      if (ctx.resolve_model(site)) ctx.step_models.push_back(site);
      continue;
    }
    if (ctx.find_model(name)) {
      ctx.step_models.push_back({name, trace_node, child_path(path, "columns.model")});
      continue;
    }
    if (ctx.broken_models.count(name)) continue;
    std::vector<std::string> names;
    for (const auto& [known, spec] : ctx.models) names.push_back(known);
    for (const auto& m : ctx.catalog.models())
      if (!ctx.models.count(m.name)) names.push_back(m.name);
    std::uint32_t row = 0;
    for (const auto& c : trace.calls)
      if (c.model == i && (row == 0 || c.row < row)) row = c.row;
    Diagnostic d;
    d.file = trace.file;
    d.line = static_cast<int>(row);
    d.message = fmt::format("column \"model\": unknown model \"{}\"", name);
    d.hint = did_you_mean_hint(name, names, "models");
    ctx.reader.add_from_other_file(std::move(d));
  }
}

}  // namespace

std::optional<ArrivalProcess> read_trace_workload(ScenarioContext& ctx, const YAML::Node& node,
                                                  const std::string& path) {
  YamlReader& r = ctx.reader;
  if (!r.expect_map(node, path, "e.g. trace: {file: conv.csv, format: azure-2023, model: llama-3.1-8b}"))
    return std::nullopt;
  r.check_keys(node, path, scenario_keys("trace"));
  const std::size_t errors_before = r.error_count();

  std::optional<std::string> file;
  if (const YAML::Node n = r.require(node, path, "file", "the trace's path, relative to this scenario file"))
    file = r.name(n, child_path(path, "file"));
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
  if (mapping) {
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
  }
  // The tokens each prefix hash covers: the format's own (Mooncake's 512), or given.
  const YAML::Node block_node = YamlReader::get(node, "prefix_block_tokens");
  if (mapping && block_node)
    if (auto v = r.integer(block_node, child_path(path, "prefix_block_tokens"), 1, 1'000'000))
      mapping->prefix_block_tokens = static_cast<long>(*v);
  if (mapping && !mapping->prefix_hashes.empty() && mapping->prefix_block_tokens <= 0 && !block_node)
    r.error(node, path, fmt::format("the trace maps prefix hashes (\"{}\") but not the tokens each covers",
                                    mapping->prefix_hashes),
            "give prefix_block_tokens: the prompt tokens of one hashed chunk (512 in Mooncake's traces)");
  if (mapping && mapping->prefix_hashes.empty() && block_node)
    r.error(block_node, child_path(path, "prefix_block_tokens"), "prefix_block_tokens without prefix hashes",
            "map the column of the hashes in columns: {prefix_hashes: ...}, or remove prefix_block_tokens");
  TraceOptions options;
  // Without a model column, every call goes to `model`.
  const bool model_column = mapping && !mapping->model.empty();
  const YAML::Node model = model_column ? YamlReader::get(node, "model")
                                        : r.require(node, path, "model", "the model the trace's calls go to");
  if (model)
    if (auto v = r.name(model, child_path(path, "model"))) options.default_model = *v;
  if (const YAML::Node n = YamlReader::get(node, "rate_scale"))
    if (auto v = r.number(n, child_path(path, "rate_scale"), in_range(0, 1e6, true))) options.rate_scale = *v;
  if (const YAML::Node n = YamlReader::get(node, "limit"))
    if (auto v = r.integer(n, child_path(path, "limit"), 1, std::numeric_limits<std::int64_t>::max()))
      options.limit = static_cast<std::uint64_t>(*v);
  // A window of the recorded time (from the trace's first arrival, before
  // rate_scale): the sessions that start in it.
  std::optional<std::pair<double, double>> window;
  const YAML::Node window_node = YamlReader::get(node, "window");
  if (window_node && r.expect_map(window_node, child_path(path, "window"), "e.g. window: {from: 1h, to: 2h}")) {
    r.check_keys(window_node, child_path(path, "window"), scenario_keys("trace_window"));
    double from = 0.0, to = std::numeric_limits<double>::infinity();
    if (const YAML::Node n = YamlReader::get(window_node, "from"))
      if (auto v = r.quantity(n, child_path(path, "window.from"), Dimension::duration, at_least(0))) from = *v;
    if (const YAML::Node n = YamlReader::get(window_node, "to"))
      if (auto v = r.quantity(n, child_path(path, "window.to"), Dimension::duration, greater_than(0))) to = *v;
    if (to <= from)
      r.error(window_node, child_path(path, "window"), "the window ends before it starts",
              "give window.to after window.from (both from the trace's first arrival)");
    window = std::pair{from, to};
  }
  // Every k-th session, for about `sample` of them.
  std::optional<std::uint64_t> sample;
  const YAML::Node sample_node = YamlReader::get(node, "sample");
  if (sample_node)
    if (auto v = r.integer(sample_node, child_path(path, "sample"), 1, std::numeric_limits<std::int64_t>::max()))
      sample = static_cast<std::uint64_t>(*v);
  bool loop = false;
  const YAML::Node loop_node = YamlReader::get(node, "loop");
  if (loop_node)
    if (auto v = r.boolean(loop_node, child_path(path, "loop"))) loop = *v;
  if (loop) ctx.traffic_ends = false;
  const YAML::Node pacing = YamlReader::get(node, "pacing");
  if (pacing)
    if (auto v = r.choice(pacing, child_path(path, "pacing"), trace_pacing_choices(), "pacing")) options.pacing = *v;
  if (mapping && options.pacing == TracePacing::think_time) {
    // The gap after each call is measured one way or the other, never both.
    if (mapping->think.empty() && mapping->gap.empty())
      r.error(pacing, child_path(path, "pacing"),
              "think_time pacing needs the gap after each call, and no column gives it",
              "map one in columns: `think` (seconds from a call's end to its session's next call) or `gap` (from "
              "its start, start to start), or use pacing: timestamp");
    else if (!mapping->think.empty() && !mapping->gap.empty())
      r.error(node, child_path(path, "columns"),
              fmt::format("both `think` (\"{}\") and `gap` (\"{}\") are mapped; think_time pacing takes one",
                          mapping->think, mapping->gap),
              "`think` is measured from a call's end, `gap` from its start: map the one your trace records");
  }
  if (!file || !mapping || r.error_count() != errors_before) return std::nullopt;

  std::vector<Diagnostic> problems;
  auto trace = read_request_trace(resolve_path(ctx.scenario.source_file, *file), *mapping, options, problems);
  for (auto& d : problems) r.add_from_other_file(std::move(d));
  if (!trace) return std::nullopt;
  record_models(ctx, *trace, model, child_path(path, "model"), options.default_model, node, path);
  if (window) {
    const double from = window->first / options.rate_scale, to = window->second / options.rate_scale;
    std::vector<bool> keep(trace->sessions());
    for (std::size_t k = 0; k < keep.size(); ++k) {
      const double start = trace->calls[trace->session_begin[k]].arrival_s;
      keep[k] = start >= from && start < to;
    }
    if (std::find(keep.begin(), keep.end(), true) == keep.end()) {
      r.error(window_node, child_path(path, "window"),
              fmt::format("no session of the trace starts in the window (its sessions start from 0 to {} s after its "
                          "first arrival)",
                          trace->calls[trace->session_begin[trace->sessions() - 1]].arrival_s * options.rate_scale),
              "the window is measured from the trace's first arrival, in its recorded time");
      return std::nullopt;
    }
    // The first session of the window starts the replay.
    const auto first = static_cast<std::size_t>(std::find(keep.begin(), keep.end(), true) - keep.begin());
    trace->keep_sessions(keep, trace->calls[trace->session_begin[first]].arrival_s);
  }
  if (sample && *sample < trace->sessions()) {
    // Systematic: sessions 0, k, 2k, ... with k = sessions / sample, spread
    // over the whole trace, their recorded times kept.
    const double step = static_cast<double>(trace->sessions()) / static_cast<double>(*sample);
    std::vector<bool> keep(trace->sessions(), false);
    for (std::uint64_t i = 0; i < *sample; ++i)
      keep[static_cast<std::size_t>(std::floor(static_cast<double>(i) * step))] = true;
    trace->keep_sessions(keep, 0.0);
  }
  if (loop) {
    // A round lasts as long as the trace plus one mean gap between session
    // starts, so that the seam looks like any other gap.
    const std::size_t n = trace->sessions();
    const double last = trace->start_s({static_cast<std::uint32_t>(n - 1), 0.0});
    if (n < 2 || last <= 0.0)
      r.error(loop_node, child_path(path, "loop"), "the trace's sessions all start at one instant, so it cannot loop",
              "remove loop: true, or replay a trace whose arrivals span some time");
    else
      trace->loop_period_s = last * static_cast<double>(n) / static_cast<double>(n - 1);
  }
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
