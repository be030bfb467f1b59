// Replica timelines in the Chrome trace-event format: {"traceEvents": [...]}.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/io/replica_trace_writer.hpp"

namespace fleetsim {

std::string render_trace_events(const ReplicaTrace& trace) {
  using Json = nlohmann::ordered_json;
  Json events = Json::array();
  // A process per pool, numbered in the order the tracks name them.
  std::map<std::string, int> pids;
  for (const ReplicaTrack& track : trace.tracks) {
    auto [it, fresh] = pids.emplace(track.pool, static_cast<int>(pids.size()) + 1);
    if (fresh)
      events.push_back(
          {{"name", "process_name"}, {"ph", "M"}, {"pid", it->second}, {"args", {{"name", "pool " + track.pool}}}});
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", it->second},
                      {"tid", track.replica},
                      {"args", {{"name", "replica " + std::to_string(track.replica) + " (" + track.model + ")"}}}});
  }
  for (const ReplicaTrack& track : trace.tracks) {
    const int pid = pids.at(track.pool);
    for (const ReplicaSlice& s : track.slices)
      events.push_back({{"name", s.prompt ? "prompt iteration" : "decode"},
                        {"cat", s.prompt ? "prefill" : "decode"},
                        {"ph", "X"},
                        {"ts", s.start_s * 1e6},
                        {"dur", (s.end_s - s.start_s) * 1e6},
                        {"pid", pid},
                        {"tid", track.replica},
                        {"args",
                         {{"iterations", s.iterations},
                          {"batch", s.batch},
                          {"tokens", s.tokens},
                          {"compute_s", s.compute_s},
                          {"memory_s", s.memory_s}}}});
  }
  Json out = {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}};
  return out.dump() + "\n";
}

}  // namespace fleetsim
