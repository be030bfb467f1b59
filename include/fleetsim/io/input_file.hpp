// Reading an input file (scenario, sweep file, expectations, report, sweep
// rows) whole, within the documented size limit: a directory, /dev/zero or a
// 50 MB file is refused with the reason before it costs memory or time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fleetsim/io/input_limits.hpp"

namespace fleetsim {

// The file's bytes, or nullopt with `error` saying why not: "it is a
// directory", "it is larger than the 4 MiB limit for input files", or the
// system's reason. Pipes and character devices (/dev/stdin) are read up to
// the limit too.
std::optional<std::string> read_input_file(const std::string& path, std::string& error,
                                           std::uintmax_t max_bytes = limits::kMaxInputFileBytes);

// A file that `naming_file` names (a scenario's trace or series file):
// relative to naming_file's folder unless absolute, so that a scenario runs
// from any working directory.
std::string path_beside(const std::string& naming_file, const std::string& file);

}  // namespace fleetsim
