// What the request-trace tests share: where their small trace files are, the
// mappings of the small session traces they read, and a trace reader's
// diagnostics as one text, to show or compare.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/core/diagnostics.hpp"
#include "request_trace_reader.hpp"

namespace fleetsim::testing {

inline const std::string kTraces = std::string(FLEETSIM_SOURCE_DIR) + "/tests/data/traces/";

inline std::string all(const std::vector<Diagnostic>& ds) {
  std::string text;
  for (const auto& d : ds) text += d.format() + "\n";
  return text;
}

// A CSV session trace written by the tests: columns id, t (seconds), p, o
// and gap (start to start).
inline TraceMapping session_mapping() {
  TraceMapping m = *trace_preset("csv");
  m.time = "t";
  m.session = "id";
  m.prompt_tokens = "p";
  m.output_tokens = "o";
  m.gap = "gap";
  return m;
}

// kTraces + "agent-sessions.csv": sessions interleaved, a model and prefix
// hashes per row, times in milliseconds.
inline TraceMapping agent_sessions_mapping() {
  TraceMapping m = *trace_preset("csv");
  m.time_unit = TraceTimeUnit::milliseconds;
  m.time = "t_ms";
  m.session = "session";
  m.model = "model";
  m.prompt_tokens = "prompt";
  m.output_tokens = "output";
  m.prefix_hashes = "blocks";
  return m;
}

}  // namespace fleetsim::testing
