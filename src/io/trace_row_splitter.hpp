// Splits a request trace's lines into rows, a CSV header then its lines or
// one JSON object a line, and hands each row's mapped values to a
// TraceBuilder. Lines come from wherever the trace is read: a file held whole
// or one read line by line (trace_lines.hpp). Private to the trace reader.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "request_trace_reader.hpp"
#include "trace_builder.hpp"
#include "trace_cells.hpp"

namespace fleetsim::trace_rows {

class RowSplitter {
 public:
  // `m` and `builder` must outlive the splitter.
  RowSplitter(const TraceMapping& m, TraceBuilder& builder, Problems& problems);

  // Line `n` (from 1) of the file, without its end of line. False when the
  // rest of the file is not to be read: a broken header, or the row limit.
  bool line(std::string_view text, int n);
  // After the last line: false when a CSV trace's header was missing or
  // broken (already reported).
  bool header_ok() const { return header_ok_; }

 private:
  bool csv_header(std::string_view text);
  void csv_row(std::string_view text, int n);
  void jsonl_row(std::string_view text, int n);

  const TraceMapping& mapping_;
  TraceBuilder& builder_;
  Problems& problems_;
  bool header_ok_;
  std::array<std::size_t, kFields> index_{};
  std::size_t header_cells_ = 0;
  std::vector<Cell> cells_;
  std::vector<std::string> unquoted_;
};

}  // namespace fleetsim::trace_rows
