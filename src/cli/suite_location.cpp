#include "suite_location.hpp"

#include <system_error>

namespace fleetsim {
namespace fs = std::filesystem;

fs::path binary_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

namespace {

bool holds_suite(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "cases.yaml", ec);
}

}  // namespace

SuiteLocation locate_validation_suite(const fs::path& default_dir) {
  SuiteLocation where;
  std::vector<fs::path> candidates{default_dir};
  if (const fs::path bin = binary_dir(); !bin.empty()) {
    candidates.push_back(bin.parent_path() / "validation");                      // <repo>/build/fleetsim
    candidates.push_back(bin.parent_path() / "share" / "fleetsim" / "validation");  // <prefix>/bin/fleetsim
  }
  for (const fs::path& c : candidates) {
    where.searched.push_back(c.lexically_normal());
    if (holds_suite(c)) {
      where.dir = c.lexically_normal();
      break;
    }
  }
  return where;
}

}  // namespace fleetsim
