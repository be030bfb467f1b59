#include "report_table_parts.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "fleetsim/io/report_text.hpp"

namespace fleetsim::report_table {
namespace {

namespace text = report_text;
using Align = text::TextTable::Align;

std::vector<std::string> latency_row(std::string_view label, const LatencySummary& s) {
  if (s.count == 0) return {std::string(label), "0", "-", "-", "-", "-", "-", "-"};
  return {std::string(label),      text::count(static_cast<std::int64_t>(s.count)),
          text::duration(s.mean),  text::duration(s.p50),
          text::duration(s.p90),   text::duration(s.p95),
          text::duration(s.p99),   text::duration(s.max)};
}

std::string slo_line(const SloResult& s) {
  return fmt::format("{} p{:g} <= {}: observed {}, attainment {} {}", s.metric, s.percentile,
                     slo_seconds(s.bound_s), slo_seconds(s.observed_s), text::percent(s.attainment),
                     s.met ? "MET" : "MISSED");
}

// An agent-graph workload: how much of its sessions' work overlapped, and
// what their critical path waited on.
void graph_lines(std::string& out, const SessionGraphReport& g) {
  line(out, "critical path",
       fmt::format("{} per session; {} of calls and tools summed over branches ({}x overlap)",
                   text::duration(g.critical_path_mean_s), text::duration(g.step_time_mean_s),
                   text::sig(g.parallelism)));
  line(out, "per session",
       fmt::format("{} LLM calls, {} tool calls, {} fan-outs, {} sub-agents", text::sig(g.llm_calls_per_session),
                   text::sig(g.tool_calls_per_session), text::sig(g.fan_outs_per_session),
                   text::sig(g.sub_agents_per_session)));
  if (g.fan_out_width_max > 0)
    line(out, "fan-out width",
         fmt::format("{} branches mean, {} max", text::sig(g.fan_out_width_mean), g.fan_out_width_max));
  line(out, "blocked on",
       fmt::format("models {}, tools {}, both {} per session", text::duration(g.blocked_on_models_mean_s),
                   text::duration(g.blocked_on_tools_mean_s), text::duration(g.blocked_on_both_mean_s)));
}

// A replayed agent trace: did the fleet keep to the recorded rhythm?
void trace_replay_line(std::string& out, const TraceReplayReport& t) {
  std::string text = fmt::format("{} pacing; ", t.pacing == "think_time" ? "think-time" : "timestamp");
  if (t.calls_late == 0)
    text += fmt::format("all {} later calls on the trace's rhythm", text::count(t.calls_issued));
  else
    text += fmt::format("{} of {} later calls issued late (mean {}, max {}): the previous call had not ended",
                        text::count(t.calls_late), text::count(t.calls_issued), text::duration(t.late_mean_s),
                        text::duration(t.late_max_s));
  line(out, "trace replay", text);
}

}  // namespace

void workload_section(std::string& out, const Report& r, const WorkloadReport& w) {
  out += fmt::format("\nWorkload {}\n", w.name);
  line(out, "sessions",
       fmt::format("{} completed, {} started, {} in flight at end",
                   text::count(w.sessions_completed), text::count(w.sessions_started),
                   text::count(w.sessions_in_flight)));
  std::string calls = text::count(w.llm_calls) + " LLM";
  if (w.llm_calls_failed > 0)
    calls += fmt::format(" ({} failed: too large for a replica's KV cache)",
                         text::count(w.llm_calls_failed));
  line(out, "calls", calls + ", " + text::count(w.tool_calls) + " tool");
  line(out, "tokens",
       fmt::format("{} in ({} computed), {} out", text::compact(w.prompt_tokens),
                   text::compact(w.prefill_tokens), text::compact(w.output_tokens)));
  line(out, "prefix-cache hits",
       text::percent(w.prefix_cache_hit_rate) + " of prompt tokens" +
           (w.cross_session_hit_rate ? " (" + text::percent(*w.cross_session_hit_rate) +
                                           " computed by other sessions, " +
                                           text::percent(w.prefix_cache_hit_rate - *w.cross_session_hit_rate) +
                                           " from the session's own cache)"
                                     : ""));

  text::TextTable latency({{"latency", Align::left},
                           {"n"},
                           {"mean"},
                           {"p50"},
                           {"p90"},
                           {"p95"},
                           {"p99"},
                           {"max"}});
  latency.add_row(latency_row("TTFT", w.ttft_s));
  latency.add_row(latency_row("TPOT", w.tpot_s));
  latency.add_row(latency_row("call", w.call_latency_s));
  latency.add_row(latency_row("session", w.session_latency_s));
  out += '\n';
  out += latency.render("  ");
  out += '\n';

  if (w.slos.empty()) {
    line(out, "SLOs", "none set");
  } else {
    std::size_t missed = 0;
    for (const SloResult& s : w.slos) missed += s.met ? 0 : 1;
    line(out, "SLOs",
         missed == 0 ? "all met" : fmt::format("{} of {} missed", missed, w.slos.size()));
    for (const SloResult& s : w.slos) out += "    " + slo_line(s) + "\n";
  }

  std::string goodput = text::sig(w.goodput_sessions_per_s) + " sessions/s met every SLO";
  const double window = window_s(r.run);
  if (window > 0 && w.sessions_completed > 0 && std::isfinite(w.goodput_sessions_per_s)) {
    const double completed_per_s = static_cast<double>(w.sessions_completed) / window;
    goodput += fmt::format(" ({} of completed)",
                           text::percent(w.goodput_sessions_per_s / completed_per_s));
  }
  line(out, "goodput", goodput);
  line(out, "cost", fmt::format("{} by device time used; {} per session", text::usd(w.cost_usd),
                                text::usd(w.cost_per_session_usd)));
  if (w.graph) graph_lines(out, *w.graph);
  if (w.trace_replay) trace_replay_line(out, *w.trace_replay);
  if (w.kv_transfers)
    line(out, "KV transfers",
         fmt::format("{} prefill to decode, mean {} in {} (max {}), part of TTFT", text::count(w.kv_transfers->transfers),
                     text::compact(w.kv_transfers->bytes_mean) + "B", text::duration(w.kv_transfers->time_mean_s),
                     text::duration(w.kv_transfers->time_max_s)));
}

}  // namespace fleetsim::report_table
