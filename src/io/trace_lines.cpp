#include "trace_lines.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fleetsim::trace_rows {

namespace {
constexpr std::size_t kFirstReadAfterSeek = 1 << 10;
}

TraceLines::TraceLines(const std::string& path, std::uintmax_t max_bytes) : max_bytes_(max_bytes) {
  do fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  while (fd_ < 0 && errno == EINTR);
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    return;
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    error_ = std::strerror(errno);
  } else if (S_ISDIR(st.st_mode)) {
    error_ = "it is a directory; expected a file";
  } else if (!S_ISREG(st.st_mode)) {
    error_ = "it is not a regular file";  // a pipe cannot be read twice
  } else if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    error_ = fmt::format("it is {:.1f} MiB, larger than the {} MiB limit for a streamed trace",
                         static_cast<double>(st.st_size) / (1 << 20), max_bytes >> 20);
  }
  version_.bytes = static_cast<std::uintmax_t>(st.st_size);
  version_.modified_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  buffer_.resize(kChunk);
}

TraceLines::~TraceLines() {
  if (fd_ >= 0) ::close(fd_);
}

bool TraceLines::fill() {
  if (eof_ || !error_.empty()) return false;
  // Keep the unread bytes at the front; grow for a line longer than the buffer.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ < kChunk) buffer_.resize(buffer_.size() * 2);
  // After a seek, a little at first: a session's rows are often a few
  // hundred bytes, and a read of the whole chunk per session would cost more
  // in copying than the rows take to parse.
  const std::size_t want = std::min(buffer_.size() - end_, next_read_);
  next_read_ = std::min(next_read_ * 4, kChunk);
  for (;;) {
    const ssize_t n = ::read(fd_, buffer_.data() + end_, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = std::strerror(errno);
      return false;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    read_ += static_cast<std::uintmax_t>(n);
    if (read_ > max_bytes_) {  // it grew while it was read
      error_ = fmt::format("it is larger than the {} MiB limit for a streamed trace", max_bytes_ >> 20);
      return false;
    }
    end_ += static_cast<std::size_t>(n);
    return true;
  }
}

std::optional<std::string_view> TraceLines::next() {
  if (fd_ < 0 || !error_.empty() || nul_.first != 0) return std::nullopt;
  std::size_t scanned = 0;  // bytes of the pending line searched so far, from begin_
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const std::size_t avail = end_ - begin_;
    const auto* nl = static_cast<const char*>(std::memchr(start + scanned, '\n', avail - scanned));
    const std::size_t length = nl ? static_cast<std::size_t>(nl - start) : avail;
    if (const auto* nul = static_cast<const char*>(std::memchr(start + scanned, '\0', length - scanned))) {
      nul_ = {line_ + 1, static_cast<int>(nul - start) + 1};
      return std::nullopt;
    }
    if (nl == nullptr) {
      scanned = length;
      if (fill()) continue;  // fill() moves the pending bytes to the front: `scanned` still counts from begin_
      if (!error_.empty() || avail == 0) return std::nullopt;
      // The last line, without its "\n".
    }
    std::string_view line(buffer_.data() + begin_, length);
    line_offset_ = read_ - end_ + begin_;
    begin_ += nl ? length + 1 : length;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_;
    return line;
  }
}

void TraceLines::seek(std::uintmax_t offset, int line_before) {
  if (fd_ < 0 || !error_.empty()) return;
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    error_ = std::strerror(errno);
    return;
  }
  begin_ = end_ = 0;
  read_ = offset;
  eof_ = false;
  line_ = line_before;
  next_read_ = kFirstReadAfterSeek;
}

}  // namespace fleetsim::trace_rows
