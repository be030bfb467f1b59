// Writes a whole file or nothing: a crash or error never leaves a partial
// report behind for a pipeline to pick up.
#pragma once

#include <string>

namespace fleetsim {

// Writes `content` to a temporary file beside `path`, then renames it into
// place. Returns an empty string on success, otherwise what went wrong.
std::string write_file_atomically(const std::string& path, const std::string& content);

}  // namespace fleetsim
