#include "atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interrupts.hpp"

namespace fleetsim {
namespace {

namespace fs = std::filesystem;

std::string failure(const std::string& what, const std::string& path, int error) {
  return what + " '" + path + "': " + std::strerror(error);
}

// Temporary file beside `target`, renamed over it: readers see the old file
// or the whole new one. `mode` is the permission the result gets.
std::string replace_regular_file(const fs::path& target, const std::string& shown, const std::string& content,
                                 mode_t mode) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return failure("cannot create a file in", dir.string(), errno);
  set_pending_file(tmpl);  // an interrupted run removes it (interrupts.hpp)
  ::fchmod(fd, mode);  // mkstemp makes the file private
  int error = write_all(fd, content);
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(tmpl.c_str(), target.c_str()) != 0) error = errno;
  if (error != 0) std::remove(tmpl.c_str());
  set_pending_file({});
  if (error != 0) return failure("cannot write", shown, error);
  return {};
}

// A device or FIFO: opened as it is (never created, never truncated) and
// streamed to. Opening a FIFO waits for its reader, like any writer.
std::string write_in_place(const std::string& path, const std::string& content) {
  int fd;
  do fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return failure("cannot open", path, errno);
  int error = write_all(fd, content);
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error != 0) return failure("cannot write", path, error);
  return {};
}

// The final path a chain of symbolic links leads to, for a link whose target
// does not exist yet (stat() cannot see through it). Empty with `error` set
// on a loop.
fs::path follow_dangling_link(fs::path path, int& error) {
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
    std::error_code ec;
    const fs::path next = fs::read_symlink(path, ec);
    if (ec) {
      error = ec.value();
      return {};
    }
    path = next.is_absolute() ? next : path.parent_path() / next;
  }
  error = ELOOP;
  return {};
}

mode_t default_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

int write_all(int fd, const std::string& content) {
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;  // a write that makes no progress would loop forever
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return 0;
}

std::string write_output_file(const std::string& path, const std::string& content) {
  if (path.empty()) return "cannot write '': the output path is empty";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return failure("cannot write", path, errno);
    // Nothing there, or a link to nothing: create the final target.
    int error = 0;
    const fs::path target = follow_dangling_link(path, error);
    if (error != 0) return failure("cannot write", path, error);
    return replace_regular_file(target, path, content, default_mode());
  }
  if (S_ISREG(st.st_mode)) {
    // Replace the link's target, not the link: resolve the whole chain.
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (!resolved) return failure("cannot write", path, errno);
    const fs::path target(resolved);
    std::free(resolved);
    return replace_regular_file(target, path, content, st.st_mode & 07777);
  }
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return write_in_place(path, content);
  if (S_ISDIR(st.st_mode)) return "cannot write '" + path + "': it is a directory; name a file in it";
  if (S_ISSOCK(st.st_mode)) return "cannot write '" + path + "': it is a socket; name a regular file";
  if (S_ISBLK(st.st_mode))
    return "cannot write '" + path + "': it is a block device, which fleetsim never overwrites; name a regular file";
  return "cannot write '" + path + "': it is not a regular file, a character device or a FIFO";
}

}  // namespace fleetsim
