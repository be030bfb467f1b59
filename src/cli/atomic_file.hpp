// Writes a report where the user points --output, without ever breaking what
// is there: a crash or error never leaves a partial report behind for a
// pipeline to pick up, and nothing but a regular file is ever replaced.
#pragma once

#include <string>

namespace fleetsim {

// Writes `content` to `path`, by what `path` is:
// - a new path or a regular file: atomically, through a temporary file beside
//   it renamed into place (an existing file keeps its permissions);
// - a symbolic link: followed; its final target is written by these rules
//   (a dangling link creates its target);
// - a character device or a FIFO (/dev/null, /dev/stdout, a named pipe):
//   written in place, streamed, never replaced;
// - a directory, a block device or a socket: refused.
// Every write is checked. Returns an empty string on success, otherwise what
// went wrong, naming the path.
std::string write_output_file(const std::string& path, const std::string& content);

// The name validate-model uses; the same rules as write_output_file.
inline std::string write_file_atomically(const std::string& path, const std::string& content) {
  return write_output_file(path, content);
}

// Writes all of `content` to an open descriptor, retrying short writes and
// EINTR. Returns 0 on success, otherwise the errno of the failed write.
int write_all(int fd, const std::string& content);

}  // namespace fleetsim
