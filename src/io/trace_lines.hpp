// A trace file read line by line through a small buffer, for the traces that
// are streamed (trace_file_feed.hpp): the file is never held whole. Lines are
// split as for a trace held in memory: on "\n", without a trailing "\r", the
// last line counted whether or not it ends in "\n". Private to the trace
// reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetsim::trace_rows {

// What identifies one version of a file: a trace checked once and read again
// must be the same version.
struct FileVersion {
  std::uintmax_t bytes = 0;
  std::int64_t modified_ns = 0;
  bool operator==(const FileVersion& o) const { return bytes == o.bytes && modified_ns == o.modified_ns; }
};

class TraceLines {
 public:
  // Opens `path`, a regular file of at most `max_bytes`; on failure error()
  // says why (the system's reason, "it is a directory", "it is ... MiB,
  // larger than the ... limit").
  TraceLines(const std::string& path, std::uintmax_t max_bytes);
  ~TraceLines();
  TraceLines(const TraceLines&) = delete;
  TraceLines& operator=(const TraceLines&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const FileVersion& version() const { return version_; }

  // The next line, valid until the next call; nullopt at the end, or after a
  // read error, a NUL byte (nul_at() says where) or more than max_bytes.
  std::optional<std::string_view> next();
  int line() const { return line_; }  // of the last line returned, from 1
  // Where the last line returned starts in the file, in bytes.
  std::uintmax_t line_offset() const { return line_offset_; }
  // Goes to byte `offset`, the start of a line that is then counted as line
  // `line_before` + 1: a streamed trace's session read again from its first
  // row (trace_session_feed.hpp). Clears the end of file.
  void seek(std::uintmax_t offset, int line_before);
  // Where a NUL byte stopped the reading: its line and column; 0 if none did.
  std::pair<int, int> nul_at() const { return nul_; }

 private:
  bool fill();  // reads more into the buffer; false at the end or on an error

  int fd_ = -1;
  std::string error_;
  FileVersion version_;
  std::uintmax_t max_bytes_ = 0;
  std::uintmax_t read_ = 0;  // the file's offset just past the buffer's end_
  std::uintmax_t line_offset_ = 0;
  static constexpr std::size_t kChunk = std::size_t{1} << 16;
  std::size_t next_read_ = kChunk;  // bytes the next fill reads at most
  std::vector<char> buffer_;
  std::size_t begin_ = 0, end_ = 0;  // unread bytes: buffer_[begin_, end_)
  bool eof_ = false;
  int line_ = 0;
  std::pair<int, int> nul_{0, 0};
};

}  // namespace fleetsim::trace_rows
