#include "trace_session_index.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim::trace_rows {

void SessionIndexBuilder::add(const Row& row, std::uint64_t offset) {
  if (row.session >= scanned_.size()) scanned_.resize(row.session + 1);
  Scanned& s = scanned_[row.session];
  if (s.rows == 0) {
    s.first = row.at;
    s.offset = offset;
    s.line = row.line;
  } else if (pacing_ == TracePacing::think_time && s.last_gap_empty) {
    missing_.push_back({row.session, s.last_line, row.line, s.last_gap_column});
  }
  ++s.rows;
  s.last_line = row.line;
  s.last_gap_column = row.gap_column;
  s.last_gap_empty = std::isnan(row.gap);
}

std::optional<SessionIndex> SessionIndexBuilder::finish(TraceBuilder& builder) {
  // As TraceBuilder::order_sessions: a stable sort by first call.
  std::vector<std::uint32_t> by_start(scanned_.size());
  for (std::uint32_t i = 0; i < by_start.size(); ++i) by_start[i] = i;
  std::stable_sort(by_start.begin(), by_start.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return scanned_[a].first < scanned_[b].first; });
  if (!missing_.empty()) {
    // A trace held whole reports them session by session in start order,
    // each session's in file order.
    std::vector<std::uint32_t> rank(scanned_.size());
    for (std::uint32_t i = 0; i < by_start.size(); ++i) rank[by_start[i]] = i;
    std::stable_sort(missing_.begin(), missing_.end(),
                     [&](const MissingGap& a, const MissingGap& b) { return rank[a.session] < rank[b.session]; });
    for (const MissingGap& m : missing_) builder.missing_gap(static_cast<int>(m.line), m.column, m.next_line);
    return std::nullopt;
  }
  SessionIndex index;
  index.origin = scanned_[by_start.front()].first;
  index.sessions.reserve(by_start.size());
  index.starts_s.reserve(by_start.size());
  for (const std::uint32_t k : by_start) {
    const Scanned& s = scanned_[k];
    index.sessions.push_back({s.offset, s.line, s.rows});
    Row first;
    first.at = s.first;
    index.starts_s.push_back(builder.call_of(first, index.origin).arrival_s);
  }
  scanned_ = {};
  return index;
}

}  // namespace fleetsim::trace_rows
