#include "fleetsim/io/input_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fleetsim {

std::optional<std::string> read_input_file(const std::string& path, std::string& error, std::uintmax_t max_bytes) {
  const std::string limit = fmt::format("the {} MiB limit for input files", max_bytes >> 20);
  int fd;
  do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error = "it is a directory; expected a file";
    ::close(fd);
    return std::nullopt;
  }
  if (S_ISREG(st.st_mode) && static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
    error = fmt::format("it is {:.1f} MiB, larger than {}", static_cast<double>(st.st_size) / (1 << 20), limit);
    ::close(fd);
    return std::nullopt;
  }
  // Read to the end but never past the limit: a device such as /dev/zero
  // has no end, and a regular file may grow while it is read.
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) {
      error = "it is larger than " + limit;
      ::close(fd);
      return std::nullopt;
    }
  }
  ::close(fd);
  return text;
}

std::string path_beside(const std::string& naming_file, const std::string& file) {
  const std::filesystem::path p(file);
  if (p.is_absolute()) return file;
  return (std::filesystem::path(naming_file).parent_path() / p).lexically_normal().string();
}

}  // namespace fleetsim
