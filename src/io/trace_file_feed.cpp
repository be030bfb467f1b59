#include "trace_file_feed.hpp"

#include <fmt/format.h>

#include "fleetsim/io/input_limits.hpp"
#include "trace_builder.hpp"
#include "trace_row_splitter.hpp"

namespace fleetsim {
namespace {

using trace_rows::Problems;
using trace_rows::RowSplitter;
using trace_rows::TraceBuilder;
using trace_rows::TraceLines;


class TraceFileFeed final : public TraceFeed {
 public:
  explicit TraceFileFeed(const CheckedTraceFile& checked)
      : checked_(checked),
        problems_(checked_.path, found_),
        builder_(checked_.path, checked_.mapping, checked_.options, problems_),
        splitter_(checked_.mapping, builder_, problems_),
        lines_(checked_.path, limits::kMaxStreamedTraceFileBytes) {
    builder_.stream_to([this](const trace_rows::Row& row, const std::vector<std::uint64_t>& hashes) {
      if (rows_ == 0) origin_ = row.at;  // the first row's time, which is t = 0: rows are in time order
      take(builder_.call_of(row, origin_), hashes, builder_.gap_of(row));
    });
    if (!lines_.ok()) fail(0, "cannot read the trace file again: " + lines_.error());
    else if (!(lines_.version() == checked_.version)) fail(0, "the trace file has changed since it was checked");
  }

  bool next(FedSession& out) override {
    out.clear();
    out_ = &out;
    while (!done_ && out.calls.empty()) {
      const auto text = builder_.full() ? std::nullopt : lines_.next();
      if (!text) {
        end();
        break;
      }
      const bool go_on = splitter_.line(*text, lines_.line());
      if (problems_.count() > 0) fail(lines_.line(), "a row of the trace file no longer reads as it did when checked");
      else if (!go_on) end();
    }
    out_ = nullptr;
    return !out.calls.empty();
  }

  const std::vector<Diagnostic>& problems() const override { return found_; }

 private:
  // A checked row, now one session of one call.
  void take(const RequestTrace::Call& call, const std::vector<std::uint64_t>& hashes, double gap) {
    const auto& models = builder_.models();
    if (call.model >= checked_.models.size() || models[call.model] != checked_.models[call.model]) {
      fail(static_cast<int>(call.row),
           fmt::format("the row names model \"{}\", which the trace file did not name when it was checked",
                       models[call.model]));
      return;
    }
    ++rows_;
    RequestTrace::Call c = call;
    c.prefix_begin = static_cast<std::uint32_t>(out_->prefix_hashes.size());
    out_->prefix_hashes.insert(out_->prefix_hashes.end(), hashes.begin(), hashes.begin() + call.prefix_count);
    out_->calls.push_back(c);
    if (checked_.options.pacing == TracePacing::think_time) out_->gap_after_s.push_back(gap);
  }

  // The file has been read to its end (or the row limit): it must have had
  // the rows it had when checked.
  void end() {
    if (done_) return;
    if (const auto [line, column] = lines_.nul_at(); line != 0) fail(line, "the trace file now contains a NUL byte");
    else if (!lines_.ok()) fail(lines_.line(), "cannot read the trace file again: " + lines_.error());
    else if (rows_ != checked_.rows)
      fail(lines_.line(), fmt::format("the trace file now has {} rows to replay; it had {} when checked", rows_,
                                      checked_.rows));
    done_ = true;
  }

  void fail(int line, std::string message) {
    end_changed_feed(done_, problems_, found_, checked_.path, line, std::move(message));
  }

  const CheckedTraceFile& checked_;
  std::vector<Diagnostic> found_;
  Problems problems_;
  TraceBuilder builder_;
  RowSplitter splitter_;
  TraceLines lines_;
  FedSession* out_ = nullptr;
  std::uint64_t rows_ = 0;
  trace_rows::Instant origin_;
  bool done_ = false;
};

}  // namespace

void end_changed_feed(bool& done, trace_rows::Problems& problems, std::vector<Diagnostic>& found,
                      const std::string& path, int line, std::string message) {
  if (done) return;
  problems.finish();
  Diagnostic d;
  d.file = path;
  d.line = line;
  d.message = std::move(message);
  d.hint =
      "a streamed trace is read twice, to check it as the scenario loads and then row by row as the run goes: leave "
      "the file as it is until the run has ended";
  found.push_back(std::move(d));
  done = true;
}

std::unique_ptr<TraceFeed> TraceFileFeedSource::open() const { return std::make_unique<TraceFileFeed>(checked_); }

}  // namespace fleetsim
