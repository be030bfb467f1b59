// Runs the fleetsim binary as a child process. Engine tests go through the
// real command because SimGrid allows one engine per process.
#pragma once

#include <string>

namespace fleetsim::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `args` is appended to the binary's path as is (quote paths yourself).
CliResult run_fleetsim(const std::string& args);

// Runs one command with /bin/sh, capturing its output as run_fleetsim does
// (the redirections are appended to `command_line`).
CliResult run_shell(const std::string& command_line);

// A file in a fresh temporary directory, removed with the directory at exit.
std::string temp_path(const std::string& name);
std::string write_temp_file(const std::string& name, const std::string& content);
std::string read_file(const std::string& path);

// Shared here because several test files used the same helpers, and they
// now compile as one translation unit (unity build).

// The shipped quickstart scenario, which the CLI tests run.
inline const std::string kQuickstart = std::string(FLEETSIM_SOURCE_DIR) + "/scenarios/quickstart.yaml";

// A file of the source tree, `relative` to its root.
inline std::string source(const std::string& relative) { return std::string(FLEETSIM_SOURCE_DIR) + "/" + relative; }

// `path` in single quotes, as one word of a command line.
inline std::string q(const std::string& path) { return "'" + path + "'"; }

// Whether `needle` occurs in `haystack` (a page or report text).
inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace fleetsim::testing
