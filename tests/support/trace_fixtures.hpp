// What the request-trace tests share: where their small trace files are, the
// mappings of the small session traces they read, and a trace reader's
// diagnostics as one text, to show or compare.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "fleetsim/core/diagnostics.hpp"
#include "fleetsim/core/trace_feed.hpp"
#include "request_trace_reader.hpp"

namespace fleetsim::testing {

inline const std::string kTraces = std::string(FLEETSIM_SOURCE_DIR) + "/tests/data/traces/";

inline std::string all(const std::vector<Diagnostic>& ds) {
  std::string text;
  for (const auto& d : ds) text += d.format() + "\n";
  return text;
}

// A streamed trace's feed read to its end; the feed must report no problem.
inline std::vector<FedSession> feed_all(const RequestTrace& t) {
  std::vector<FedSession> out;
  auto feed = t.feed->open();
  FedSession s;
  while (feed->next(s)) out.push_back(s);
  INFO(all(feed->problems()));
  CHECK(feed->problems().empty());
  return out;
}

// Two gaps after a call are the same, "none" (NaN) included.
inline bool same_gap(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

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
