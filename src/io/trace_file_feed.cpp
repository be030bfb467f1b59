#include "trace_file_feed.hpp"

#include <string>
#include <unordered_map>

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


// A window's rows are read from its first on: the row limit, counted from
// the file's first row, is already in the rows the check counted.
TraceOptions read_from(TraceOptions o, const std::optional<FeedWindow>& window) {
  if (window) o.limit.reset();
  return o;
}

class TraceFileFeed final : public TraceFeed {
 public:
  TraceFileFeed(const CheckedTraceFile& checked, const trace_rows::Instant& origin,
                const std::optional<FeedWindow>& window)
      : checked_(checked),
        origin_(origin),
        window_(window),
        options_(read_from(checked.options, window)),
        problems_(checked_.path, found_),
        builder_(checked_.path, checked_.mapping, options_, problems_),
        splitter_(checked_.mapping, builder_, problems_),
        lines_(checked_.path, limits::kMaxStreamedTraceFileBytes) {
    for (std::uint32_t i = 0; i < checked_.models.size(); ++i) model_of_.emplace(checked_.models[i], i);
    builder_.stream_to([this](const trace_rows::Row& row, const std::vector<std::uint64_t>& hashes) {
      take(builder_.call_of(row, origin_), hashes, builder_.gap_of(row));
    });
    if (!lines_.ok()) {
      fail(0, "cannot read the trace file again: " + lines_.error());
    } else if (!(lines_.version() == checked_.version)) {
      fail(0, "the trace file has changed since it was checked");
    } else if (window_) {
      // The rows before the window are not read again: the header (for the
      // columns' places), then the window's first row.
      const bool csv = checked_.mapping.kind == TraceFileKind::csv;
      const auto header = csv ? lines_.next() : std::nullopt;
      if (csv && (!header || !splitter_.line(*header, 1) || problems_.count() > 0))
        fail(1, "the trace file's header no longer reads as it did when checked");
      else
        lines_.seek(window_->start.offset, static_cast<int>(window_->start.line) - 1);
    }
  }

  bool next(FedSession& out) override {
    out.clear();
    out_ = &out;
    while (!done_ && out.calls.empty()) {
      // A window's last row read, the rest of the file is not.
      if (window_ && rows_ == checked_.rows) {
        done_ = true;
        break;
      }
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
    // By name: a window's rows, read from the middle of the file, meet the
    // models in another order than the check did.
    const std::string& name = builder_.models()[call.model];
    const auto model = model_of_.find(name);
    if (model == model_of_.end()) {
      fail(static_cast<int>(call.row),
           fmt::format("the row names model \"{}\", which the trace file did not name when it was checked", name));
      return;
    }
    RequestTrace::Call c = call;
    c.model = model->second;
    if (window_) {
      if (!window_->window.keeps(c.arrival_s)) return;
      c.arrival_s -= window_->start.shift_s;
    }
    ++rows_;
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
  const trace_rows::Instant& origin_;
  const std::optional<FeedWindow>& window_;
  TraceOptions options_;
  std::vector<Diagnostic> found_;
  Problems problems_;
  TraceBuilder builder_;
  RowSplitter splitter_;
  TraceLines lines_;
  std::unordered_map<std::string, std::uint32_t> model_of_;  // the checked models by name
  FedSession* out_ = nullptr;
  std::uint64_t rows_ = 0;  // replayed so far
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

std::unique_ptr<TraceFeed> TraceFileFeedSource::open() const {
  return std::make_unique<TraceFileFeed>(checked_, origin_, window_);
}

}  // namespace fleetsim
