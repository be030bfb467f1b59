#include "trace_session_feed.hpp"

#include <cmath>
#include <unordered_map>

#include <fmt/format.h>

#include "fleetsim/io/input_limits.hpp"
#include "trace_builder.hpp"
#include "trace_row_splitter.hpp"

namespace fleetsim {
namespace {

using trace_rows::IndexedSession;
using trace_rows::Problems;
using trace_rows::Row;
using trace_rows::RowSplitter;
using trace_rows::TraceBuilder;
using trace_rows::TraceLines;

// The index already stops at the row limit; a session's rows are read again
// from the middle of the file, so the builder must not count them towards it.
TraceOptions without_limit(TraceOptions o) {
  o.limit.reset();
  return o;
}

class TraceSessionFeed final : public TraceFeed {
 public:
  TraceSessionFeed(const CheckedTraceFile& checked, const trace_rows::Instant& origin,
                   const std::vector<IndexedSession>& sessions, double shift_s)
      : checked_(checked),
        origin_(origin),
        shift_s_(shift_s),
        sessions_(sessions),
        options_(without_limit(checked.options)),
        problems_(checked_.path, found_),
        builder_(checked_.path, checked_.mapping, options_, problems_),
        splitter_(checked_.mapping, builder_, problems_),
        lines_(checked_.path, limits::kMaxStreamedTraceFileBytes) {
    for (std::uint32_t i = 0; i < checked_.models.size(); ++i) model_of_.emplace(checked_.models[i], i);
    builder_.stream_to([this](const Row& row, const std::vector<std::uint64_t>& hashes) { take(row, hashes); });
    if (!lines_.ok()) {
      fail(0, "cannot read the trace file again: " + lines_.error());
    } else if (!(lines_.version() == checked_.version)) {
      fail(0, "the trace file has changed since it was checked");
    } else if (checked_.mapping.kind == TraceFileKind::csv) {
      // The header, for the columns' places.
      const auto header = lines_.next();
      if (!header || !splitter_.line(*header, 1) || problems_.count() > 0)
        fail(1, "the trace file's header no longer reads as it did when checked");
    }
  }

  bool next(FedSession& out) override {
    out.clear();
    if (done_) return false;
    if (next_session_ == sessions_.size()) {
      done_ = true;
      return false;
    }
    const IndexedSession& s = sessions_[next_session_++];
    out_ = &out;
    wanted_ = s.rows;
    builder_.follow_next_session();  // the session at s.offset is session 0
    lines_.seek(s.offset, static_cast<int>(s.line) - 1);
    while (!done_ && out.calls.size() < wanted_) {
      const auto text = lines_.next();
      if (!text) {
        ended_early(s);
        break;
      }
      splitter_.line(*text, lines_.line());
      if (problems_.count() > 0) fail(lines_.line(), "a row of the trace file no longer reads as it did when checked");
      else if (out.calls.empty())
        fail(static_cast<int>(s.line), "the session that started on this line when checked no longer does");
    }
    out_ = nullptr;
    if (done_) out.clear();
    return !done_;
  }

  const std::vector<Diagnostic>& problems() const override { return found_; }

 private:
  // A checked row; the session's own (number 0) become its calls.
  void take(const Row& row, const std::vector<std::uint64_t>& hashes) {
    if (row.session != 0 || done_) return;
    const std::string& name = builder_.models()[row.model];
    const auto model = model_of_.find(name);
    if (model == model_of_.end())
      return fail(static_cast<int>(row.line),
                  fmt::format("the row names model \"{}\", which the trace file did not name when it was checked",
                              name));
    RequestTrace::Call c = builder_.call_of(row, origin_);
    c.arrival_s -= shift_s_;  // x - 0.0 is x: without a window, the file's times
    c.model = model->second;
    c.prefix_begin = static_cast<std::uint32_t>(out_->prefix_hashes.size());
    out_->prefix_hashes.insert(out_->prefix_hashes.end(), hashes.begin(), hashes.begin() + row.hash_count);
    out_->calls.push_back(c);
    if (checked_.options.pacing != TracePacing::think_time) return;
    const double gap = builder_.gap_of(row);
    if (std::isnan(gap) && out_->calls.size() < wanted_)
      return fail(static_cast<int>(row.line), "the row's gap, there when checked, is now empty");
    out_->gap_after_s.push_back(gap);
  }

  void ended_early(const IndexedSession& s) {
    if (const auto [line, column] = lines_.nul_at(); line != 0)
      return fail(line, "the trace file now contains a NUL byte");
    if (!lines_.ok()) return fail(lines_.line(), "cannot read the trace file again: " + lines_.error());
    fail(static_cast<int>(s.line), fmt::format("the session that starts on this line now has {} rows to replay; it "
                                               "had {} when checked",
                                               out_->calls.size(), s.rows));
  }

  void fail(int line, std::string message) {
    end_changed_feed(done_, problems_, found_, checked_.path, line, std::move(message));
  }

  const CheckedTraceFile& checked_;
  const trace_rows::Instant& origin_;
  double shift_s_;
  const std::vector<IndexedSession>& sessions_;
  TraceOptions options_;
  std::vector<Diagnostic> found_;
  Problems problems_;
  TraceBuilder builder_;
  RowSplitter splitter_;
  TraceLines lines_;
  std::unordered_map<std::string, std::uint32_t> model_of_;  // the checked models by name
  std::size_t next_session_ = 0;
  std::size_t wanted_ = 0;
  FedSession* out_ = nullptr;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<TraceFeed> TraceSessionFeedSource::open() const {
  return std::make_unique<TraceSessionFeed>(checked_, origin_, sessions_, shift_s_);
}

}  // namespace fleetsim
